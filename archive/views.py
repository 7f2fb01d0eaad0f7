"""The archive: published issues for every signed-in role, their PDFs and a search."""

import functools
import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path

from accounts.permissions import can_browse_archive, role_required
from archive import http_cache, queries
from archive.forms import ArchiveSearchForm
from archive.search import MAX_WORDS, highlight, passage, query_words, unused_words
from audit.records import Kind
from audit.records import record as audit_record
from bulletin.documents import issue_document, reading_sections
from bulletin.forms import CORRECTION_NOTE_KEY, CorrectionForm
from bulletin.permissions import can_assemble_issues, get_viewable_issue
from bulletin.printed_text import printed_title_and_body
from bulletin.storage import pdf_problem

log = logging.getLogger(__name__)

archive_readers = role_required(can_browse_archive)


def pdf_filename(issue) -> str:
    return f"{issue.publication.name}-{issue.year}年第{issue.number}期(总第{issue.total_number}期).pdf"


@archive_readers
def archive(request, year: int | None = None):
    """The archive: one year's issues (the newest year unless asked), or search results.

    Either way the page is bounded: a year holds a few dozen issues, and results come 20
    a page with the passage that matched, words highlighted.
    """
    form = ArchiveSearchForm(request.GET or None)
    years = queries.archive_years()
    context = {"form": form, "years": years}
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        ids = queries.search_result_ids(
            words=data["q"], unit=data["unit"], year=data["year"], section=data["section"]
        )
        page = Paginator(ids, 20).get_page(request.GET.get("page"))
        pieces = queries.search_result_rows(page.object_list)
        anchors = queries.item_anchors(piece.placement.issue_id for piece in pieces)
        words = query_words(data["q"])
        context["page"] = page
        results = []
        for piece in pieces:
            title, body = printed_title_and_body(piece.printed_text, is_brief=piece.adopted_as == "brief")
            results.append(
                {
                    "piece": piece,
                    "anchor": anchors.get(piece.pk, ""),
                    "title": highlight(title or piece.title, words),
                    "passage": passage(body, words),
                }
            )
        context["results"] = results
        context["unused_words"] = unused_words(data["q"])
        context["max_words"] = MAX_WORDS
        context["searching"] = True
        return render(request, "archive/archive.html", context)
    shown = year if year is not None else (years[0]["year"] if years else None)
    if year is not None and all(entry["year"] != year for entry in years):
        raise Http404("这一年没有已刊发的期刊。")
    context["year"] = shown
    context["issues"] = list(queries.published_issues(shown)) if shown is not None else []
    return render(request, "archive/archive.html", context)


@archive_readers
def archive_issue(request, pk: int):
    issue = get_viewable_issue(request.user, pk)
    if not issue.is_published:
        raise Http404("这一期尚未刊发。")
    is_editor = can_assemble_issues(request.user)
    pdfs = list(issue.pdfs.order_by("-version"))
    # A published issue changes only by a 更正 (a new PDF version, issue saved again).
    version = (issue.pk, issue.updated_at.isoformat(), pdfs[0].version if pdfs else 0)
    etag = http_cache.page_etag(request, *version)
    cached = http_cache.not_modified(request, etag=etag, last_modified=issue.updated_at)
    if cached is not None:
        return cached
    response = render(
        request,
        "archive/archive_issue.html",
        {
            "issue": issue,
            # Read only when the cached text below is missing (the template calls it).
            "reading": functools.cache(lambda: reading_sections(issue_document(issue))),
            "reading_key": "-".join(str(part) for part in version),
            "current_pdf": pdfs[0] if pdfs else None,
            "older_pdfs": pdfs[1:] if is_editor else [],
            "is_editor": is_editor,
            # The PDF version shown goes with the form; a note refused because another
            # editor's 更正 came first is offered again (bulletin.issue_views.issue_correct).
            "correction_form": CorrectionForm(
                initial={
                    "pdf_version": pdfs[0].version if pdfs else 0,
                    "note": request.session.pop(CORRECTION_NOTE_KEY.format(issue.pk), ""),
                }
            )
            if is_editor
            else None,
        },
    )
    return http_cache.mark(response, etag=etag, last_modified=issue.updated_at)


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
        return render(request, "archive/pdf_refused.html", {"issue": issue, "problem": problem}, status=409)
    name = pdf_filename(issue)
    if record != current:
        name = name.replace(".pdf", f"-第{record.version}版.pdf")
    # A stored PDF never changes: its SHA-256 is its ETag.
    etag = f'"{record.sha256}"'
    cached = http_cache.not_modified(request, etag=etag, last_modified=record.created_at)
    if cached is not None:
        return cached
    audit_record(
        Kind.FILE_DOWNLOADED,
        actor=request.user,
        obj=issue,
        after={"pdf_version": record.version, "sha256": record.sha256},
        message=f"下载存档 PDF（第 {record.version} 版）",
    )
    if settings.BULLETIN_X_ACCEL_PREFIX and hasattr(record.file.storage, "path"):
        # nginx sends the file itself (deploy/nginx/bulletin.conf, location /protected-media/).
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = escape_uri_path(settings.BULLETIN_X_ACCEL_PREFIX + record.file.name)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    else:
        # Streamed from the storage in blocks, whatever the backend (file system, S3 …).
        response = FileResponse(
            record.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
        )
    return http_cache.mark(response, etag=etag, last_modified=record.created_at)
