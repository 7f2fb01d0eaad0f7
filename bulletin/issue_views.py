"""Editors' pages for issues: create, assemble, preview, publish, correct."""

import json

from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.records import Kind
from audit.records import record as audit_record
from bulletin import queries, renders
from bulletin.actions import common, issues, placements, publish_jobs
from bulletin.documents import build_document, issue_document
from bulletin.forms import CORRECTION_NOTE_KEY, CorrectionForm, IssueForm, UnplacedFilterForm
from bulletin.models import Issue, Placement, Publication, PublishJob, Section
from bulletin.numbering import propose_numbers, sequence_problems
from bulletin.permissions import editor_only
from bulletin.print_preview import preview_html
from service.health import check_worker
from submissions.models import Submission
from web import panels
from web.forms import parse_id


def _version(request) -> int | None:
    """The layout version the page saw; None (no check) when missing or not a number."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _run(request, action, **kwargs) -> bool:
    """Call an action; its refusal becomes a message on the page instead of an error."""
    try:
        action(actor=request.user, **kwargs)
    except common.IssueActionError as error:
        messages.error(request, str(error))
        return False
    return True


@editor_only
def issue_list(request):
    page = Paginator(queries.issues_for_editor(), 20).get_page(request.GET.get("page"))
    return render(request, "bulletin/issue_list.html", {"issues": page, "page": page})


@editor_only
def issue_create(request):
    publication = Publication.objects.order_by("pk").first()
    ask_reason = False
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                issue = issues.create_issue(actor=request.user, publication=publication, **form.cleaned_data)
            except common.NumberingNeedsReason as error:
                form.add_error(None, str(error))
                ask_reason = True
            except common.IssueActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"已创建{issue.year}年第{issue.number}期(总第{issue.total_number}期)。"
                )
                _say_if_reason_not_kept(request, form, issue)
                return redirect("issue_assemble", pk=issue.pk)
    else:
        today = timezone.localdate()
        number, total = propose_numbers(publication=publication, year=today.year)
        form = IssueForm(
            initial={
                "date": today,
                "number": number,
                "total_number": total,
                "edition": Issue.Edition.REGULAR,
                "editor_name": publication.default_editor_name,
                "editor_phone": publication.default_editor_phone,
                "distribution": publication.default_distribution,
            }
        )
    return render(
        request,
        "bulletin/issue_form.html",
        {
            "form": form,
            "distribution_choices": queries.distribution_choices(publication),
            "ask_reason": ask_reason or _reason_in_play(form),
        },
    )


def _say_if_reason_not_kept(request, form, issue: Issue) -> None:
    """A reason typed in the form that the issue does not keep is said, never dropped
    without a word: it was not confirmed by the tick, or the numbers follow on and there is
    nothing to explain."""
    typed = " ".join((form.data.get("numbering_reason") or "").split())
    if not typed or typed == issue.numbering_reason:
        return
    why = (
        "没有勾选确认" if not form.cleaned_data.get("numbering_reason") else "期号与上一期连续，无需说明理由"
    )
    messages.warning(request, f"所填“不连续的理由”（{typed[:40]}）没有保存：{why}。")


def _reason_in_play(form) -> bool:
    """Whether the form shows the numbering confirmation open: a reason is kept, being
    given, or refused."""
    return bool(
        form["numbering_reason"].value()
        or form["numbering_confirmed"].value()
        or form.errors.get("numbering_reason")
    )


@editor_only
def issue_settings(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    if issue.is_published:
        messages.info(request, "这一期已经刊发，期号和信息不能再改。")
        return redirect("archive_issue", pk=issue.pk)
    form = IssueForm(request.POST or None, instance=Issue.objects.get(pk=pk))
    ask_reason = False
    if request.method == "POST" and form.is_valid():
        try:
            issues.update_issue(actor=request.user, issue=issue, **form.cleaned_data)
        except common.NumberingNeedsReason as error:
            form.add_error(None, str(error))
            ask_reason = True
        except common.IssueActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "本期信息已保存。")
            issue.refresh_from_db(fields=["numbering_reason"])
            _say_if_reason_not_kept(request, form, issue)
            return redirect("issue_assemble", pk=issue.pk)
    return render(
        request,
        "bulletin/issue_form.html",
        {
            "form": form,
            "issue": issue,
            "distribution_choices": queries.distribution_choices(issue.publication),
            "ask_reason": ask_reason or _reason_in_play(form),
        },
    )


@editor_only
def issue_assemble(request, pk: int):
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    if issue.is_published:
        return redirect("archive_issue", pk=issue.pk)
    layout = queries.issue_layout(issue)
    sections = [entry["section"] for entry in layout]
    unplaced_form = UnplacedFilterForm(request.GET or None)
    filters = unplaced_form.cleaned_data if unplaced_form.is_valid() else {}
    unplaced = queries.unplaced_adopted_pieces(
        q=filters.get("uq") or "", unit=filters.get("uunit"), adopted_as=filters.get("ukind") or ""
    )
    unplaced_page = Paginator(unplaced, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "bulletin/issue_assemble.html",
        {
            "issue": issue,
            "layout": layout,
            "unplaced": unplaced_page,
            "page": unplaced_page,
            "unplaced_form": unplaced_form,
            "unplaced_filtered": any(filters.values()),
            "article_sections": [s for s in sections if s.kind == Section.Kind.ARTICLES],
            "brief_sections": [s for s in sections if s.kind == Section.Kind.BRIEFS],
            "article_section_names": [
                {"id": s.pk, "name": s.name} for s in sections if s.kind == Section.Kind.ARTICLES
            ],
            "toc": build_document(issue).toc(),
            "failed_publication": queries.last_failed_publication(issue),
            "numbering_slips": sequence_problems(
                publication=issue.publication,
                year=issue.year,
                number=issue.number,
                total_number=issue.total_number,
                exclude=issue,
            ),
            "check_panels": panels.render("issue_checks", request, issue=issue),
        },
    )


@editor_only
@require_POST
def placement_add(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    submission = Submission.objects.filter(pk=parse_id(request.POST.get("submission"))).first()
    section = Section.objects.filter(pk=parse_id(request.POST.get("section"))).first()
    if submission is None or section is None:
        messages.error(request, "请选择要编入的稿件和栏目。")
    elif _run(
        request,
        placements.place_submission,
        issue=issue,
        submission=submission,
        section=section,
        expected_version=_version(request),
    ):
        messages.success(request, f"已将《{submission.title}》编入“{section.name}”。")
    return redirect("issue_assemble", pk=issue.pk)


@editor_only
@require_POST
def placement_move(request, pk: int, placement_pk: int):
    placement = get_object_or_404(Placement, pk=placement_pk, issue_id=pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    _run(
        request, placements.move_placement, placement=placement, step=step, expected_version=_version(request)
    )
    return redirect(reverse("issue_assemble", args=[pk]) + f"#item-{placement.pk}")


@editor_only
@require_POST
def placement_move_to_section(request, pk: int, placement_pk: int):
    placement = get_object_or_404(Placement, pk=placement_pk, issue_id=pk)
    target = Section.objects.filter(pk=parse_id(request.POST.get("section"))).first()
    if target is None:
        messages.error(request, "请选择目标栏目。")
        return redirect("issue_assemble", pk=pk)
    if _run(
        request,
        placements.move_placement_to_section,
        placement=placement,
        section=target,
        expected_version=_version(request),
    ):
        messages.success(request, f"已移至“{target.name}”末尾。")
    return redirect("issue_assemble", pk=pk)


@editor_only
@require_POST
def placement_remove(request, pk: int, placement_pk: int):
    placement = get_object_or_404(
        Placement.objects.select_related("submission"), pk=placement_pk, issue_id=pk
    )
    title = placement.submission.title
    if _run(request, placements.remove_placement, placement=placement, expected_version=_version(request)):
        messages.success(request, f"已将《{title}》移出本期，回到待编稿件。")
    return redirect("issue_assemble", pk=pk)


def _whole_number(value) -> int:
    """An id or version in the arrange request: anything but a whole number in range (a
    float, true, 1e400, a number beyond the column) is a malformed layout (ValueError)."""
    if type(value) is int and value == 0:
        return 0  # a layout version may be 0
    number = parse_id(value)
    if number is None:
        raise ValueError(f"not an id: {value!r}")
    return number


def _parse_layout(body: bytes) -> tuple[dict[int, list[int]], int]:
    """The arrange request {"version": n, "layout": {"<section id>": [placement ids]}} as
    ({section id: [placement ids]}, version). Raises ValueError for anything else."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("not JSON") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("layout"), dict):
        raise ValueError("no layout")
    layout = {}
    for section, items in payload["layout"].items():
        if not isinstance(items, list):
            raise ValueError("items not a list")
        layout[_whole_number(section)] = [_whole_number(item) for item in items]
    return layout, _whole_number(payload.get("version"))


