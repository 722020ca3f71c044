"""Human labels for what charts show; the tables keep the names."""

from __future__ import annotations

import polars as pl

from analysis.core.data import load_yaml
from analysis.metrics import readability
from analysis.report.labels import label, labelled


def test_every_cue_family_bloc_and_readability_metric_has_a_label():
    families = load_yaml("rhetoric.yaml")["families"]
    blocs = load_yaml("actors.yaml")["blocs"]
    known = load_yaml("labels.yaml")["labels"]
    metrics = [*readability.METRICS, *readability.DIVERSITY]
    assert set(families) | set(blocs) | set(metrics) <= set(known)
    assert all("_" not in label(n) for n in known)


def test_labels_of_names_and_rates():
    assert label("flesch_kincaid_grade") == "Flesch-Kincaid grade"
    assert label("scare_quotes_per_1k") == "Scare quotes per 1,000 words"
    assert label("brand_new_metric") == "Brand new metric"
    frame = pl.DataFrame({"bloc": ["central_asia", None], "n": [1, 2]})
    assert labelled(frame, "bloc").rows() == [("Central Asia", 1), (None, 2)]
