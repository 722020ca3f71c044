"""The document being read: body spans, person mentions and their roles, speaker resolution."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from analysis.provenance.quotes._lexicon import Tok, _rules
from analysis.provenance.quotes._model import MAX_SPEAKER_TOKENS, Speaker
from analysis.provenance.quotes._phrases import Phrase, _classes, _np_at_end, split_phrase, tokens
from analysis.text.quotemarks import Pair, family_of, pair_quotes
from analysis.text.sentences import sentences

__all__ = [
    "resolve_speaker",
]


@dataclass(frozen=True)
class _Mention:
    """A person named in the body, and the role given with this mention if any."""

    start: int
    end: int
    name: str
    key: str  # lower-cased surname, possessive removed
    role: tuple[int, int] | None


def _surname_key(word: str) -> str:
    return re.sub(r"['’]s?$", "", word).lower()


def _looks_like_person(words: Sequence[str]) -> bool:
    c = _rules().classes
    return (
        2 <= len(words) <= 4
        and not any(w in c["org"] or w in c["place"] for w in words)
        and not any(len(w) > 1 and w.isupper() for w in words)
        and all(w[:1].isupper() for w in words)
    )


@dataclass
class _Doc:
    text: str
    spans: list[tuple[int, int]]
    pairs: dict[int, list[Pair]] = field(default_factory=dict)
    sents: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _mentions: list[_Mention] | None = None
    # Indexes built once per document, so that no lookup scans the whole document (a long
    # document would otherwise cost time quadratic in its length).
    _sent_starts: dict[int, list[int]] = field(default_factory=dict)
    _mention_ends: list[int] | None = None
    _roles_by_key: dict[str, tuple[list[int], list[tuple[int, int]]]] | None = None
    _known: set[str] | None = None
    _role_cache: dict[tuple[int, int], tuple[frozenset[str], set[str]]] = field(
        default_factory=dict
    )
    _keys_by_group: dict[str, set[str]] | None = None
    _indices_by_key: dict[str, list[int]] | None = None

    def __post_init__(self) -> None:
        for s, e in self.spans:
            self.pairs[s] = pair_quotes(self.text, s, e)
            self.sents[s] = sentences(self.text, s, e, self.pairs[s])
            self._sent_starts[s] = [a for a, _ in self.sents[s]]

    def sentence_at(self, span: tuple[int, int], pos: int) -> tuple[int, int]:
        sents = self.sents[span[0]]
        i = bisect.bisect_right(self._sent_starts[span[0]], pos) - 1
        return sents[max(i, 0)]

    def mentions_ending_by(self, at: int) -> list[_Mention]:
        """``[m for m in self.mentions if m.end <= at]``, by bisection when ends are sorted."""
        mentions = self.mentions
        i = self.count_ending_by(at)
        if i is None:
            return [m for m in mentions if m.end <= at]
        return mentions[:i]

    def count_ending_by(self, at: int) -> int | None:
        """How many mentions, from the first, end at or before ``at``: ``mentions[:i]`` are
        those that do, found by bisection. None when ends are not in order (never seen: mentions
        are disjoint), and then callers scan."""
        mentions = self.mentions
        if self._mention_ends is None:
            ends = [m.end for m in mentions]
            self._mention_ends = ends if all(a <= b for a, b in itertools.pairwise(ends)) else []
        if not self._mention_ends and mentions:
            return None
        return bisect.bisect_right(self._mention_ends, at)

    def mention_before(self, at: int) -> _Mention | None:
        """The last mention ending at or before ``at`` (no list is built)."""
        i = self.count_ending_by(at)
        if i is None:
            before = self.mentions_ending_by(at)
            return before[-1] if before else None
        return self.mentions[i - 1] if i else None

    def keys_with_role_groups(self, groups: frozenset[str]) -> set[str]:
        """Surname keys with at least one mention whose role is in one of ``groups``."""
        if self._keys_by_group is None:
            index: dict[str, set[str]] = {}
            for m in self.mentions:
                if m.role:
                    for group in self.role_words(m.role)[0]:
                        index.setdefault(group, set()).add(m.key)
            self._keys_by_group = index
        out: set[str] = set()
        for group in groups:
            out |= self._keys_by_group.get(group, set())
        return out

    def mention_indices(self, key: str) -> list[int]:
        """Positions in :attr:`mentions` of the mentions of surname ``key``, in order."""
        if self._indices_by_key is None:
            index: dict[str, list[int]] = {}
            for i, m in enumerate(self.mentions):
                index.setdefault(m.key, []).append(i)
            self._indices_by_key = index
        return self._indices_by_key.get(key, [])

    def known_keys(self) -> set[str]:
        """Surname keys of every person mention (computed once)."""
        if self._known is None:
            self._known = {m.key for m in self.mentions}
        return self._known

    def roles_of(self, key: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Starts and roles of the mentions of surname ``key`` that carry a role, in order."""
        if self._roles_by_key is None:
            index: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
            for m in self.mentions:
                if m.role:
                    starts, roles = index.setdefault(m.key, ([], []))
                    starts.append(m.start)
                    roles.append(m.role)
            self._roles_by_key = index
        return self._roles_by_key.get(key, ([], []))

    def role_words(self, role: tuple[int, int]) -> tuple[frozenset[str], set[str]]:
        """Role groups and name stems of a role's text (computed once per role)."""
        found = self._role_cache.get(role)
        if found is None:
            role_text = self.text[role[0] : role[1]]
            found = (_role_groups(role_text), _stems(tokens(role_text, 0, len(role_text))))
            self._role_cache[role] = found
        return found

    def consecutive(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[1] <= b[0] and not self.text[a[1] : b[0]].strip()

    @property
    def mentions(self) -> list[_Mention]:
        if self._mentions is None:
            self._mentions = _person_mentions(self)
        return self._mentions


def _runs(toks: Sequence[Tok]) -> Iterator[tuple[int, int]]:
    """Maximal runs of capitalised-word tokens, as index ranges."""
    i = 0
    while i < len(toks):
        if toks[i].cls != "C":
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].cls == "C":
            j += 1
            if re.search(r"['’]s$", toks[j - 1].text):
                break  # "John Allen’s Crux": the possessive ends the name
        yield i, j
        i = j


