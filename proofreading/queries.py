"""Reads of the proofreading app: the text of a piece or an issue as the checks take it,
the office's lists, the reports the panels show, and 查重 lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from django.db.models import F, Q
from django.urls import reverse

from accounts.models import Unit
from bulletin.documents import build_document, issue_document
from bulletin.models import Issue, Placement
from bulletin.numbering import previous_issue
from proofreading import fixes, similarity
from proofreading.checks import check_issue, check_piece
from proofreading.documents import issue_text_from_document
from proofreading.findings import Finding
from proofreading.index import COMPARED_STATUSES, printed_text, refresh_index, sample_index
from proofreading.models import Dismissal, Fingerprint, ProofreadingOptions, Term
from proofreading.rules import RULES
from proofreading.text import CheckContext, IssueNumbers, IssueText, PieceText, TermRule, UnitNames
from submissions.models import Submission
from text.richtext import body_paragraphs

S = Submission.Status
# 查重 compares with published pieces and pieces still in the editor's hands.
TOP = 5
SHOW_FROM = 0.2  # containment below this is not "similar" and is not listed
MOST = 0.5  # a listed piece sharing this much is always a warning, whatever the threshold
CANDIDATES = 12  # per piece, measured exactly after the estimate
MARGIN = 0.15  # how far below the floor an estimate may be and still be measured
FEWEST_SHARED = 20  # shingles (about a sentence): fewer shared is not a copy, however short the piece
LONGEST_SHOWN = 80  # characters of one shared passage shown in the 查重 list


# --- the office's lists ---------------------------------------------------------------


def unit_names(unit: Unit) -> UnitNames:
    return UnitNames(unit.name, unit.short_name, unit.office_name, unit.kind)


def check_context(options: ProofreadingOptions | None = None) -> CheckContext:
    """Units, active terms and options as a ``CheckContext`` (2 queries, 3 without options)."""
    options = options or ProofreadingOptions.current()
    return CheckContext(
        units=tuple(unit_names(u) for u in Unit.objects.all()),
        terms=tuple(term_rule(t) for t in Term.objects.filter(active=True).order_by("preferred")),
        unit_not_leading_twice=options.unit_not_leading_twice,
        traditional_names=options.traditional_name_list,
    )


def term_rule(term: Term) -> TermRule:
    return TermRule(
        term.preferred, Term.lines(term.variants), Term.lines(term.exceptions), term.note, term.source
    )


# --- text -----------------------------------------------------------------------------


def piece_text(submission: Submission, context: CheckContext) -> PieceText:
    """The piece as stored (what its writer and the editor see and correct)."""
    return PieceText(
        key=f"s{submission.pk}",
        title=submission.title,
        subtitle=submission.subtitle,
        paragraphs=body_paragraphs(submission.body),
        byline_org=submission.byline_org,
        byline_authors=submission.byline_authors,
        unit=unit_names(submission.unit),
        submission_id=submission.pk,
        brief="".join(body_paragraphs(submission.brief_text))
        if submission.adopted_as == Submission.AdoptedAs.BRIEF
        else "",
    )


def previous_published(issue: Issue) -> Issue | None:
    """The issue this one follows, by year and 期号 (bulletin.numbering.previous_issue) —
    never by 总期号, which is the number being checked."""
    return previous_issue(
        publication_id=issue.publication_id, year=issue.year, number=issue.number, exclude_pk=issue.pk
    )


def issue_text(issue: Issue, context: CheckContext) -> IssueText:
    """The issue as it prints now (a published one: its frozen text), items keyed s<id>."""
    return issue_text_and_pieces(issue, context)[0]


def issue_text_and_pieces(issue: Issue, context: CheckContext) -> tuple[IssueText, dict[int, Submission]]:
    """``issue_text`` and the issue's pieces {id: Submission} (with their units)."""
    document = (build_document(issue) if not issue.snapshot else issue_document(issue)).normalized()
    placements = list(
        Placement.objects.filter(issue=issue)
        .select_related("submission__unit")
        .order_by("section__position", "position")
    )
    ids = [p.submission_id for p in placements]
    count = sum(len(s.items) for s in document.sections)
    keys = [f"s{pk}" for pk in ids] if len(ids) == count else None
    before = previous_published(issue)
    previous = IssueNumbers(before.year, before.number, before.total_number, before.date) if before else None
    text = issue_text_from_document(
        document, context, previous=previous, keys=keys, submission_ids=ids if keys else None
    )
    text.numbers = replace(text.numbers, reason=issue.numbering_reason)
    units = {p.submission_id: p.submission.unit for p in placements}
    for piece in text.pieces:
        if piece.submission_id in units:
            piece.unit = unit_names(units[piece.submission_id])
    return text, {p.submission_id: p.submission for p in placements}