@editor_only
@require_POST
def issue_arrange(request, pk: int):
    """The drag-and-drop page posts the complete layout as JSON and gets the new version back."""
    issue = get_object_or_404(Issue, pk=pk)
    try:
        layout, expected = _parse_layout(request.body)
    except ValueError:
        return JsonResponse({"ok": False, "message": "提交的排序格式不正确，未作修改。"}, status=400)
    try:
        issue = placements.arrange_issue(
            actor=request.user, issue=issue, layout=layout, expected_version=expected
        )
    except common.StaleLayout as error:
        return JsonResponse({"ok": False, "stale": True, "message": str(error)}, status=409)
    except common.IssueActionError as error:
        return JsonResponse({"ok": False, "message": str(error)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "version": issue.layout_version,
            "message": "顺序已保存。",
            # The page redraws its 目录（预览） and section counts from these, without a reload.
            "toc_html": render_to_string(
                "bulletin/_assembly_toc.html", {"toc": build_document(issue).toc()}, request=request
            ),
            "counts": {str(section): len(items) for section, items in queries.current_layout(issue).items()},
        }
    )


@editor_only
# The print HTML carries its stylesheet and per-line letter-spacing inline (it is also
# WeasyPrint's input); it has no script, so only inline styles are allowed here.
@csp_update({"style-src": ["'unsafe-inline'"]})
def issue_preview(request, pk: int):
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    # A published issue previews as it was frozen; later edits show only after a 更正.
    if issue.is_published:
        return HttpResponse(preview_html(issue_document(issue))[0])
    # A draft's check report also lists what the verifier read on its rendered PDF;
    # while that PDF is being made, the report says so (and asks for it if need be).
    check = renders.pdf_check(renders.preview_state(issue))
    return HttpResponse(preview_html(issue_document(issue), check)[0])


