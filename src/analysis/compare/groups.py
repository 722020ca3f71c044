"""Grouping documents for comparisons: by outlet, author, year or any provenance column.

Every cross-group table of notebook 03 starts from one ``doc_id -> group`` frame built here, so
the groups are the same in every table and chart. Documents without a value are not dropped:
they form the group ``"(unknown <column>)"``, which the tables list like any other (read it as
"documents we could not attribute", not as one outlet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from analysis.core.validate import require_columns

__all__ = [
    "DERIVED",
    "GROUPS_SCHEMA",
    "Grouping",
    "checked",
    "group_sizes",
    "grouping",
    "groups_for",
    "lump",
    "small_group_docs",
    "unknown_label",
]

#: The frame :func:`groups_for` returns, sorted by ``doc_id``.
GROUPS_SCHEMA = pl.Schema({"doc_id": pl.String(), "group": pl.String()})

#: Groupings computed from provenance columns rather than read from one.
DERIVED: dict[str, str] = {
    "year": "year of published_at (the stated publication date)",
    "month": "year and month of published_at (YYYY-MM)",
}


def unknown_label(group_by: str) -> str:
    """The group of documents without a value.

    >>> unknown_label("outlet")
    '(unknown outlet)'
    """
    return f"(unknown {group_by})"


def groups_for(provenance: pl.DataFrame, group_by: str = "outlet") -> pl.DataFrame:
    """Each document's group (:data:`GROUPS_SCHEMA`).

    Parameters
    ----------
    provenance
        The ``provenance`` table (``doc_id`` and the provenance fields).
    group_by
        A single-valued provenance column (``outlet``, ``author``, ``language``, ``translated``,
        ``original_outlet``, ...), or ``year`` / ``month`` of ``published_at``.

    Raises
    ------
    ValueError
        ``group_by`` is not a column of ``provenance`` nor a derived grouping, or holds several
        values per document (``tags``): a document must belong to exactly one group.

    Examples
    --------
    >>> prov = pl.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", None, "Y"],
    ...                      "published_at": ["2022-11-19T00:19:00+03:00", None, "2021-07-02"]})
    >>> groups_for(prov).rows()
    [('a', 'X'), ('b', '(unknown outlet)'), ('c', 'Y')]
    >>> groups_for(prov, "year")["group"].to_list()
    ['2022', '(unknown year)', '2021']
    """
    if group_by in DERIVED:
        width = 4 if group_by == "year" else 7
        expr: pl.Expr = (
            pl.col("published_at")
            .str.slice(0, width)
            .pipe(lambda e: pl.when(e.str.contains(r"^\d{4}(-\d{2})?$")).then(e))
        )
    elif group_by in provenance.columns and group_by != "doc_id":
        dtype = provenance.schema[group_by]
        if dtype.is_nested():
            raise ValueError(
                f"group_by={group_by!r} holds several values per document ({dtype}); "
                "group by a single-valued column such as 'outlet', 'author' or 'year'"
            )
        expr = pl.col(group_by).cast(pl.String)
    else:
        options = sorted(
            {c for c, t in provenance.schema.items() if not t.is_nested()} - {"doc_id"}
            | set(DERIVED)
        )
        raise ValueError(f"group_by={group_by!r} is not one of: {', '.join(options)}")
    return (
        provenance.select(
            pl.col("doc_id").cast(pl.String),
            expr.str.strip_chars()
            .replace("", None)
            .fill_null(unknown_label(group_by))
            .alias("group"),
        )
        .cast(GROUPS_SCHEMA)
        .sort("doc_id")
    )


def group_sizes(groups: pl.DataFrame) -> pl.DataFrame:
    """Documents per group, largest first (ties by name).

    >>> group_sizes(pl.DataFrame({"doc_id": list("abc"), "group": ["Y", "X", "Y"]})).rows()
    [('Y', 2), ('X', 1)]
    """
    return (
        groups.group_by("group")
        .agg(pl.len().cast(pl.Int64).alias("documents"))
        .sort(["documents", "group"], descending=[True, False])
    )


def lump(groups: pl.DataFrame, top: int) -> pl.DataFrame:
    """``groups`` with every group beyond the ``top`` largest renamed ``"(N other groups)"``.

    Charts of hundreds of outlets show the largest by name and the rest pooled in one row, so
    nothing drops out of the picture silently. With ``top`` groups or fewer nothing changes.

    >>> g = pl.DataFrame({"doc_id": list("abcd"), "group": ["Y", "X", "Y", "Z"]})
    >>> lump(g, 1)["group"].to_list()
    ['Y', '(2 other groups)', 'Y', '(2 other groups)']
    """
    sizes = group_sizes(groups)
    if sizes.height <= top:
        return groups
    keep = sizes.head(top)["group"].to_list()
    rest = sizes.height - top
    label = f"({rest} other group{'s' if rest != 1 else ''})"
    return groups.with_columns(
        pl.when(pl.col("group").is_in(keep)).then(pl.col("group")).otherwise(pl.lit(label))
    )


def small_group_docs(groups: pl.DataFrame, min_docs: int) -> list[str]:
    """The documents of groups with fewer than ``min_docs`` documents, sorted.

    They are the ones :func:`analysis.compare.group_metrics.group_metrics` resamples by sentence
    blocks, so only they need a :func:`analysis.compare.group_metrics.sentence_table`.

    >>> small_group_docs(pl.DataFrame({"doc_id": list("abc"), "group": ["Y", "X", "Y"]}), 2)
    ['b']
    """
    sizes = group_sizes(groups).filter(pl.col("documents") < min_docs)
    small = groups.filter(pl.col("group").is_in(sizes["group"].to_list()))
    return sorted(small["doc_id"].to_list())


def checked(groups: pl.DataFrame, caller: str, group_col: str = "group") -> pl.DataFrame:
    """``doc_id``, ``group`` (strings) of the documents with a group, one row per document.

    What every cross-group function accepts: repeated identical rows are merged, null groups
    dropped; a document in two groups is refused.

    >>> checked(pl.DataFrame({"doc_id": ["a", "a", "b"], "group": ["X", "X", None]}), "f").rows()
    [('a', 'X')]
    >>> checked(pl.DataFrame({"doc_id": ["a", "a"], "group": ["X", "Y"]}), "f")
    Traceback (most recent call last):
    ...
    ValueError: f: document(s) in two groups (more than one group each): ['a']
    """
    require_columns(
        groups,
        ("doc_id", group_col),
        who=caller,
        name="groups",
        hint="; pass group_col= to name the group column",
    )
    members = (
        groups.select(pl.col("doc_id").cast(pl.String), pl.col(group_col).cast(pl.String))
        .rename({group_col: "group"} if group_col != "group" else {})
        .filter(pl.col("doc_id").is_not_null() & pl.col("group").is_not_null())
        .unique()
        .sort("doc_id", "group")
    )
    clash = members.filter(pl.col("doc_id").is_duplicated())
    if clash.height:
        raise ValueError(
            f"{caller}: document(s) in two groups (more than one group each): "
            f"{sorted(set(clash['doc_id'].to_list()))[:5]}"
        )
    return members


_T = TypeVar("_T")


@dataclass(frozen=True)
class Grouping:
    """The documents' groups, for the analysis tables and for the charts.

    The tables use every group; a chart of hundreds of outlets draws the ``top`` largest by name
    and pools the others into one row (:func:`lump`), so nothing drops out of the picture.

    Attributes
    ----------
    table
        ``doc_id``, ``group``, ``source``: every document's group (the ``groups`` table), sorted by
        ``doc_id``.
    shown
        The same rows with the groups beyond the ``top`` largest renamed ``"(N other groups)"``
        (``table`` itself when there are no more than ``top`` groups).
    top
        Groups drawn by name.
    """

    table: pl.DataFrame
    shown: pl.DataFrame
    top: int

    @property
    def pooled(self) -> bool:
        """Whether the charts pool some groups (there are more than ``top``)."""
        return self.table["group"].n_unique() > self.top

    @property
    def members(self) -> pl.DataFrame:
        """``doc_id``, ``group`` of :attr:`table`: what every cross-group function takes."""
        return self.table.select("doc_id", "group")

    @property
    def largest(self) -> list[str]:
        """The ``top`` largest groups, largest first (ties by name)."""
        return group_sizes(self.table).head(self.top)["group"].to_list()

    def for_charts(self, table: _T, make: Callable[[pl.DataFrame], _T]) -> _T:
        """What a chart draws: ``table`` itself, or ``make(shown)`` when groups are pooled.

        ``make`` computes the same table for the pooled groups (its figures are not means of the
        finer groups' figures, so they are recomputed); it is called only when needed.

        >>> g = grouping(pl.DataFrame({"doc_id": list("abc"), "outlet": ["X", "Y", "Y"],
        ...                            "source": ["a.txt", "b.txt", "c.txt"]}), "outlet", top=1)
        >>> g.pooled, g.largest
        (True, ['Y'])
        >>> g.for_charts("per group", lambda shown: sorted(set(shown["group"])))
        ['(1 other group)', 'Y']
        """
        return make(self.shown) if self.pooled else table


def grouping(provenance: pl.DataFrame, group_by: str = "outlet", *, top: int) -> Grouping:
    """Group the documents of ``provenance`` by ``group_by`` (:func:`groups_for`) for notebook 03.

    ``provenance`` needs ``doc_id``, ``source`` and the grouping column (``published_at`` for
    ``year`` and ``month``); ``top`` is how many groups the charts draw by name.
    """
    table = (
        groups_for(provenance, group_by)
        .join(provenance.select("doc_id", "source"), on="doc_id")
        .sort("doc_id", maintain_order=True)
    )
    return Grouping(table, lump(table, top), top)
