"""Applying a finding's suggestion to a piece's stored text (pure: no database).

**Which suggestions are offered.** ``offers_fix`` reads nothing but the ``Finding``: its
``suggestion`` must be a literal text to put in place of its ``excerpt`` — not empty (an
empty suggestion means "the rule cannot say", not "delete"), not white space alone, not
the excerpt itself, and not a choice written as an empty pair of marks (a half-width
quote whose side the rule cannot tell is suggested as 「“”」: one of the two, not both).
Only the parts a piece stores as text are changed: the title line, the body, the 摘登
text and the byline (not the issue's numbers, not a 查重 result).

**Where the change is made.** A finding's position counts characters in the plain text
the checks read (``proofreading.text.PieceText``): the title line is ``title`` followed by
``subtitle``; the byline is ``byline_org``, a space, ``byline_authors``; a body paragraph is
its runs joined (``text.richtext.body_runs``: bold, superscript and subscript runs, a
superscript read as text.scripts writes it, m² for m<sup>2</sup>); the 摘登 text is stored
as plain text. The excerpt and suggestion are first cut to the characters that differ
(布署 → 部署 changes 布 to 部 only), so a change next to a bold lead or inside a longer
run touches one run and the markup around it stays as it was. A change that still spans
two runs of different weight is made character by character when it keeps the length
(each character keeps its own weight); otherwise — and always when it would touch a
superscript or subscript, whose plain form is not the stored text — it is refused
(``CROSSES_MARKUP``) and the editor makes it in the edit box.

**Several at once.** Edits are made right to left within each paragraph, so the offsets
of those still to make stay valid; an edit that overlaps one already made is left
(``OVERLAPS``): its finding, if it is still there, shows again after the page reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from proofreading.findings import Finding
from text.richtext import body_paragraphs, body_runs, runs_to_html, sanitize_body
from text.scripts import script_plain

FIXABLE_PARTS = ("title", "body", "brief", "byline")
# The fields of a Submission a fix may change, with the part whose text they make.
FIELDS = ("title", "subtitle", "body", "byline_org", "byline_authors", "brief_text")
# An opening mark followed at once by its closing one is a choice between the two, never
# a text to insert (GB/T 15834 pairs: quotes, brackets, book-title marks).
_EMPTY_PAIRS = frozenset(
    (
        "“”",
        "‘’",
        '""',
        "''",
        "（）",
        "()",
        "［］",
        "[]",
        "【】",
        "〔〕",
        "《》",
        "〈〉",
        "「」",
        "『』",
        "｛｝",
        "{}",
    )
)

# Why an edit was not made.
CROSSES_MARKUP = "markup"
OVERLAPS = "overlap"
CHANGED = "changed"  # the stored text is not what the finding quoted


def offers_fix(finding: Finding) -> bool:
    """Is the finding's suggestion a literal replacement of its excerpt, in a stored part?"""
    suggestion = finding.suggestion
    return (
        finding.part in FIXABLE_PARTS
        and finding.length > 0
        and len(finding.excerpt) == finding.length
        and bool(suggestion.strip())
        and "\n" not in suggestion
        and suggestion != finding.excerpt
        and suggestion not in _EMPTY_PAIRS
    )


@dataclass(frozen=True)
class Edit:
    """The characters a finding's fix changes, in its part's plain text: ``start``–``end``
    (``old``) become ``new``. ``finding`` is where it came from."""

    finding: Finding
    start: int
    end: int
    old: str
    new: str

    @property
    def place(self) -> tuple[str, int]:
        return (self.finding.part, self.finding.paragraph)

    @property
    def delta(self) -> int:
        return len(self.new) - (self.end - self.start)


def edit_of(finding: Finding) -> Edit:
    """The finding's fix cut to the characters that differ (布署→部署: 布→部 at its offset)."""
    old, new = finding.excerpt, finding.suggestion
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    start = finding.offset + head
    return Edit(
        finding,
        start,
        finding.offset + len(old) - tail,
        old[head : len(old) - tail],
        new[head : len(new) - tail],
    )


@dataclass
class _Segment:
    """A stretch of a part's plain text and where it is stored: a field, or a body run."""

    start: int
    plain: str
    where: tuple  # ("field", name) or ("run", paragraph index, run index)
    editable: bool

    @property
    def end(self) -> int:
        return self.start + len(self.plain)


