"""Comparing groups of documents: groups, intervals, keyness, similarity, phrases, framing.

Notebook 03 (cross-outlet comparison) starts here.
"""