# --- 查重 -------------------------------------------------------------------------------


@dataclass
class SimilarPiece:
    """Another piece sharing wording with the one asked about, measured exactly."""

    submission: Submission
    overlap: similarity.Overlap  # shingles of the asked piece ("mine") and of this one
    passages: list[list[tuple[str, bool]]]  # excerpts of the other piece: (text, shared?)
    own_passages: list[list[tuple[str, bool]]] = field(default_factory=list)  # of the asked piece
    issue_label: str = ""  # 2024年第15期, or "" when the other piece is in no issue

    @property
    def containment(self) -> float:
        """Share of the smaller piece's shingles found in the other (0–1): the score."""
        return self.overlap.containment

    @property
    def percent(self) -> int:
        return round(self.containment * 100)

    @property
    def jaccard_percent(self) -> int:
        return round(self.overlap.jaccard * 100)

    @property
    def mine_contained(self) -> bool:
        """True when the asked piece is the one (mostly) inside the other, so the figure
        reads "本稿 N% 的文字见于该稿"; False: "该稿 N% 的文字见于本稿"."""
        return self.overlap.mine_in_theirs >= self.overlap.theirs_in_mine

    @property
    def mine_percent(self) -> int:
        return round(self.overlap.mine_in_theirs * 100)

    @property
    def theirs_percent(self) -> int:
        return round(self.overlap.theirs_in_mine * 100)

    @property
    def where(self) -> str:
        """The other piece's issue and status: 2024年第15期，已刊发 / 已报送."""
        status = self.submission.get_status_display()
        return f"{self.issue_label}，{status}" if self.issue_label else status

    @property
    def shares_in_words(self) -> str:
        """本稿 98% 的文字见于该稿 / 该稿 96% 的文字见于本稿（占本稿 47%）."""
        if self.mine_contained:
            return f"本稿 {self.mine_percent}% 的文字见于该稿"
        return f"该稿 {self.theirs_percent}% 的文字见于本稿（占本稿 {self.mine_percent}%）"


