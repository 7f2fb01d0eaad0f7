"""The one way to import a back issue (往期导入): the parsed issue becomes a published Issue
with its pieces, placements, stored PDF and printed text; a replace keeps what people added.
"""

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Unit
from assessment.models import Instruction
from audit.records import Kind, record
from backissues.parsing.units import unit_for
from backissues.queries import back_issue_clash
from bulletin.actions.common import IssueActionError, _require_editor
from bulletin.actions.issues import _check_fields, _issue_state
from bulletin.actions.publishing import _files_removed_on_failure, _store_pdf
from bulletin.models import Issue, IssuePdf, Placement, Publication, Section
from bulletin.numbering import number_bounds
from bulletin.printed_text import forget_printed_texts, freeze_printed_texts
from printing.document import IssueDocument
from printing.render import render_pdf
from submissions.actions.back_issue_pieces import (
    delete_back_issue_piece,
    record_back_issue_piece,
    update_back_issue_piece,
)
from text.richtext import runs_to_html


def _additions(submission) -> str:
    """What people added to a piece beyond its import, in words; "" when nothing."""
    parts = []
    instructions = Instruction.objects.filter(submission=submission).count()
    comments = submission.comments.count()
    events = submission.events.exclude(action__in=["import", "reimport"]).count()
    if instructions:
        parts.append(f"批示 {instructions} 条")
    if comments:
        parts.append(f"留言 {comments} 条")
    if events:
        parts.append(f"操作记录 {events} 条")
    return f"《{submission.title}》（{'、'.join(parts)}）" if parts else ""