def _preview_status(issue: Issue, state: renders.PreviewState) -> dict:
    return {
        "status": state.status,
        "progress": state.progress,
        "expected_ms": state.expected_ms,
        "error": state.error,
        "key": state.key[:12],
        "pdf_url": reverse("issue_preview_pdf", args=[issue.pk]),
        # Waiting with no worker alive: the page says so instead of waiting forever.
        "worker_alive": state.ready or check_worker()["ok"],
    }


@editor_only
def issue_preview_pdf(request, pk: int):
    """The draft's pre-rendered PDF when it matches the draft's content; otherwise the
    排版中 page, which follows the render and shows the PDF when it is ready."""
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    if issue.is_published:
        return redirect("archive_pdf", pk=issue.pk)
    state = renders.preview_state(issue)
    if state.ready:
        audit_record(Kind.FILE_DOWNLOADED, actor=request.user, obj=issue, message="查看样刊 PDF（未刊发）")
        response = FileResponse(state.render.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "private, no-cache"
        return response
    return render(
        request,
        "bulletin/issue_rendering.html",
        {
            "issue": issue,
            "purpose": "preview",
            "status": _preview_status(issue, state),
            "status_url": reverse("issue_preview_status", args=[issue.pk]),
        },
        status=202,
    )


@editor_only
def issue_preview_status(request, pk: int):
    """JSON for the 排版中 page: {status, progress (0–100), expected_ms, error, pdf_url}."""
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    if issue.is_published:
        return JsonResponse({"status": "published", "url": reverse("archive_issue", args=[issue.pk])})
    if request.method == "POST":  # 重试 after a failure
        renders.retry_failed_render(issue)
    return JsonResponse(_preview_status(issue, renders.preview_state(issue)))


@editor_only
@require_POST
def issue_publish(request, pk: int):
    """刊发: checked here, rendered and published by the worker; the page follows it."""
    issue = get_object_or_404(Issue, pk=pk)
    if issue.is_published:
        messages.info(request, "这一期已经刊发过了。")
        return redirect("archive_issue", pk=issue.pk)
    try:
        job = publish_jobs.request_publication(
            actor=request.user,
            issue=issue,
            expected_version=_version(request),
            confirmed=request.POST.get("confirmed") == "1",
        )
    except common.NeedsConfirmation as question:
        return render(
            request,
            "bulletin/issue_publish_confirm.html",
            {"issue": issue, "question": str(question), "version": _version(request)},
        )
    except common.IssueActionError as error:
        messages.error(request, str(error))
        return redirect("issue_assemble", pk=issue.pk)
    return redirect("issue_publish_job", pk=issue.pk, job_pk=job.pk)


@editor_only
@require_POST
def issue_delete(request, pk: int):
    issue = Issue.objects.filter(pk=pk).first()
    if issue is None:  # a second click, or another editor was quicker
        messages.info(request, common.GONE)
        return redirect("issue_list")
    label = issues.issue_label(issue)
    try:
        pieces = issues.delete_issue(actor=request.user, issue=issue)
    except common.IssueActionError as error:
        messages.error(request, str(error))
        return redirect("issue_list")
    returned = f"，其中 {len(pieces)} 篇稿件回到待编的已采用稿件" if pieces else ""
    messages.success(request, f"已删除{label}{returned}。")
    return redirect("issue_list")


def _job_status(job: PublishJob) -> dict:
    expected = 300 if job.status == PublishJob.Status.QUEUED else renders.expected_render_ms(job.issue)
    progress = 100 if job.status == PublishJob.Status.DONE else 0
    if job.status == PublishJob.Status.RENDERING and job.started_at:
        elapsed = (timezone.now() - job.started_at).total_seconds() * 1000
        progress = min(95, max(5, round(100 * elapsed / (expected + 300))))

    return {
        "worker_alive": job.is_finished or check_worker()["ok"],
        "status": {"done": "ready"}.get(job.status, job.status),
        "progress": progress,
        "expected_ms": expected,
        "error": job.error,
        # Taken up again by itself after its worker or the database went away.
        "note": job.error if job.resumed and not job.is_finished else "",
        "pdf_url": reverse("issue_publish_job", args=[job.issue_id, job.pk]),
    }


@editor_only
def issue_publish_job(request, pk: int, job_pk: int):
    """刊发中 … until the worker is done: then the archive page, or assembly with the reason."""
    job = get_object_or_404(PublishJob.objects.select_related("issue"), pk=job_pk, issue_id=pk)
    if not job.is_finished and publish_jobs.settle_abandoned_publish_jobs(issue=job.issue):
        job.refresh_from_db()
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_job_status(job))
    correcting = job.kind == PublishJob.Kind.CORRECT
    if correcting and job.status == PublishJob.Status.DONE:
        messages.success(request, "更正版 PDF 已生成；原版本仍保留，编辑可下载。")
        return redirect("archive_issue", pk=job.issue_id)
    if correcting and job.status == PublishJob.Status.FAILED:
        messages.error(request, f"更正未完成，现行版本不变：{job.error}")
        return redirect("archive_issue", pk=job.issue_id)
    if job.status == PublishJob.Status.DONE:
        note = "（沿用已排好的预览 PDF）" if job.reused_preview else ""
        messages.success(request, f"已刊发，PDF 已生成并存档。{note}")
        return redirect("archive_issue", pk=job.issue_id)
    if job.status == PublishJob.Status.FAILED:
        messages.error(request, f"刊发未完成，本期仍在编排中：{job.error}")
        return redirect("issue_assemble", pk=job.issue_id)
    return render(
        request,
        "bulletin/issue_rendering.html",
        {
            "issue": job.issue,
            "purpose": "correct" if correcting else "publish",
            "status": _job_status(job),
            "status_url": reverse("issue_publish_job", args=[job.issue_id, job.pk]),
        },
        status=202,
    )


@editor_only
@require_POST
def issue_correct(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("archive_issue", pk=issue.pk)
    try:
        job = publish_jobs.request_correction(
            actor=request.user,
            issue=issue,
            note=form.cleaned_data["note"],
            expected_pdf_version=form.cleaned_data["pdf_version"],
        )
    except common.CorrectionConflict as error:
        messages.warning(request, str(error))
        # The archive page offers the note again (archive.views.archive_issue): nothing typed is lost.
        request.session[CORRECTION_NOTE_KEY.format(issue.pk)] = form.cleaned_data["note"]
        return redirect("archive_issue", pk=issue.pk)
    except common.IssueActionError as error:
        messages.error(request, str(error))
        return redirect("archive_issue", pk=issue.pk)
    return redirect("issue_publish_job", pk=issue.pk, job_pk=job.pk)
