"""Per-document measures: readability, lexical diversity, rhetorical cues and actors, summaries.

Notebook 02 (rhetoric and readability) starts here.
"""
