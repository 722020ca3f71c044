"""The data files load, are versioned, and every pattern compiles."""

from __future__ import annotations

from analysis.provenance.outlets import load_fingerprints, load_patterns, load_registry


def test_outlet_registry():
    reg = load_registry()
    assert reg.version >= 1
    assert reg.resolve("ИноСМИ").name == "InoSMI"
    assert reg.resolve("politnavigator.net").name == "PolitNavigator"
    assert reg.resolve("InoSMI").role == "translator"
    names = [o.name for o in reg.outlets]
    assert len(names) == len(set(names))


def test_fingerprints_have_explanations():
    version, fps = load_fingerprints()
    assert version >= 1
    assert all(f.explanation and f.strength in {"strong", "weak"} for f in fps)
    smo = next(f for f in fps if f.pattern.pattern == "Northern Military District")
    assert "СВО" in smo.explanation


def test_patterns_compile():
    patterns = load_patterns()
    assert patterns["version"] >= 1
    credit = patterns["credits"][0]["regex"]
    found = credit.search("The journalist of the Le Figaro analytical portal writes")
    assert found["outlet"] == "Le Figaro"