def _excerpts(
    text: str, spans: list[similarity.Span], margin: int = 12, most: int = 3
) -> list[list[tuple[str, bool]]]:
    """Up to ``most`` passages of ``text`` with the shared part marked, a little context around."""
    out = []
    for span in sorted(spans, key=lambda s: s.start - s.end)[:most]:
        start, end = max(0, span.start - margin), min(len(text), span.end + margin)
        segments = []
        if start > 0:
            segments.append(("…", False))
        shared = text[span.start : span.end]
        if len(shared) > LONGEST_SHOWN:
            # A long shared passage is shown by its two ends.
            shared = shared[: LONGEST_SHOWN // 2] + "……" + shared[-LONGEST_SHOWN // 4 :]
        segments += [(text[start : span.start], False), (shared, True), (text[span.end : end], False)]
        if end < len(text):
            segments.append(("…", False))
        out.append([(t, marked) for t, marked in segments if t])
    return out


def warn_from(options: ProofreadingOptions) -> float:
    """The containment from which a listed piece is a 查重 warning: the office's threshold,
    never above MOST (a piece sharing most of the text is always a warning)."""
    return min(options.similarity_threshold, MOST)


def similar_pieces(
    submission: Submission, *, top: int = TOP, floor: float = SHOW_FROM, refresh: bool = True
) -> list[SimilarPiece]:
    """The ``top`` pieces (published or in the editor's hands, any unit, any year) that
    share most of ``submission``'s printed text or most of theirs with it — by containment,
    highest first, each at least ``floor``."""
    return similar_to_each([submission], top=top, floor=floor, refresh=refresh)[submission.pk]


def similar_to_each(
    submissions: list[Submission],
    *,
    top: int = TOP,
    floor: float = SHOW_FROM,
    refresh: bool = True,
    indexed_only: bool = False,
    passages: bool = True,
) -> dict[int, list[SimilarPiece]]:
    """``similar_pieces`` for several pieces at once, in the same few queries however many
    (the issue panel and the review queue ask for a page of pieces): {submission id:
    [SimilarPiece]}. ``indexed_only``: a piece without a current fingerprint (one 查重 does
    not compare, such as a declined piece) is passed over instead of being read and
    fingerprinted here — for lists that load their rows without the body. ``passages``
    False leaves the shared passages out (a list that shows only the warning).

    Estimates the containment against every indexed piece from the process's inverted index
    of sampled shingles (``index.sample_index``), reads the best CANDIDATES of each from the table
    — only pieces of the compared statuses whose fingerprint is of their current version,
    so a deleted, declined or since-edited piece is never a match — measures them exactly
    from their shingles and marks the passages shared, on both sides, for the ones shown.
    """
    if refresh:
        refresh_index()
    result: dict[int, list[SimilarPiece]] = {s.pk: [] for s in submissions}
    # Each piece's own fingerprint when it is current (the refresh above keeps the compared
    # pieces' so); otherwise (a draft, say) computed here, unless ``indexed_only``.
    owns = {
        f.submission_id: f
        for f in Fingerprint.objects.filter(
            submission_id__in=[s.pk for s in submissions], version=F("submission__version")
        )
    }
    mine: dict[int, tuple[str, object]] = {}
    index = sample_index()
    candidates: dict[int, list[int]] = {}
    for submission in submissions:
        own = owns.get(submission.pk)
        if own is not None:
            text, shingle_set = own.text, similarity.from_bytes(own.shingles)
        elif indexed_only:
            continue
        else:
            text = printed_text(submission)
            shingle_set = similarity.shingles(text)
        if len(shingle_set) < FEWEST_SHARED:
            continue
        mine[submission.pk] = (text, shingle_set)
        ids, estimates = index.estimates(similarity.sample(shingle_set))
        estimates[ids == submission.pk] = -1.0
        # The estimate errs by about 0.1 for a short text: look below the floor.
        likely = np.flatnonzero(estimates >= floor - MARGIN)
        best = likely[np.argsort(-estimates[likely], kind="stable")][:CANDIDATES]
        candidates[submission.pk] = [int(i) for i in ids[best]]
    wanted = {other for ids in candidates.values() for other in ids}
    if not wanted:
        return result
    others = (
        Submission.objects.filter(
            pk__in=wanted, status__in=COMPARED_STATUSES, fingerprint__version=F("version")
        )
        .select_related("unit", "placement__issue", "fingerprint")
        .only(
            "title",
            "status",
            "version",
            "unit__short_name",
            "placement__issue__year",
            "placement__issue__number",
            "fingerprint__version",
            "fingerprint__text",
            "fingerprint__shingles",
        )
        .in_bulk()
    )
    shingles_of = {pk: similarity.from_bytes(o.fingerprint.shingles) for pk, o in others.items()}
    for pk, ids in candidates.items():
        text, shingle_set = mine[pk]
        prepared = None
        scored = []
        for other_id in ids:
            if other_id not in others:
                continue
            measured = similarity.overlap(shingle_set, shingles_of[other_id])
            if measured.containment >= floor and measured.shared >= FEWEST_SHARED:
                scored.append((measured, others[other_id]))
        # Most shared first; at the same shown percentage the printed piece before a pending
        # one (a re-send of what was printed is what the editor must hear of first).
        scored.sort(
            key=lambda pair: (
                -round(pair[0].containment, 2),
                pair[1].status != S.PUBLISHED,
                -pair[0].jaccard,
                pair[1].pk,
            )
        )
        for measured, other in scored[:top]:
            placement = getattr(other, "placement", None)
            label = f"{placement.issue.year}年第{placement.issue.number}期" if placement is not None else ""
            match = SimilarPiece(other, measured, [], [], label)
            if passages:  # marked for the ones shown only
                prepared = prepared or similarity.prepare(text)
                theirs = similarity.prepare(other.fingerprint.text)
                match.passages = _excerpts(theirs.text, similarity.spans_in(theirs, prepared))
                match.own_passages = _excerpts(text, similarity.spans_in(prepared, theirs))
            result[pk].append(match)
    return result


def similarity_finding(piece_key: str, match: SimilarPiece) -> Finding:
    """The 查重 warning: 与西湖区《…》（2024年第15期，已刊发）重合：本稿 98% 的文字见于该稿."""
    other = match.submission
    message = f"与{other.unit.short_name}《{other.title}》（{match.where}）重合：{match.shares_in_words}"
    return Finding("similarity", message, piece_key, "similar", 0, excerpt=f"s{other.pk}")


def similar_warnings(submissions: list[Submission]) -> dict[int, SimilarPiece]:
    """For each piece that shares at least the warning share (``warn_from``) with a piece
    printed or in hand, the piece it shares most with: {submission id: SimilarPiece}. For
    the review queue's marks: the same few queries for a page of any length."""
    options = ProofreadingOptions.current()
    found = similar_to_each(submissions, top=1, floor=warn_from(options), indexed_only=True, passages=False)
    return {pk: matches[0] for pk, matches in found.items() if matches}


# --- reports for the panels -----------------------------------------------------------


@dataclass
class ShownFinding:
    finding: Finding
    label: str  # the rule's Chinese label
    dismissal: Dismissal | None = None
    link: str = ""  # the piece's page at the paragraph

    @property
    def dismissed(self) -> bool:
        return self.dismissal is not None


@dataclass
class PieceReport:
    piece: PieceText
    findings: list[ShownFinding]
    similar: list[SimilarPiece] = field(default_factory=list)
    threshold: float = MOST  # the containment from which a listed piece is a warning
    submission: Submission | None = None

    @property
    def open(self) -> list[ShownFinding]:
        return [f for f in self.findings if not f.dismissed]

    @property
    def dismissed(self) -> list[ShownFinding]:
        return [f for f in self.findings if f.dismissed]

    @property
    def over_threshold(self) -> list[SimilarPiece]:
        return [s for s in self.similar if s.containment >= self.threshold]

    def brief_segments(self) -> list[tuple[str, bool]]:
        """The 摘登 text with its open findings marked."""
        spans = [
            (f.finding.offset, f.finding.offset + f.finding.length)
            for f in self.open
            if f.finding.part == "brief"
        ]
        return _segments(self.piece.brief, spans)

    def paragraphs(self) -> list[tuple[str, int, list[tuple[str, bool]]]]:
        """(anchor, number, segments) for each body paragraph, open findings marked."""
        marks: dict[int, list[tuple[int, int]]] = {}
        for shown in self.open:
            f = shown.finding
            if f.part == "body" and f.length:
                marks.setdefault(f.paragraph, []).append((f.offset, f.offset + f.length))
        out = []
        for number, text in enumerate(self.piece.paragraphs, start=1):
            out.append((f"para-{number}", number, _segments(text, marks.get(number, []))))
        return out


def _segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    flags = [False] * len(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(text), end)):
            flags[i] = True
    segments: list[tuple[str, bool]] = []
    for char, flag in zip(text, flags, strict=False):
        if segments and segments[-1][1] == flag:
            segments[-1] = (segments[-1][0] + char, flag)
        else:
            segments.append((char, flag))
    return segments


