"""Article bodies and provenance: boilerplate, page metadata, outlets, dates, quotes, reuse.

Notebook 01 (provenance) starts here.
"""