class _Text:
    """A piece's stored fields, with the body as runs, to be changed in place."""

    def __init__(self, fields: dict[str, str]):
        self.fields = {name: fields.get(name) or "" for name in FIELDS}
        self._runs: list[list[list]] | None = None

    @property
    def runs(self) -> list[list[list]]:
        if self._runs is None:
            self._runs = [[list(run) for run in runs] for runs in body_runs(self.fields["body"])]
        return self._runs

    def segments(self, part: str, paragraph: int) -> list[_Segment] | None:
        """The part's text as segments, or None if there is no such part or paragraph."""
        pieces: list[tuple[str, tuple, bool]] = []
        if part == "title":
            pieces = [(self.fields["title"], ("field", "title"), True)]
            pieces.append((self.fields["subtitle"], ("field", "subtitle"), True))
        elif part == "byline":
            org, authors = self.fields["byline_org"], self.fields["byline_authors"]
            if org:
                pieces.append((org, ("field", "byline_org"), True))
            if org and authors:
                pieces.append((" ", ("gap",), False))
            if authors:
                pieces.append((authors, ("field", "byline_authors"), True))
        elif part == "brief":
            # Stored as the plain text the check reads; anything else is not changed here.
            brief = self.fields["brief_text"]
            if "".join(body_paragraphs(brief)) != brief:
                return None
            pieces = [(brief, ("field", "brief_text"), True)]
        elif part == "body":
            if not 1 <= paragraph <= len(self.runs):
                return None
            for index, (text, _bold, script) in enumerate(self.runs[paragraph - 1]):
                plain = script_plain(text, script)
                pieces.append((plain, ("run", paragraph - 1, index), not script))
        else:
            return None
        out, at = [], 0
        for plain, where, editable in pieces:
            if plain:
                out.append(_Segment(at, plain, where, editable))
                at += len(plain)
        return out

    def get(self, where: tuple) -> str:
        if where[0] == "field":
            return self.fields[where[1]]
        return self.runs[where[1]][where[2]][0]

    def put(self, where: tuple, text: str) -> None:
        if where[0] == "field":
            self.fields[where[1]] = text
        else:
            self.runs[where[1]][where[2]][0] = text

    def result(self) -> dict[str, str]:
        fields = dict(self.fields)
        if self._runs is not None:
            fields["body"] = sanitize_body(
                runs_to_html([[tuple(run) for run in runs] for runs in self._runs])
            )
        return fields


def _place(segments: list[_Segment], edit: Edit) -> list[tuple[_Segment, int, int, str]] | None:
    """The changes the edit makes, as (segment, start, end in the segment's text, new text),
    or None when it cannot be made without disturbing markup."""
    if edit.start == edit.end:  # an insertion: inside a segment, else after the one before it
        inside = [s for s in segments if s.start < edit.start < s.end]
        left = [s for s in segments if s.end == edit.start and s.editable]
        right = [s for s in segments if s.start == edit.start and s.editable]
        chosen = (inside or left or right or [None])[0]
        if chosen is None or not chosen.editable:
            return None
        at = edit.start - chosen.start
        return [(chosen, at, at, edit.new)]
    touched = [s for s in segments if s.start < edit.end and s.end > edit.start]
    if not touched or not all(s.editable for s in touched):
        return None
    if len(touched) == 1:
        s = touched[0]
        return [(s, edit.start - s.start, edit.end - s.start, edit.new)]
    if len(edit.new) != edit.end - edit.start:
        return None
    # Same length across runs: each character is replaced where it stands.
    changes = []
    for s in touched:
        lo, hi = max(edit.start, s.start), min(edit.end, s.end)
        changes.append((s, lo - s.start, hi - s.start, edit.new[lo - edit.start : hi - edit.start]))
    return changes


@dataclass
class Outcome:
    """What ``apply_fixes`` did: the new fields, the edits made, those left with a reason."""

    fields: dict[str, str]
    before: dict[str, str]
    applied: list[Edit] = field(default_factory=list)
    left: list[tuple[Edit, str]] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        """The names of the fields whose value changed."""
        return [name for name in FIELDS if self.fields.get(name) != self.before.get(name)]


