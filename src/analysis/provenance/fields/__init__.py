"""Source provenance of each document, with the evidence for every value.

One row per document in ``provenance``; every non-null value has at least one row in
``provenance_evidence`` (``doc_id``, ``field``, ``value``, ``method``, ``start``, ``end``,
``snippet``; offsets into the decoded original text, null for curated values); every null value
has a row in ``provenance_gaps`` saying why. Curated values (a sidecar ``metadata.csv`` in a corpus
folder, or the ``outlet``/``title``/``date``/``url``/``authors`` columns of a tabular corpus) take
precedence; where the text says otherwise, ``provenance_conflicts`` lists both. Each curated
value is checked first (:func:`check_value`; the sidecar with :func:`read_sidecar`): a value that
fails its check is never used, the text-derived value stands, and ``curated_problems`` says why.

Methods (the data files are in ``src/analysis/data/``):

- ``outlet``: outlet signatures of ``outlets.yaml`` (lines only that outlet's pages carry), else
  the publisher the page names (:func:`named_publisher`: ``publisher_mentions`` of
  ``provenance_patterns.yaml``, resolved against ``outlets.yaml`` and ``outlet_list.csv``).
- ``title``, ``author``, ``published_at``, ``dateline``: the article header just above the first
  body line (:mod:`analysis.provenance.pagemeta`, ``page_metadata.yaml``); a signature line before
  the page foot; the author of a reproduced Telegram post.
- ``views``, ``tags``: the page header as labelled by :mod:`analysis.provenance.boilerplate`.
- ``date_earliest``/``date_latest``: the publication date when stated, else
:mod:`analysis.provenance.dates`.
- ``language``: py3langid on the clean body.
- ``translated``, ``original_language``, ``original_outlet``, ``intermediary``: translator
  signatures and credit lines, and machine-translation fingerprints (``mt_fingerprints.yaml``).
- ``primary_source_kind``: the first primary-source cue in the lead, else the genre tags.
"""

from __future__ import annotations

from analysis.provenance.fields._curated import (
    MAX_SIDECAR_BYTES,
    Curated,
    Problem,
    Sidecar,
    SidecarRow,
    check_value,
    curated_values,
    read_sidecar,
)
from analysis.provenance.fields._document import DocProvenance, Found, Segs
from analysis.provenance.fields._extract import extract_document
from analysis.provenance.fields._outlets import (
    detect_outlet,
    detect_outlets,
    named_publisher,
    signature_hits,
)
from analysis.provenance.fields._schema import (
    CONFLICTS_SCHEMA,
    CURATED_PROBLEMS_SCHEMA,
    EVIDENCE_SCHEMA,
    FIELDS,
    GAPS_SCHEMA,
    INPUT_COLUMNS,
    LANGUAGE_CHARS,
    LEAD_PARAGRAPHS,
    MIN_LANGUAGE_CHARS,
    PROVENANCE_SCHEMA,
    SORT_BY,
    TABLES,
)
from analysis.provenance.fields._tables import (
    DOCUMENT_ROWS_SCHEMA,
    document_rows,
    evidence_view,
    extract_provenance,
    segments_by_doc,
)

__all__ = [
    "CONFLICTS_SCHEMA",
    "CURATED_PROBLEMS_SCHEMA",
    "DOCUMENT_ROWS_SCHEMA",
    "EVIDENCE_SCHEMA",
    "FIELDS",
    "GAPS_SCHEMA",
    "INPUT_COLUMNS",
    "LANGUAGE_CHARS",
    "LEAD_PARAGRAPHS",
    "MAX_SIDECAR_BYTES",
    "MIN_LANGUAGE_CHARS",
    "PROVENANCE_SCHEMA",
    "SORT_BY",
    "TABLES",
    "Curated",
    "DocProvenance",
    "Found",
    "Problem",
    "Segs",
    "Sidecar",
    "SidecarRow",
    "check_value",
    "curated_values",
    "detect_outlet",
    "detect_outlets",
    "document_rows",
    "evidence_view",
    "extract_document",
    "extract_provenance",
    "named_publisher",
    "read_sidecar",
    "segments_by_doc",
    "signature_hits",
]