def _dismissals_for(submission_ids: list[int], issue: Issue | None = None) -> dict[tuple, Dismissal]:
    """{(submission id, key): Dismissal} for the pieces, and {(None, key): …} for the issue."""
    scope = Q(submission_id__in=submission_ids)
    if issue is not None:
        scope |= Q(issue=issue)
    return {(d.submission_id, d.key): d for d in Dismissal.objects.filter(scope).select_related("actor")}


def _label(rule: str) -> str:
    if rule == "similarity":
        return "查重"
    return RULES[rule].label if rule in RULES else rule


def piece_report(submission: Submission, *, with_similar: bool) -> PieceReport:
    """Findings on the piece as stored, dismissals applied; 查重 for the editor."""
    options = ProofreadingOptions.current()
    context = check_context(options)
    text = piece_text(submission, context)
    dismissals = _dismissals_for([submission.pk])
    findings = check_piece(text, context)
    similar = similar_pieces(submission) if with_similar else []
    threshold = warn_from(options)
    shown = [ShownFinding(f, _label(f.rule), dismissals.get((submission.pk, f.key))) for f in findings]
    for match in reversed(similar):
        if match.containment >= threshold:
            f = similarity_finding(text.key, match)
            shown.insert(0, ShownFinding(f, "查重", dismissals.get((submission.pk, f.key)), "#similar"))
    return PieceReport(text, shown, similar, threshold, submission)


@dataclass
class IssueReport:
    issue_findings: list[ShownFinding]  # the issue's own (numbers, dates)
    pieces: list[PieceReport]

    @property
    def open_count(self) -> int:
        asking = sum(1 for f in self.issue_findings if not f.dismissed and not f.finding.note)
        return asking + sum(len(p.open) for p in self.pieces)


def review_link(submission_id: int | None, anchor: str) -> str:
    if submission_id is None:
        return ""
    return reverse("review_detail", args=[submission_id]) + f"#{anchor}"