def apply_fixes(fields: dict[str, str], findings: Iterable[Finding]) -> Outcome:
    """Apply the suggestions of ``findings`` (each ``offers_fix``) to a piece's stored
    ``fields`` (title, subtitle, body HTML, byline_org, byline_authors, brief_text).

    Returns an ``Outcome`` with the new fields (the body through ``sanitize_body``, the one
    door for text), the edits made and the edits left with their reason (``CROSSES_MARKUP``,
    ``OVERLAPS``, ``CHANGED``). Raises ``ValueError`` if the text read back from the new
    fields is not the old text with exactly these edits (a stored body that is not in its
    canonical form, say): nothing is then changed.
    """
    text = _Text(fields)
    before = dict(text.fields)
    outcome = Outcome(fields=before, before=before)
    by_place: dict[tuple[str, int], list[Edit]] = {}
    for finding in findings:
        by_place.setdefault((finding.part, finding.paragraph), []).append(edit_of(finding))
    expected: dict[tuple[str, int], str] = {}
    for (part, paragraph), edits in by_place.items():
        segments = text.segments(part, paragraph)
        if segments is None:
            outcome.left += [(edit, CHANGED) for edit in edits]
            continue
        plain = original = "".join(s.plain for s in segments)
        limit = len(plain) + 1
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            finding = edit.finding
            if original[finding.offset : finding.offset + finding.length] != finding.excerpt:
                outcome.left.append((edit, CHANGED))
                continue
            if edit.end > limit or (edit.start == edit.end == limit):
                outcome.left.append((edit, OVERLAPS))
                continue
            changes = _place(segments, edit)
            if changes is None:
                outcome.left.append((edit, CROSSES_MARKUP))
                continue
            for segment, lo, hi, new in changes:
                current = text.get(segment.where)
                text.put(segment.where, current[:lo] + new + current[hi:])
            plain = plain[: edit.start] + edit.new + plain[edit.end :]
            limit = edit.start
            outcome.applied.append(edit)
        expected[(part, paragraph)] = plain
    outcome.fields = text.result()
    if outcome.applied:
        after = _Text(outcome.fields)
        for (part, paragraph), plain in expected.items():
            segments = after.segments(part, paragraph)
            if segments is None or "".join(s.plain for s in segments) != plain:
                raise ValueError(f"the {part} text read back is not the text with the fixes made")
        if len(body_runs(outcome.fields["body"])) != len(body_runs(before["body"])):
            raise ValueError("a fix changed the number of paragraphs")
    outcome.applied.reverse()  # reading order within each paragraph
    return outcome


def shifted(finding: Finding, applied: Iterable[Edit]) -> Finding | None:
    """Where ``finding`` stands after the ``applied`` edits (same part and paragraph, the
    offset moved by the edits before it), or None if an edit touched it."""
    offset = finding.offset
    end = finding.offset + finding.length
    for edit in applied:
        if edit.place != (finding.part, finding.paragraph):
            continue
        if edit.end <= finding.offset:
            offset += edit.delta  # before it (an insertion at its start goes before it too)
        elif edit.start < end:
            return None
    return replace(finding, offset=offset)


def same_place(a: Finding, b: Finding) -> bool:
    """The same finding at the same place (its context may differ)."""
    return (a.rule, a.part, a.paragraph, a.offset, a.length, a.excerpt) == (
        b.rule,
        b.part,
        b.paragraph,
        b.offset,
        b.length,
        b.excerpt,
    )


def summary(edits: Iterable[Edit]) -> str:
    """What was corrected, for the revision and the audit row: 布署→部署（2 处）、,→，（3 处）."""
    counts: dict[tuple[str, str], int] = {}
    for edit in edits:
        pair = (edit.finding.excerpt, edit.finding.suggestion)
        counts[pair] = counts.get(pair, 0) + 1
    parts = [f"{old}→{new}（{n} 处）" for (old, new), n in counts.items()]
    text = "、".join(parts[:8])
    if len(parts) > 8:
        text += f"等 {len(parts)} 种"
    return text


def feasible(fields: dict[str, str], findings: Iterable[Finding]) -> dict[str, Finding]:
    """{key: finding} of the findings whose fix ``apply_fixes`` would make on its own (the
    text is as quoted and the change does not cross markup), reading the fields once."""
    text = _Text(fields)
    found: dict[str, Finding] = {}
    segments_at: dict[tuple[str, int], list[_Segment] | None] = {}
    for finding in findings:
        place = (finding.part, finding.paragraph)
        if place not in segments_at:
            segments_at[place] = text.segments(*place)
        segments = segments_at[place]
        if segments is None:
            continue
        plain = "".join(s.plain for s in segments)
        if plain[finding.offset : finding.offset + finding.length] != finding.excerpt:
            continue
        if _place(segments, edit_of(finding)) is not None:
            found.setdefault(finding.key, finding)
    return found