_NOT_BEFORE_NAMES = frozenset(
    {"the", "a", "an", "our", "my", "your", "their", "its", "this", "that"}
)


def _person_run(toks: Sequence[Tok], i: int, j: int) -> tuple[int, int] | None:
    """The part of the capitalised run ``toks[i:j]`` that names a person, if any."""
    c = _rules().classes
    if i > 0 and toks[i - 1].cls == "P" and j - i >= 3:
        i = j - 2  # "ambassador to Brussels Aigul Kuspan"
    while i < j and (toks[i].text in c["org"] or toks[i].text in c["place"]):
        i += 1
    if i > 0 and toks[i - 1].text.lower() in _NOT_BEFORE_NAMES:
        return None  # "the Nobel Prize", "our Southern Border"
    words = [re.sub(r"['’]s$", "", t.text) for t in toks[i:j]]
    return (i, j) if _looks_like_person(words) else None


def _role_with(doc: _Doc, toks: Sequence[Tok], i: int, j: int) -> tuple[int, int] | None:
    """Offsets of the role given with the name ``toks[i:j]``: before it, or in apposition."""
    before = _np_at_end(toks[max(0, j - MAX_SPEAKER_TOKENS) : j])  # it reads no further back
    if before:
        p = split_phrase(before)
        if p.kind == "named" and p.role and p.name[-1] is toks[j - 1]:
            return _role_offsets(p.role)
    if i >= 2 and toks[i - 1].cls == ",":
        desc = _np_at_end(toks[max(0, i - 1 - MAX_SPEAKER_TOKENS) : i - 1])
        if desc and "R" in _classes(desc) and desc[-1].cls in "RC":
            p = split_phrase(desc)
            if p.kind == "description":
                return _role_offsets(p.role)
    if j < len(toks) and toks[j].cls == ",":
        return _apposition(toks, j + 1)
    return None


def _role_offsets(role: Sequence[Tok]) -> tuple[int, int]:
    return role[0].start, role[-1].end


_APPOSITION_STOPS = frozenset({",", ".", ";", ":", "(", ")", "!", "?", "—", "–"})


def _apposition(toks: Sequence[Tok], k: int) -> tuple[int, int] | None:
    """``, a researcher at the ... Society,``: a role phrase up to the next punctuation."""
    rules = _rules()
    if k < len(toks) and toks[k].cls == "D":
        k += 1
    end = k
    while end < len(toks) and toks[end].text not in _APPOSITION_STOPS | family_of().keys():
        end += 1
    if end == k or end - k > 16 or toks[k].cls not in "RMC" or "R" not in _classes(toks[k : k + 4]):
        return None
    if toks[end - 1].cls in "PD&" or any(rules.cue.fullmatch(t.text) for t in toks[k:end]):
        return None
    return toks[k].start, toks[end - 1].end


def _person_mentions(doc: _Doc) -> list[_Mention]:
    full: list[tuple[int, int, str, str, tuple[int, int] | None]] = []
    singles: list[tuple[int, int, str, tuple[int, int] | None]] = []
    for s, e in doc.spans:
        toks = tokens(doc.text, s, e)
        for i, j in _runs(toks):
            found = _person_run(toks, i, j)
            role = None
            if found:
                a, b = found
                role = _role_with(doc, toks, a, b)
                end = toks[b - 1].end - len(re.search(r"(['’]s)?$", toks[b - 1].text).group())  # type: ignore[union-attr]
                name = doc.text[toks[a].start : end]
                full.append((toks[a].start, end, name, _surname_key(toks[b - 1].text), role))
            elif j - i == 1:
                role = _role_with(doc, toks, i, j)
                singles.append((toks[i].start, toks[i].end, toks[i].text, role))
    surnames = {key for *_, key, _ in full}
    out = [_Mention(s, e, n, k, r) for s, e, n, k, r in full]
    out += [
        _Mention(s, e, re.sub(r"['’]s$", "", n), _surname_key(n), r)
        for s, e, n, r in singles
        if _surname_key(n) in surnames
    ]
    return sorted(out, key=lambda m: m.start)


