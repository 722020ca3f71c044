"""Stage versions follow exactly the code and data a stage can reach."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.core import versions as V
from analysis.registry import CORPUS_STEPS, ON_DEMAND, STAGES


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A copy of the package that versions are computed from, to edit freely."""
    root = tmp_path / "analysis"
    shutil.copytree(V.PACKAGE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(V, "PACKAGE_ROOT", root)
    monkeypatch.setattr(V, "_DATA", root / "data")
    V.clear_caches()
    yield root
    V.clear_caches()


def versions() -> dict[str, str]:
    """Per-document stages (built and on demand) by name, corpus-level steps as ``step:<name>``."""
    out = {
        name: V.stage_version(stage.code, stage.data, packages=False)
        for name, stage in {**STAGES, **ON_DEMAND}.items()
    }
    for name, step in CORPUS_STEPS.items():
        out[f"step:{name}"] = V.stage_version(step.code, step.data, packages=False)
    return out


def changed(before: dict[str, str]) -> set[str]:
    V.clear_caches()
    after = versions()
    return {name for name in before if before[name] != after[name]}


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_helper_change_reaches_exactly_the_stages_that_import_it(package):
    before = versions()
    append(package / "provenance" / "quotes" / "_speakers.py", "\n# a changed helper\n")
    assert changed(before) == {
        "quotes",
        "citations",
        "rhetoric_hits",
        "actor_mentions",
        "sentences",  # group metrics split sentences with the rhetoric package
        "step:group_metrics",
        "step:ptc_validation",  # the detectors' hits on the PTC
        "technique_sentences",  # the sentence view splits sentences like the hits
        "step:ptc_sentence_validation",
    }
    before = versions()
    append(package / "metrics" / "readability.py", "\nX = 1\n")
    assert changed(before) == {"readability", "sentences", "step:group_metrics"}
    before = versions()
    append(package / "compare" / "keyness.py", "\nX = 1\n")  # no per-document stage imports it
    assert changed(before) == {"step:keyness"}
    before = versions()
    append(package / "compare" / "intervals.py", "\nX = 1\n")
    assert changed(before) == {"sentences", "step:group_metrics"}


def test_a_lexicon_edit_reaches_the_rhetoric_stages_only(package):
    """Corpus-level steps read lexicons only through the tables they are given (their keys), but
    the PTC validation, which runs the detectors itself."""
    before = versions()
    append(package / "data" / "rhetoric.yaml", "\n")
    assert changed(before) == {"rhetoric_hits", "actor_mentions", "step:ptc_validation"}
    before = versions()
    append(package / "data" / "sources.yaml", "\n")
    assert changed(before) == {"citations"}
    before = versions()
    append(package / "data" / "boilerplate.yaml", "\n")
    # fields read the labels; the recurring lines come from the same module as the labels
    assert changed(before) == {"segments", "provenance_fields", "step:recurring_lines"}
    before = versions()
    append(package / "data" / "punctuation.yaml", "\n")  # quote marks: every text stage
    assert changed(before) == {
        "provenance_fields",  # a standfirst may open with a quote mark
        "quotes",
        "citations",
        "rhetoric_hits",
        "actor_mentions",
        "sentences",
        "step:group_metrics",
        "step:ptc_validation",
        "technique_sentences",
        "step:ptc_sentence_validation",
    }


def test_closure_reads_imports_anywhere_in_a_module_and_parent_packages():
    closure = V.module_closure("analysis.metrics.rhetoric._cues")
    assert "analysis.metrics.rhetoric" in closure  # its package's __init__ runs first
    assert "analysis.provenance.quotes" in closure  # imported by name from a package
    assert "analysis.text.quotemarks" in closure
    assert "analysis.compare.keyness" not in closure


def test_data_files_named_in_docstrings_do_not_count():
    closure = V.module_closure("analysis.provenance.quotes")
    assert "rhetoric.yaml" not in V.data_files_named(closure)
    assert "attribution.yaml" in V.data_files_named(closure)
    assert "rhetoric_other.yaml" not in V.data_files_named(closure, ["rhetoric*.yaml"])


def test_versions_are_short_hex_and_include_packages():
    stage = STAGES["readability"]
    with_packages = V.stage_version(stage.modules)
    assert len(with_packages) == 16 and int(with_packages, 16) >= 0
    assert with_packages != V.stage_version(stage.modules, packages=False)
    assert stage.version == with_packages


def test_a_process_reads_module_facts_from_the_memo_unless_the_source_changed(
    package, tmp_path, monkeypatch
):
    def new_process() -> None:  # nothing in memory: what a process starting now would see
        V.clear_caches()
        monkeypatch.setattr(V, "_MEMO", {})
        monkeypatch.setattr(V, "_MEMO_STATE", {"loaded": False, "dirty": False})

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    new_process()
    before = versions()
    (memo,) = (tmp_path / "cache").glob(".module-facts-py*.json")
    parsed: list[str] = []
    real = V.ast.parse
    monkeypatch.setattr(V.ast, "parse", lambda source, *a, **k: parsed.append(1) or real(source))
    new_process()
    assert versions() == before and parsed == []
    append(package / "compare" / "keyness.py", "\nX = 1\n")
    assert changed(before) == {"step:keyness"} and len(parsed) == 1  # that module only
    edited = versions()
    memo.write_text("{not json", encoding="utf-8")  # damaged: every module parsed again
    new_process()
    parsed.clear()
    assert versions() == edited and len(parsed) > 20


def test_distribution_versions_are_importlib_metadatas():
    """Read from the metadata headers: the same names and versions as importlib.metadata's
    parser, for every distribution installed here and for headers in any case."""
    import importlib.metadata

    from analysis.core.versions import distribution_versions

    dists = list(importlib.metadata.distributions())
    assert len(dists) > 50
    expected = [((d.metadata["Name"] or "").lower(), d.version) for d in dists]
    assert distribution_versions(dists) == expected

    class Odd(importlib.metadata.Distribution):
        def read_text(self, filename):
            if filename == "METADATA":
                return "Metadata-Version: 2.1\nname: Odd_Pkg \nVERSION: 1.0\n\nVersion: 9\n"
            return None

        def locate_file(self, path):
            raise NotImplementedError

    odd = Odd()
    assert distribution_versions([odd]) == [("odd_pkg ", "1.0")]
    assert (odd.metadata["Name"].lower(), odd.version) == ("odd_pkg ", "1.0")