def without_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """The findings ``apply_fixes`` would make together: right to left in each paragraph,
    one that overlaps a later one left out (as ``apply_fixes`` leaves it)."""
    by_place: dict[tuple[str, int], list[Edit]] = {}
    for finding in findings:
        by_place.setdefault((finding.part, finding.paragraph), []).append(edit_of(finding))
    kept = []
    for edits in by_place.values():
        limit = None
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            if limit is not None and (edit.end > limit or edit.start == edit.end == limit):
                continue
            kept.append(edit.finding)
            limit = edit.start
    return kept


@dataclass(frozen=True)
class KindOffer:
    """One rule's "全部改正" on a piece: how many of its findings would be corrected."""

    rule: str
    label: str
    count: int


@dataclass
class PieceFixes:
    """The fixes a panel offers on one piece: ``keys`` maps the key of a finding as the
    panel shows it to the key of the stored piece's finding to post (the same key on the
    piece's own page; the issue panel reads the printed text); ``kinds`` are the rules with
    two or more to correct at once; ``closed`` says why none is offered (a published piece)."""

    submission_id: int | None = None
    version: int = 0
    keys: dict[str, str] = field(default_factory=dict)
    kinds: list[KindOffer] = field(default_factory=list)
    closed: str = ""
    # The panel's open findings as (ShownFinding, the key to post or ""), in its order.
    open: list[tuple[object, str]] = field(default_factory=list)

    def showing(self, shown: Iterable) -> PieceFixes:
        """Fill ``open`` from the panel's open findings; returns self."""
        self.open = [(item, self.keys.get(item.finding.key, "")) for item in shown]
        return self


def offers(
    fields: dict[str, str], stored: list[Finding], dismissed: set[str], label: Callable[[str], str]
) -> tuple[dict[str, Finding], list[KindOffer]]:
    """The stored piece's findings a panel offers to fix ({key: finding}: open, literal,
    feasible) and the rules with two or more to fix at once (as ``apply_kind`` would);
    ``dismissed`` holds the keys set aside (``is_dismissed``), ``label`` names a rule."""
    candidates = [f for f in stored if offers_fix(f) and not is_dismissed(f, dismissed)]
    fixable = feasible(fields, candidates)
    by_rule: dict[str, list[Finding]] = {}
    for finding in candidates:
        if finding.key in fixable:
            by_rule.setdefault(finding.rule, []).append(finding)
    kinds = []
    for rule, found in by_rule.items():
        count = len(without_overlaps(found))
        if count >= 2:
            kinds.append(KindOffer(rule, label(rule), count))
    return fixable, kinds


def stored_twin(finding: Finding, printed_kind: str) -> Finding:
    """The finding as the check of the stored piece places it, for one found in an issue's
    printed text: a piece adopted as a brief prints its 摘登 text as its one paragraph."""
    if printed_kind == "brief" and finding.part == "body":
        return replace(finding, part="brief", paragraph=0)
    return finding


def match_twin(printed: Finding, printed_kind: str, stored: Iterable[Finding]) -> Finding | None:
    """The stored piece's finding that is ``printed`` (found in the issue's printed text).

    The print normalises some characters (half-width punctuation set full-width), so the
    context, and with it the key, may differ: the twin is the stored finding of the same
    rule, place, excerpt and suggestion at the same offset, else the only such finding in
    that paragraph; None when that is not one finding."""
    twin = stored_twin(printed, printed_kind)
    same = [
        f
        for f in stored
        if (f.rule, f.part, f.paragraph, f.excerpt, f.suggestion)
        == (twin.rule, twin.part, twin.paragraph, twin.excerpt, twin.suggestion)
    ]
    at = [f for f in same if f.offset == twin.offset]
    if len(at) == 1:
        return at[0]
    return same[0] if len(same) == 1 else None


def is_dismissed(finding: Finding, keys: set[str]) -> bool:
    """Is the stored piece's ``finding`` among the dismissed ``keys``? A finding in the
    摘登 text may have been dismissed on the issue panel, which reads it as the body."""
    if finding.key in keys:
        return True
    return finding.part == "brief" and replace(finding, part="body", paragraph=1).key in keys
