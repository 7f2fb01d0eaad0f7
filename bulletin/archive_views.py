"""The archive: published issues for every signed-in role, their PDFs and a search."""

import logging

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from accounts.permissions import can_browse_archive, role_required
from audit.records import Kind
from audit.records import record as audit_record

from . import queries
from .documents import issue_document, reading_sections
from .forms import ArchiveSearchForm, CorrectionForm
from .permissions import can_assemble_issues, get_viewable_issue
from .storage import pdf_problem

log = logging.getLogger(__name__)

archive_readers = role_required(can_browse_archive)


def pdf_filename(issue) -> str:
    return f"{issue.publication.name}-{issue.year}年第{issue.number}期(总第{issue.total_number}期).pdf"


@archive_readers
def archive(request):
    form = ArchiveSearchForm(request.GET or None)
    context = {"form": form, "years": queries.published_issues_by_year()}
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        results = queries.search_published_items(
            words=data["q"], unit=data["unit"], year=data["year"], section=data["section"]
        )
        page = Paginator(results, 20).get_page(request.GET.get("page"))
        anchors = queries.item_anchors(piece.placement.issue_id for piece in page)
        context["page"] = page
        context["results"] = [(piece, anchors.get(piece.pk, "")) for piece in page]
        context["searching"] = True
    return render(request, "bulletin/archive.html", context)


@archive_readers
def archive_issue(request, pk: int):
    issue = get_viewable_issue(request.user, pk)
    if not issue.is_published:
        raise Http404("这一期尚未刊发。")
    is_editor = can_assemble_issues(request.user)
    pdfs = list(issue.pdfs.order_by("-version"))
    return render(
        request,
        "bulletin/archive_issue.html",
        {
            "issue": issue,
            "reading": reading_sections(issue_document(issue)),
            "current_pdf": pdfs[0] if pdfs else None,
            "older_pdfs": pdfs[1:] if is_editor else [],
            "is_editor": is_editor,
            "correction_form": CorrectionForm() if is_editor else None,
        },
    )


@archive_readers
def archive_pdf(request, pk: int, version: int | None = None):
    """The stored PDF, never re-rendered, and only if its bytes still match the SHA-256
    recorded when it was made (otherwise a Chinese refusal, logged and audited).
    Earlier versions (before a correction) are for editors."""
    issue = get_viewable_issue(request.user, pk)
    pdfs = issue.pdfs.order_by("-version")
    current = pdfs.first()
    if current is None:
        raise Http404("这一期没有存档的 PDF。")
    record = current if version is None else pdfs.filter(version=version).first()
    if record is None or (record != current and not can_assemble_issues(request.user)):
        raise Http404("没有这个版本的 PDF。")
    problem = pdf_problem(record)
    if problem:
        log.error("拒绝提供存档 PDF：%s", problem)
        audit_record(Kind.FILE_MISMATCH, obj=record, message=problem, request=request)
        return render(request, "bulletin/pdf_refused.html", {"issue": issue, "problem": problem}, status=409)
    name = pdf_filename(issue)
    if record != current:
        name = name.replace(".pdf", f"-第{record.version}版.pdf")
    return FileResponse(
        record.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