def issue_report(issue: Issue) -> IssueReport:
    """Every check on the issue as it prints, grouped per piece in print order, with
    links to each finding's paragraph on the piece's review page; pieces over the 查重
    threshold carry a 查重 finding."""
    options = ProofreadingOptions.current()
    context = check_context(options)
    text, submissions = issue_text_and_pieces(issue, context)
    findings = check_issue(text, context)
    pieces = text.pieces
    ids = [p.submission_id for p in pieces if p.submission_id]
    dismissals = _dismissals_for(ids, issue)
    by_piece: dict[str, list[ShownFinding]] = {p.key: [] for p in pieces}
    issue_findings = []
    ids_by_key = {p.key: p.submission_id for p in pieces}
    kinds = {p.key: p.kind for p in pieces}
    for f in findings:
        if not f.piece:
            issue_findings.append(ShownFinding(f, _label(f.rule), dismissals.get((None, f.key))))
            continue
        sid = ids_by_key.get(f.piece)
        # A brief prints its 摘登 text, shown on the review page under its own anchor.
        anchor = "para-brief" if kinds.get(f.piece) == "brief" and f.part == "body" else f.anchor
        by_piece.setdefault(f.piece, []).append(
            ShownFinding(f, _label(f.rule), dismissals.get((sid, f.key)), review_link(sid, anchor))
        )
    threshold = warn_from(options)
    similar = similar_to_each(list(submissions.values()), top=1, floor=threshold, passages=False)
    reports = []
    for piece in pieces:
        shown = by_piece.get(piece.key, [])
        submission = submissions.get(piece.submission_id) if piece.submission_id else None
        if submission is not None:
            for match in similar.get(submission.pk, []):
                f = similarity_finding(piece.key, match)
                link = review_link(submission.pk, "similar")
                shown.insert(0, ShownFinding(f, "查重", dismissals.get((submission.pk, f.key)), link))
        reports.append(PieceReport(piece, shown, [], threshold, submission))
    return IssueReport(issue_findings, reports)


# --- corrections offered on the panels (proofreading.actions.corrections) ---------------


def _piece_fields(submission: Submission) -> dict[str, str]:
    return {name: getattr(submission, name) for name in fixes.FIELDS}


def _fixes_closed(submission: Submission) -> str:
    if submission.status == S.PUBLISHED:
        return "已刊发的稿件不在这里改正：刊印的文字只能通过更正修改。"
    return ""


def piece_fixes(report: PieceReport, *, can_fix: bool) -> fixes.PieceFixes:
    """The corrections the piece's panel offers (its findings are the stored piece's own);
    none when the user may not correct the piece (``permissions.can_fix``)."""
    submission = report.submission
    if submission is None or not can_fix:
        return fixes.PieceFixes().showing(report.open)
    offered = fixes.PieceFixes(submission.pk, submission.version, closed=_fixes_closed(submission))
    if offered.closed:
        return offered.showing(report.open)
    stored = [s.finding for s in report.findings if s.finding.rule != "similarity"]
    dismissed = {s.finding.key for s in report.dismissed}
    fixable, offered.kinds = fixes.offers(_piece_fields(submission), stored, dismissed, _label)
    offered.keys = {key: key for key in fixable}
    return offered.showing(report.open)


def issue_fixes(report: IssueReport) -> list[fixes.PieceFixes]:
    """The issue panel's ``PieceFixes``, one for each of ``report.pieces``. Its findings are read on the printed
    text; a fix is offered where the stored piece has the same finding (checked again on
    the stored text: a few milliseconds a piece, and only for pieces with a candidate)."""
    out: list[fixes.PieceFixes] = []
    context = None
    ids = [p.submission.pk for p in report.pieces if p.submission is not None]
    kept: dict[int, set[str]] = {}
    for submission_id, key in Dismissal.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "key"
    ):
        kept.setdefault(submission_id, set()).add(key)
    for piece_report in report.pieces:
        submission = piece_report.submission
        if submission is None:
            out.append(fixes.PieceFixes().showing(piece_report.open))
            continue
        shown = [s for s in piece_report.open if fixes.offers_fix(s.finding)]
        offered = fixes.PieceFixes(submission.pk, submission.version, closed=_fixes_closed(submission))
        out.append(offered)
        if not shown or offered.closed:
            continue
        context = context or check_context()
        stored = check_piece(piece_text(submission, context), context)
        dismissed = {
            fixes.stored_twin(s.finding, piece_report.piece.kind).key for s in piece_report.dismissed
        }
        dismissed |= kept.get(submission.pk, set())
        fixable, kinds = fixes.offers(_piece_fields(submission), stored, dismissed, _label)
        listed: dict[str, int] = {}
        for s in shown:
            twin = fixes.match_twin(s.finding, piece_report.piece.kind, stored)
            if twin is not None and twin.key in fixable:
                offered.keys[s.finding.key] = twin.key
                listed[twin.rule] = listed.get(twin.rule, 0) + 1
        # 全部改正 where the panel lists two or more of the rule's (the count is what the
        # stored piece has: what will be corrected).
        offered.kinds = [kind for kind in kinds if listed.get(kind.rule, 0) >= 2]
    for offered, piece_report in zip(out, report.pieces, strict=True):
        offered.showing(piece_report.open)
    return out