def import_back_issue(*, actor, result, source_name: str, replace: bool = False) -> tuple[Issue, list[str]]:
    """Record a parsed back issue as a published issue with its pieces, and store its re-rendered PDF.

    Refused while the parse has errors, for an unknown publication, for numbers or a date
    outside sane bounds (numbering.number_bounds), for numbers that an issue assembled in
    the system holds (an import never touches those), and for an issue already imported
    unless `replace` is given. Returns the issue and notes for the editor.

    Replacing keeps what people added: the issue row and its earlier PDFs stay (the new
    PDF is the next version), and each old piece is matched to a new one (same section
    and title, else same section and position) and updated in place, so its 批示,
    comments and audit rows stay with it. An old piece with such additions that matches
    nothing makes the whole replace refused, naming it. Everything happens in one
    transaction: a failure at any step leaves every row and file as it was.
    """
    _require_editor(actor)
    if result.errors:
        raise IssueActionError(f"文字中还有 {len(result.errors)} 处错误，改正后才能导入。")
    document = result.document
    publication = Publication.objects.filter(name=document.publication_name).first()
    if publication is None:
        raise IssueActionError(back_issue_clash(document, replace=replace))
    label = f"{document.year}年第{document.number}期(总第{document.total_number}期)"
    problems = number_bounds(
        publication=publication,
        date=document.date,
        number=document.number,
        total_number=document.total_number,
        imported=True,
    )
    if problems:
        raise IssueActionError(f"{label}：{''.join(problems)}")
    notes: list[str] = []
    # Rendered as the stored snapshot reads back, outside the transaction: no lock held.
    printed = render_pdf(IssueDocument.from_dict(document.to_dict()))
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        Publication.objects.select_for_update().get(pk=publication.pk)
        clash = back_issue_clash(document, replace=replace)
        if clash:
            raise IssueActionError(clash)
        existing = list(
            Issue.objects.filter(publication=publication).filter(
                Q(year=document.year, number=document.number) | Q(total_number=document.total_number)
            )
        )
        if len(existing) > 1:
            raise IssueActionError(
                f"{label}的期号与总期号分别属于两期已导入的刊物（{'、'.join(str(i) for i in existing)}），"
                "无法确定覆盖哪一期，未作修改。请核对文字中的期号。"
            )
        fields = {
            "publication": publication,
            "year": document.year,
            "number": document.number,
            "total_number": document.total_number,
            "edition": result.edition,
            "date": document.date,
            "editor_name": document.editor_name,
            "editor_phone": document.editor_phone,
            "distribution": "\n".join(document.distribution),
            "status": Issue.Status.PUBLISHED,
            "origin": Issue.Origin.IMPORTED,
            "source_name": source_name[:200],
            "published_at": timezone.now(),
            "snapshot": document.to_dict(),
        }
        if existing:
            issue = Issue.objects.select_for_update().get(pk=existing[0].pk)
            before = {**_issue_state(issue), "source_name": issue.source_name}
            old_placements = list(issue.placements.select_related("submission", "section"))
            for name, value in fields.items():
                setattr(issue, name, value)
        else:
            issue, before, old_placements = Issue(**fields), None, []
        _check_fields(issue)
        issue.save()

        fallback = Unit.objects.get(short_name="研究室")
        next_position = (Section.objects.aggregate(m=Max("position"))["m"] or 0) + 1
        # The pieces keep the text as it prints (full-width punctuation, no stray spaces
        # around numbers), so the archive, search and statistics read like the issue;
        # the snapshot keeps the recovered text itself.
        planned = []  # (section, position, piece fields)
        for doc_section in document.normalized().sections:
            section, created = Section.objects.get_or_create(
                name=doc_section.name,
                defaults={"kind": doc_section.kind, "position": next_position, "active": False},
            )
            if created:
                next_position += 1
                notes.append(f"新增栏目“{section.name}”（未启用，新编的期不会出现）。")
            for position, item in enumerate(doc_section.items, start=1):
                is_brief = doc_section.kind == Section.Kind.BRIEFS
                text = "".join(run.text for run in item.paragraph) if is_brief else ""
                unit = unit_for(item.byline_org, text)
                name = text[:20] + "……" if is_brief else f"《{item.title}》"
                if unit is None:
                    unit = fallback
                    notes.append(f"{name}无法从署名确定报送单位，已记为研究室。")
                authors = " ".join(item.byline_authors)
                piece = (
                    {
                        "title": text[:30] or "信息摘登",
                        "brief_text": text,
                        "body": f"<p>{escape(text)}</p>",
                        "brief_byline": " ".join(p for p in (item.byline_org, authors) if p),
                    }
                    if is_brief
                    else {
                        "title": item.title,
                        "subtitle": item.subtitle,
                        "body": runs_to_html(
                            [[(r.text, r.bold, r.script) for r in p] for p in item.paragraphs]
                        ),
                    }
                )
                piece.update(
                    unit=unit,
                    adopted_as="brief" if is_brief else "article",
                    byline_org=item.byline_org,
                    byline_authors=authors,
                )
                planned.append((section, position, piece))

        matched = _match_pieces(old_placements, planned)
        kept_ids = {submission.pk for submission in matched.values()}
        dropped = [p.submission for p in old_placements if p.submission_id not in kept_ids]
        would_lose = [text for text in (_additions(s) for s in dropped) if text]
        if would_lose:
            raise IssueActionError(
                f"覆盖{label}会丢失以下稿件上的内容（新文字中找不到同一栏目同一标题或同一位置的篇目），未作修改："
                + "；".join(would_lose)
                + "。请核对标题后再覆盖。"
            )
        Placement.objects.filter(issue=issue).delete()
        for submission in dropped:
            delete_back_issue_piece(actor=actor, submission=submission)
        forget_printed_texts([submission.pk for submission in dropped])
        note = f"导入往期：{source_name}"
        for index, (section, position, piece) in enumerate(planned):
            if index in matched:
                submission = update_back_issue_piece(
                    actor=actor, submission=matched[index], note=f"覆盖导入往期：{source_name}", **piece
                )
            else:
                submission = record_back_issue_piece(actor=actor, note=note, **piece)
            Placement.objects.create(issue=issue, section=section, submission=submission, position=position)
        freeze_printed_texts(issue)
        pdf = _store_pdf(
            issue=issue, actor=actor, pdf=printed, written=written, note="往期导入，按原文重新排印"
        )
        record(
            Kind.BACK_ISSUE_REPLACED if existing else Kind.BACK_ISSUE_IMPORTED,
            actor=actor,
            obj=issue,
            before=before,
            after={
                **_issue_state(issue),
                "source_name": issue.source_name,
                "pieces": len(planned),
                "pieces_kept": len(matched),
                "pieces_removed": len(dropped),
                "pdf_version": pdf.version,
                "sha256": pdf.sha256,
            },
            message=source_name[:200],
        )
    return issue, notes


def _piece_key(section: Section, piece_title: str, brief_text: str, adopted_as: str) -> tuple:
    return (section.pk, brief_text if adopted_as == "brief" else piece_title)


def _match_pieces(old_placements: list[Placement], planned: list[tuple]) -> dict[int, object]:
    """{index in planned: old Submission}: same section and title (a brief: same text)
    first, then same section and position among those left."""
    matched: dict[int, object] = {}
    free = {p.pk: p for p in old_placements}
    by_key = {}
    for p in old_placements:
        s = p.submission
        by_key.setdefault(_piece_key(p.section, s.title, s.brief_text, s.adopted_as), []).append(p.pk)
    for index, (section, _position, piece) in enumerate(planned):
        key = _piece_key(section, piece["title"], piece.get("brief_text", ""), piece["adopted_as"])
        candidates = [pk for pk in by_key.get(key, []) if pk in free]
        if candidates:
            matched[index] = free.pop(candidates[0]).submission
    by_place = {(p.section_id, p.position): p for p in free.values()}
    for index, (section, position, _piece) in enumerate(planned):
        if index not in matched and (section.pk, position) in by_place:
            placement = by_place.pop((section.pk, position))
            matched[index] = free.pop(placement.pk).submission
    return matched