def _role_for(doc: _Doc, key: str, at: int) -> tuple[int, int] | None:
    """The role of the person with surname ``key``: nearest mention before ``at``, else after."""
    starts, roles = doc.roles_of(key)
    if not roles:
        return None
    i = bisect.bisect_right(starts, at)  # mentions are sorted by start
    return roles[i - 1] if i else roles[0]


def _role_groups(text: str) -> frozenset[str]:
    groups = _rules().lex.role_groups
    found: set[str] = set()
    for t in tokens(text, 0, len(text)):
        if t.cls == "R":
            found |= groups.get(t.text.lower(), frozenset())
            found |= groups.get(t.text.lower().rstrip("s"), frozenset())
    return frozenset(found)


def _stems(toks: Iterable[Tok]) -> set[str]:
    return {t.text[:5].lower() for t in toks if t.cls == "C" and len(t.text) > 2}


def _resolve_description(doc: _Doc, phrase: Phrase, at: int) -> _Mention | None:
    """The person a definite description such as "the ambassador" refers back to, if any."""
    roles = [t for t in phrase.toks if t.cls == "R"]
    if len(roles) != 1 or phrase.toks[0].text.lower() != "the":
        return None
    groups = _role_groups(roles[0].text)
    r_index = phrase.toks.index(roles[0])
    complement = _stems(phrase.toks[r_index + 1 :])

    def fits(key: str) -> bool:  # the role, hence the outcome, depends only on the key and `at`
        role = _role_for(doc, key, at)
        if role is None:
            return False
        role_groups, role_stems = doc.role_words(role)
        if not groups & role_groups:
            return False
        return not complement or bool(complement & role_stems)

    # The nearest mention before `at` whose key fits. Only keys with a role in one of the
    # description's groups can fit, so look at those rather than at every earlier mention.
    n_before = doc.count_ending_by(at)
    if n_before is None:
        tried: set[str] = set()
        for m in reversed(doc.mentions_ending_by(at)):
            if m.key not in tried:
                tried.add(m.key)
                if fits(m.key):
                    return m
        return None
    best = -1
    for key in doc.keys_with_role_groups(groups):
        indices = doc.mention_indices(key)
        k = bisect.bisect_left(indices, n_before)  # mentions of `key` among the first n_before
        if k and indices[k - 1] > best and fits(key):
            best = indices[k - 1]
    return doc.mentions[best] if best >= 0 else None


def _person_speaker(doc: _Doc, m: _Mention, at: int, how: str) -> Speaker:
    role = _role_for(doc, m.key, at)
    return Speaker(
        m.name,
        m.start,
        m.end,
        doc.text[role[0] : role[1]] if role else None,
        role[0] if role else None,
        role[1] if role else None,
        how,
    )


def resolve_speaker(doc: _Doc, phrase: Phrase, at: int) -> Speaker:
    """Turn a speaker phrase into a :class:`Speaker`, resolving pronouns and descriptions."""
    text = doc.text
    if phrase.kind == "pronoun":
        last = doc.mention_before(phrase.start)
        if last is not None:
            return _person_speaker(doc, last, at, "pronoun resolved")
        return Speaker(text[phrase.start : phrase.end], phrase.start, phrase.end)
    if phrase.kind == "named":
        name_s, name_e = phrase.name[0].start, phrase.name[-1].end
        role = _role_offsets(phrase.role) if phrase.role else None
        if role is None:
            role = _role_for(doc, _surname_key(phrase.name[-1].text), at)
        return Speaker(
            text[name_s:name_e],
            name_s,
            name_e,
            text[role[0] : role[1]] if role else None,
            role[0] if role else None,
            role[1] if role else None,
        )
    if phrase.kind == "description":
        person = _resolve_description(doc, phrase, at)
        if person:
            return _person_speaker(doc, person, at, "description resolved")
        rs, re_ = _role_offsets(phrase.role)
        return Speaker(
            text[phrase.start : phrase.end], phrase.start, phrase.end, text[rs:re_], rs, re_
        )
    words = [t.text for t in phrase.toks if t.cls == "C"]
    known = doc.known_keys()
    is_person = _looks_like_person(words) or (len(words) == 1 and _surname_key(words[0]) in known)
    if is_person and len(words) == len(phrase.toks):
        role = _role_for(doc, _surname_key(words[-1]), at)
        if role:
            return Speaker(
                text[phrase.start : phrase.end], phrase.start, phrase.end,
                text[role[0] : role[1]], role[0], role[1],
            )  # fmt: skip
    return Speaker(text[phrase.start : phrase.end], phrase.start, phrase.end)


def _valid_speaker(phrase: Phrase | None) -> bool:
    if phrase is None:
        return False
    first = phrase.toks[0].text.lower()
    return not (len(phrase.toks) == 1 and first in _rules().classes["non_speakers"])
