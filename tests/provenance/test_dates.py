"""Date bounds from explicit dates and dated events."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.provenance.dates import date_bounds, load_events, tightest


def bounds(text):
    return [
        (b.relation, b.date.isoformat(), text[b.start : b.end])
        for b in date_bounds(text, [(0, len(text))])
    ]


def test_explicit_dates_in_all_formats():
    text = "On March 16, 2022 and 5 May 2021, on 19.11.2022, in December 2022 and in 2014."
    assert bounds(text) == [
        ("after", "2022-03-16", "March 16, 2022"),
        ("after", "2021-05-05", "5 May 2021"),
        ("after", "2022-11-19", "19.11.2022"),
        ("after", "2022-12-01", "December 2022"),
        ("after", "2014-01-01", "in 2014"),
    ]


def test_future_dates_are_not_lower_bounds():
    text = (
        "The elections, originally scheduled for December 2024, will be held in 2025. "
        "The plan runs up to 2030 and until the end of 2026."
    )
    assert bounds(text) == []


def test_events_bound_from_both_sides():
    text = "After the Bali G20 summit, all eyes turn to the upcoming parliamentary elections."
    lo, hi = tightest(date_bounds(text, [(0, len(text))]))
    assert (lo.date, lo.method) == (dt.date(2022, 11, 16), "dated event: g20-bali-2022")
    assert (hi.date, hi.relation) == (dt.date(2023, 3, 19), "before")


def test_only_body_spans_are_read():
    text = "Header 12.12.2012\nBody in 2020."
    assert [b.date.year for b in date_bounds(text, [(18, 31)])] == [2020]


def test_event_file_is_versioned_and_dated():
    version, events = load_events()
    assert version >= 1
    assert all(e.relation in {"after", "before"} and e.note for e in events)
    assert len({e.id for e in events}) == len(events)


def test_date_bounds_equal_case_insensitive_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.provenance import dates as D

    texts = [
        "In JANUARY 2022 riots, On March 16, 2022 and 16 MARCH 2022; in 2014. Bali G20 Summit.",
        "Tokayev’s trip to Paris in May 2023, the UPCOMING PARLIAMENTARY ELECTIONS.",
        "İn 2019 the ſpecial military operation in Ukraine, K 2020; January 2022 unrest.",
    ]
    fast = [D.date_bounds(text, [(0, len(text))]) for text in texts]
    monkeypatch.setattr(D, "lowered", lambda _text: None)  # always case-insensitive
    assert fast == [D.date_bounds(text, [(0, len(text))]) for text in texts]
    assert all(len(found) >= 3 for found in fast)
