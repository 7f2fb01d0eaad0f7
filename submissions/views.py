"""Pages of the submissions workflow: the unit's desk (报送员) and the review desk (编辑)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import permissions as accounts_permissions
from accounts.permissions import can_use_unit_desk, can_view_unit_desk, role_required, unit_has_reviewer
from audit.records import Kind
from audit.records import record as audit_record

# The review page records 批示 and 上级采用; parse_id reads a tampered id as none.
from intake.uploads import refusal
from messaging import queries as messaging_queries
from messaging.models import Channel
from service.health import check_worker
from submissions import permissions, queries
from submissions.actions import comments, commissions, common, import_jobs, notifications, pieces
from submissions.actions.reminders import ReachState
from submissions.forms import (
    AdoptArticleForm,
    BriefForm,
    CommentForm,
    CommissionCancelForm,
    CommissionForm,
    CommissionRemindForm,
    DeclineForm,
    DocxUploadForm,
    PieceForm,
    QueueFilterForm,
    ReopenForm,
    ReturnForm,
    SignoffReturnForm,
    SubmitForm,
    UnadoptForm,
)
from submissions.models import Commission, ImportJob, Submission
from submissions.versions import CURRENT, TextVersion, compare, pick
from web import panels
from web.forms import parse_id
from web.paging import page_for_request

unit_desk = role_required(can_use_unit_desk)
unit_pages = role_required(can_view_unit_desk)  # the unit's writers and its 审核人
signoff_desk = role_required(accounts_permissions.can_sign_off_for_unit)
review_desk = role_required(permissions.is_editor)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _run(request, action, **kwargs):
    """Call an action; a refusal becomes a message on the page, never an error page."""
    try:
        return action(actor=request.user, **kwargs)
    except common.SubmissionActionError as error:
        messages.error(request, str(error))
        return None


# --- the unit's desk -----------------------------------------------------------


@unit_pages
def unit_home(request):
    unit = request.user.unit
    status = request.GET.get("status", "")
    status = status if status in Submission.Status.values else ""
    pieces = queries.for_unit(unit)
    is_reviewer = request.user.is_reviewer
    return render(
        request,
        "submissions/unit_home.html",
        {
            "unit": unit,
            "is_reviewer": is_reviewer,
            # Keyset paging: the last page costs what the first does (no deep OFFSET).
            "page": page_for_request(request, queries.unit_list(unit, status), key="updated_at"),
            "status_counts": queries.status_counts(pieces),
            "current_status": status,
            "commissions": queries.open_commissions_for_unit(unit),
            "awaiting_signoff": list(
                pieces.filter(status=Submission.Status.PENDING_SIGNOFF).order_by("updated_at")
            )
            if is_reviewer
            else [],
            "panels": panels.render("unit_home", request, unit=unit),
            "today": timezone.localdate(),
        },
    )


def _commission_asked_of(request) -> Commission | None:
    """The commission named by `?commission=` (or the posted field) that was sent to the
    user's unit; None when none is named. A value that is not an id, or a commission not
    sent to the unit, is a 404."""
    raw = request.GET.get("commission") or request.POST.get("commission")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404("没有这项约稿。")
    return get_object_or_404(Commission, pk=pk, units=request.user.unit)


class ImportGone(Exception):
    """The import named is no more: saved as a draft already (the back button) or cleaned up."""


def _import_job_asked_for(request) -> ImportJob | None:
    """The finished Word import named by `?job=` (or the posted field), the user's own; None
    when none is named. Anyone else's, or one not read (yet), is a 404 — except when the
    draft is being saved: the typed text is never lost for a job gone meanwhile (cleaned up
    after a day), it is saved without the source file."""
    raw = request.GET.get("job") or request.POST.get("job")
    if not raw:
        return None
    pk = parse_id(raw)
    job = ImportJob.objects.filter(pk=pk).first() if pk else None
    if pk is not None and job is None and request.method != "POST":
        raise ImportGone
    try:
        if job is None:
            raise Http404("没有这个导入任务。")
        job = permissions.get_own_import_job(request.user, pk)
        if job.status != ImportJob.Status.DONE:
            raise Http404("这个文件还没有读取完成。")
    except Http404:
        if request.method != "POST":
            raise
        messages.warning(request, "导入的原 Word 文件已过期或不存在，稿件文字照常保存，但没有附上原文件。")
        return None
    return job


@unit_desk
def piece_create(request):
    commission = _commission_asked_of(request)
    if commission is not None and commission.cancelled_at is not None:
        messages.error(request, f"约稿“{commission.topic}”已撤销，无需再写稿。")
        return redirect("unit_home")
    try:
        job = _import_job_asked_for(request)
    except ImportGone:
        messages.info(
            request,
            "这份导入已保存为草稿（可在本单位稿件中找到），或已过期被清理；如需重新导入，请再次上传。",
        )
        return redirect("piece_import")
    imported = {**job.result, "job": job.pk} if job else None
    if request.method == "POST":
        form = PieceForm(request.POST)
        if form.is_valid():
            fields = form.text_fields()
            if job and job.source_path and default_storage.exists(job.source_path):
                with default_storage.open(job.source_path, "rb") as stored:
                    fields["source_docx"] = ContentFile(
                        stored.read(), name=job.result.get("name", "稿件.docx")
                    )
            piece = _run(request, pieces.create_draft, commission=commission, **fields)
            if piece is not None:
                if job:
                    import_jobs.close_import_job(actor=request.user, job=job)
                messages.success(request, "草稿已保存。确认无误后请点“报送”。")
                _warn(request, form)
                return redirect("piece_detail", pk=piece.pk)
    else:
        initial = {
            "byline_org": request.user.unit.office_name,
            "contact_name": request.user.full_name,
            "contact_phone": request.user.phone,
        }
        if commission:
            initial["title"] = commission.topic
        if imported:
            initial.update(imported.get("fields", {}))
        form = PieceForm(initial=initial)
    return render(
        request,
        "submissions/piece_form.html",
        {"form": form, "commission": commission, "imported": imported, "creating": True},
    )


@unit_desk
def piece_import(request):
    """Upload a Word/WPS file; the task worker reads it, and its title and text go into a
    new draft form for review before saving (the job's page follows the reading). The
    upload and the document as read (a .docx, without macros) wait in docx/pending/ until
    the draft is saved; ``manage.py cleanup_uploads`` removes what is never saved."""
    form = DocxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refusal(request):
        form.is_valid()
        form.errors["file"] = form.error_class([refusal(request)])
    elif request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.request_import(
                actor=request.user,
                name=form.cleaned_data["file"].name,
                data=form.cleaned_data["data"],
                tables_as_rows=bool(form.cleaned_data.get("tables_as_rows")),
            )
        except common.SubmissionActionError as error:
            form.add_error("file", str(error))
        else:
            return redirect("piece_import_job", pk=job.pk)
    return _import_page(request, form)


def _import_page(request, form, *, failed: ImportJob | None = None, status: int = 200):
    return render(
        request,
        "submissions/piece_import.html",
        {"form": form, "failed": failed, "waiting": queries.unfinished_imports(request.user)},
        status=status,
    )


def _import_status(job: ImportJob) -> dict:
    """What the 读取中 page shows, and its JSON: status, label, detail, error, url."""
    detail = ""
    if job.status == ImportJob.Status.QUEUED:
        ahead = queries.imports_ahead(job)
        detail = f"前面还有 {ahead} 个文件等待读取。" if ahead else "即将开始读取。"
        if not check_worker()["ok"]:
            detail = "后台处理进程没有运行，文件读取前请联系管理员（manage.py run_worker）。"
    elif job.status == ImportJob.Status.RUNNING:
        detail = "正在读取，.doc、.wps、.rtf、.odt 文件需先转换，一般需要几秒钟。"
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "detail": detail,
        "error": job.error,
        # The job's own page: it forwards to the draft form when the reading is done.
        "url": reverse("piece_import_job", args=[job.pk]),
    }


@unit_desk
def piece_import_job(request, pk: int):
    """读取中 … until the worker is done: then the draft form; on failure the reason and the
    upload form. Only the person who uploaded the file sees it."""
    job = permissions.get_own_import_job(request.user, pk)
    if import_jobs.is_stale(job) and import_jobs.settle_stale_import_jobs(owner=request.user):
        job.refresh_from_db()
    if job.status == ImportJob.Status.DONE:
        if job.result.get("notice"):
            messages.success(request, job.result["notice"])
        return redirect(reverse("piece_create") + f"?job={job.pk}")
    if job.status == ImportJob.Status.FAILED:
        return _import_page(request, DocxUploadForm(), failed=job)
    return render(
        request,
        "submissions/piece_import_job.html",
        {"job": job, "status": _import_status(job)},
        status=202,
    )


@unit_desk
def piece_import_status(request, pk: int):
    """JSON for the 读取中 page (see _import_status)."""
    job = permissions.get_own_import_job(request.user, pk)
    if import_jobs.is_stale(job) and import_jobs.settle_stale_import_jobs(owner=request.user):
        job.refresh_from_db()
    response = JsonResponse(_import_status(job))
    response["Cache-Control"] = "no-store"
    return response


@unit_desk
@require_POST
def piece_import_struck(request):
    """The contributor's choice of struck-through passages to keep: the waiting document is
    read again (by the worker) with those taken in, the others out, and the draft form then
    shows the new title and body. Passages not offered (a tampered index) are ignored."""
    pk = parse_id(request.POST.get("job", ""))
    job = ImportJob.objects.filter(pk=pk, owner_id=request.user.pk).first() if pk else None
    chosen = request.POST.getlist("keep")
    keep = {int(v) for v in chosen if v.isascii() and v.isdecimal() and len(v) < 6}
    try:
        if job is None:
            raise common.SubmissionActionError("导入的文件已过期，请重新上传。")
        job = import_jobs.reread_import(actor=request.user, job=job, keep=keep)
    except common.SubmissionActionError as error:
        messages.error(request, str(error))
        return redirect("piece_import")
    return redirect("piece_import_job", pk=job.pk)


def _warn(request, form) -> None:
    for notice in getattr(form, "notices", []):
        messages.warning(request, notice)


@login_required
def piece_detail(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if permissions.is_editor(request.user):
        return redirect("review_detail", pk=pk)
    return _piece_page(request, piece)


def _piece_page(request, piece, *, submit_form: SubmitForm | None = None):
    """The unit's page of a piece. `submit_form` is a 报送 form refused with what was typed
    (the 签发人 stays in the field)."""
    is_writer = permissions.is_own_unit(request.user, piece)
    change = queries.editor_change(piece)
    needs_signer = not unit_has_reviewer(piece.unit_id)
    can_submit = is_writer and piece.status in pieces.TRANSITIONS["submit"].sources
    if piece.status == Submission.Status.PENDING_SIGNOFF and not needs_signer:
        can_submit = False  # waiting for the unit's 审核人
    can_edit = permissions.can_edit_as_contributor(request.user, piece)
    return render(
        request,
        "submissions/piece_detail.html",
        {
            "piece": piece,
            # The 校对 findings help while the unit can still change or send the piece.
            "check_panels": panels.render("piece_checks", request, piece=piece)
            if can_edit or can_submit
            else [],
            "thread": queries.thread(piece),
            "can_edit": can_edit,
            "can_submit": can_submit,
            "needs_signer": needs_signer,
            "submit_form": submit_form
            or SubmitForm(initial={"signer_name": piece.signer_name or queries.last_signer_name(piece.unit)}),
            "can_withdraw": is_writer and piece.status in pieces.TRANSITIONS["withdraw"].sources,
            "can_delete": is_writer and pieces.can_delete_draft(piece),
            "can_restore": is_writer and piece.status in pieces.TRANSITIONS["restore"].sources,
            "can_sign_off": permissions.is_unit_reviewer(request.user, piece)
            and piece.status in pieces.TRANSITIONS["sign_off"].sources,
            "signoff_return_form": SignoffReturnForm(),
            "comment_form": CommentForm(),
            "editor_change": change,
            "editor_diff": [f for f in compare(*change) if f.changed] if change else [],
        },
    )


@login_required
def piece_versions(request, pk: int):
    """Every kept version of a piece: open one (?show=), compare two (?a=&b=)."""
    piece = permissions.get_visible_submission(request.user, pk)
    versions = queries.versions_of(piece)
    shown = pick(versions, request.GET.get("show"))
    older = pick(versions, request.GET.get("a")) or (versions[1] if len(versions) > 1 else None)
    newer = pick(versions, request.GET.get("b")) or versions[0]
    return render(
        request,
        "submissions/piece_versions.html",
        {
            "piece": piece,
            "versions": versions,
            "shown": shown,
            "older": older,
            "newer": newer,
            "fields": compare(older, newer) if older and not shown else [],
            "back": "review_detail" if permissions.is_editor(request.user) else "piece_detail",
            "current_key": CURRENT,
        },
    )


@login_required
def piece_source(request, pk: int):
    """The uploaded Word file, for the unit that sent it and the editors only."""
    piece = permissions.get_visible_submission(request.user, pk)
    if not piece.source_docx:
        raise Http404("这篇稿件没有来源 Word 文件。")
    audit_record(Kind.FILE_DOWNLOADED, actor=request.user, obj=piece, message="下载来源 Word 文件")
    return FileResponse(piece.source_docx.open("rb"), as_attachment=True, filename=f"{piece.title[:40]}.docx")


@unit_desk
def piece_edit(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if not permissions.can_edit_as_contributor(request.user, piece):
        messages.error(request, f"稿件当前状态为“{piece.get_status_display()}”，不能修改。")
        return redirect("piece_detail", pk=pk)
    form = PieceForm(request.POST or None, instance=piece, initial={"version": piece.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, form, conflict = _save_text(request, piece, form)
        if saved:
            messages.success(
                request, "已保存。" + ("修改完成后请点“重新报送”。" if piece.status == "returned" else "")
            )
            _warn(request, form)
            return redirect("piece_detail", pk=pk)
    return render(
        request, "submissions/piece_form.html", {"form": form, "piece": piece, "conflict": conflict}
    )


def _save_text(request, piece, form):
    """Save the form's text. Returns (saved, form, conflict): after a refused conflicting
    save the form is a fresh one holding the current text, and conflict the refused text
    (a TextVersion) to show beside it."""
    try:
        pieces.save_text(
            actor=request.user,
            submission=piece,
            expected_version=form.cleaned_data.get("version") or 0,
            **form.text_fields(),
        )
    except common.EditConflict as error:
        current = Submission.objects.get(pk=piece.pk)
        fresh = PieceForm(instance=current, initial={"version": current.version})
        fresh.cleaned_data = {}  # unbound: add_error needs somewhere to look
        fresh.add_error(None, str(error))
        refused = (
            TextVersion.of_revision(error.revision, against=TextVersion.of_piece(current))
            if error.revision
            else None
        )
        return False, fresh, refused
    except common.SubmissionActionError as error:
        form.add_error(None, str(error))
        return False, form, None
    return True, form, None


@unit_desk
@require_POST
def piece_submit(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    was = piece.status
    form = SubmitForm(request.POST)
    if not form.is_valid():
        # Shown again with what was typed, so the 签发人 need not be typed twice.
        messages.error(request, _errors(form))
        return _piece_page(request, piece, submit_form=form)
    done = _run(request, pieces.submit, submission=piece, signer_name=form.cleaned_data["signer_name"])
    if done is None:
        return _piece_page(request, permissions.get_visible_submission(request.user, pk), submit_form=form)
    if was == done.status:
        messages.info(request, "这篇稿件已经报送，无需重复提交。")
    elif done.status == Submission.Status.PENDING_SIGNOFF:
        messages.success(request, "已提交本单位审核人审签，签发后报送研究室。")
    else:
        messages.success(request, "已报送，等待研究室审核。")
    return redirect("piece_detail", pk=pk)


@signoff_desk
@require_POST
def piece_sign_off(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if _run(request, pieces.sign_off, submission=piece) is not None:
        messages.success(request, "已签发，稿件已报送研究室。")
    return redirect("piece_detail", pk=pk)


@signoff_desk
@require_POST
def piece_signoff_return(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    form = SignoffReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    elif (
        _run(request, pieces.return_from_signoff, submission=piece, note=form.cleaned_data["note"])
        is not None
    ):
        messages.success(request, "已退回撰稿人修改。")
    return redirect("piece_detail", pk=pk)


@unit_desk
@require_POST
def piece_withdraw(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if _run(request, pieces.withdraw, submission=piece, note=request.POST.get("note", "")) is not None:
        messages.success(request, "稿件已撤回。")
    return redirect("piece_detail", pk=pk)


@unit_desk
@require_POST
def piece_delete(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if _run(request, pieces.delete_draft, submission=piece) is None:
        return redirect("piece_detail", pk=pk)
    messages.success(request, f"草稿《{piece.title}》已删除。")
    return redirect("unit_home")


@unit_desk
@require_POST
def piece_restore(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if _run(request, pieces.restore_withdrawn, submission=piece) is not None:
        messages.success(request, "稿件已恢复为草稿，可修改后重新报送。")
    return redirect("piece_detail", pk=pk)


@login_required
@require_POST
def piece_comment(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    elif _run(request, comments.add_comment, submission=piece, text=form.cleaned_data["text"]) is not None:
        messages.success(request, "留言已发送。")
    target = "review_detail" if permissions.is_editor(request.user) else "piece_detail"
    return redirect(target, pk=pk)


# --- the review desk -----------------------------------------------------------


@review_desk
def review_queue(request):
    form = QueueFilterForm(request.GET or {"status": QueueFilterForm.PENDING})
    form.is_valid()  # a malformed filter is marked in the form; the valid ones still apply
    filters = {"status": QueueFilterForm.PENDING, **form.cleaned_data}
    filters = {k: v for k, v in filters.items() if v not in (None, "")}
    pieces = queries.editor_queue(**filters)
    status_counts = queries.status_counts(queries.editor_queue(status="all"))
    pending = filters.get("status") == QueueFilterForm.PENDING
    # The per-status counts already give the total unless other filters narrow the list.
    if set(filters) <= {"status"} and filters.get("status") != QueueFilterForm.ALL:
        shown = "submitted" if pending else filters.get("status")
        total = sum(c["count"] for c in status_counts if c["status"] == shown)
    else:
        total = pieces.count()
    # Keyset paging: the last page costs what the first does (no deep OFFSET); 待处理 lists
    # the longest waiting first.
    page = page_for_request(request, pieces, key="submitted_at", oldest_first=pending)
    # Marks the apps above put on a row (查重: a likely copy), read for the page at once.
    marks = panels.row_marks("review_queue", request, page.items)
    return render(
        request,
        "submissions/review_queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(piece, marks.get(piece.pk, [])) for piece in page.items],
            "total": total,
            "status_counts": status_counts,
            # 待处理 is the 已报送 pieces: its tile is the one lit.
            "current_status": "submitted"
            if filters.get("status") == QueueFilterForm.PENDING
            else filters.get("status", ""),
        },
    )


# The review page's action forms: verb (in the URL) → (form, action, done message).
REVIEW_VERBS = {
    "adopt-article": (AdoptArticleForm, pieces.adopt_as_article, "已采用为文章，可在组刊页面编入一期。"),
    "adopt-brief": (BriefForm, pieces.adopt_as_brief, "已采用为信息摘登。"),
    "return": (ReturnForm, pieces.return_for_revision, "已退回修改，已通知报送单位。"),
    "decline": (DeclineForm, pieces.decline, "已标记为不采用，已通知报送单位。"),
    "unadopt": (UnadoptForm, pieces.unadopt, "已撤销采用，稿件回到“已报送”，已通知报送单位。"),
    "reopen": (ReopenForm, pieces.reopen, "稿件已重新进入审核（已报送），已通知报送单位。"),
}


def _verbs_on_page(piece) -> set[str]:
    """The action forms the review page shows for the piece's current state."""
    S = Submission.Status
    if piece.status == S.SUBMITTED:
        return {"adopt-article", "adopt-brief", "return", "decline"}
    if piece.status == S.ADOPTED and not hasattr(piece, "placement"):
        return {"unadopt"}  # a placed piece is taken out of its issue first
    if piece.status == S.DECLINED:
        return {"reopen"}
    return set()


def _review_page(request, piece, *, edit_form=None, conflict=None, bound=None, verb="adopt-article"):
    """The review page. `bound` is a form sent with an error: it comes back as it was
    sent, on the tab (`verb`) it was sent from."""
    can_edit = permissions.can_edit_as_editor(request.user, piece)
    if edit_form is None and can_edit:
        edit_form = PieceForm(instance=piece, initial={"version": piece.version})
    default_brief = piece.brief_text or f"{piece.unit.name}"
    forms_by_verb = {
        "adopt-article": AdoptArticleForm(initial={"section": piece.suggested_section_id}),
        "adopt-brief": BriefForm(
            initial={
                "brief_text": default_brief,
                "brief_byline": piece.brief_byline
                or " ".join(p for p in (piece.byline_org, piece.byline_authors) if p),
            }
        ),
        "return": ReturnForm(),
        "decline": DeclineForm(),
        "unadopt": UnadoptForm(),
        "reopen": ReopenForm(),
    }
    if bound is not None:
        forms_by_verb[verb] = bound
    shown = _verbs_on_page(piece)
    submitted = queries.last_submitted_revision(piece)
    returned = queries.text_when_returned(piece)
    current = TextVersion.of_piece(piece)
    since_return = (
        [f for f in compare(returned, current) if f.changed]
        if returned and piece.status == Submission.Status.SUBMITTED
        else []
    )
    since_submitted = (
        [f for f in compare(TextVersion.of_revision(submitted), current) if f.changed] if submitted else []
    )
    return render(
        request,
        "submissions/review_detail.html",
        {
            "piece": piece,
            "edit_form": edit_form,
            "conflict": conflict,
            "thread": queries.thread(piece),
            "revisions": queries.revisions(piece),
            "is_pending": "adopt-article" in shown,
            "can_unadopt": "unadopt" in shown,
            "can_reopen": "reopen" in shown,
            "active_verb": verb,
            "article_form": forms_by_verb["adopt-article"],
            "brief_form": forms_by_verb["adopt-brief"],
            "return_form": forms_by_verb["return"],
            "decline_form": forms_by_verb["decline"],
            "unadopt_form": forms_by_verb["unadopt"],
            "reopen_form": forms_by_verb["reopen"],
            "comment_form": CommentForm(),
            "side_panels": panels.render("review_side", request, piece=piece),
            "check_panels": panels.render("piece_checks", request, piece=piece),
            "since_return": since_return,
            "returned_version": returned,
            "since_submitted": since_submitted,
            # Who the last 退回修改 notice reached, by which channel, and whether it arrived.
            "return_notice": queries.last_notice(f"piece:{piece.pk}:returned:"),
        },
    )


@review_desk
def review_detail(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if request.method == "POST" and permissions.can_edit_as_editor(request.user, piece):
        edit_form = PieceForm(request.POST, instance=piece, initial={"version": piece.version})
        conflict = None
        if edit_form.is_valid():
            saved, edit_form, conflict = _save_text(request, piece, edit_form)
            if saved:
                messages.success(request, "修改已保存，原文已留存，报送单位可查看修改对比。")
                _warn(request, edit_form)
                return redirect("review_detail", pk=pk)
            piece = permissions.get_visible_submission(request.user, pk)
        return _review_page(request, piece, edit_form=edit_form, conflict=conflict)
    return _review_page(request, piece)


@review_desk
@require_POST
def review_act(request, pk: int, verb: str):
    piece = permissions.get_visible_submission(request.user, pk)
    if verb not in REVIEW_VERBS:
        raise PermissionDenied("未知的操作。")
    form_class, action, done = REVIEW_VERBS[verb]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(actor=request.user, submission=piece, **form.cleaned_data)
        except common.SubmissionActionError as error:
            piece = permissions.get_visible_submission(request.user, pk)
            if verb in _verbs_on_page(piece):
                form.add_error(None, str(error))  # shown in the form, on its tab
            else:
                messages.error(request, str(error))  # the form is not on the page in this state
        else:
            messages.success(request, done)
            return redirect("review_detail", pk=pk)
    piece = permissions.get_visible_submission(request.user, pk)
    return _review_page(request, piece, bound=form, verb=verb)


def _warn_of_units_nobody_reaches(request, commission: Commission) -> None:
    """Name the units of a 约稿 its notice could not reach (no account, no contact on a channel
    that is open), so a unit is not left waiting for a notice it never got."""
    unit_ids = set(commission.units.values_list("pk", flat=True))
    names = [
        row.unit.short_name
        for row in messaging_queries.unit_contact_table()
        if row.unit.pk in unit_ids and not row.reachable
    ]
    if names:
        messages.warning(
            request,
            f"{'、'.join(names)}无法送达：既没有报送员账号，也没有可用的联系方式。"
            "请在“单位联系人”中登记后再催报，或电话告知。",
        )


@review_desk
def commission_list(request):
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commission = _run(request, commissions.create_commission, **form.cleaned_data)
        if commission is not None:
            messages.success(request, f"约稿“{commission.topic}”已发给 {commission.units.count()} 个单位。")
            _warn_of_units_nobody_reaches(request, commission)
            return redirect("commission_list")
    return render(
        request,
        "submissions/commission_list.html",
        {"form": form, "commissions": queries.commissions(), "today": timezone.localdate()},
    )


@review_desk
def commission_detail(request, pk: int):
    """One commission: per unit 待报 / 已报 / 逾期 with the answering pieces; edit, cancel, 催报."""
    commission = get_object_or_404(Commission, pk=pk)
    form = CommissionForm(
        request.POST or None,
        initial={
            "topic": commission.topic,
            "requirements": commission.requirements,
            "deadline": commission.deadline,
            "units": list(commission.units.values_list("pk", flat=True)),
        },
        keep_deadline=commission.deadline,
    )
    if request.method == "POST" and form.is_valid():
        if (
            _run(request, commissions.update_commission, commission=commission, **form.cleaned_data)
            is not None
        ):
            messages.success(request, "约稿已修改，已通知相关单位。")
            _warn_of_units_nobody_reaches(request, commission)
            return redirect("commission_detail", pk=pk)
    rows = queries.commission_table(commission)
    return render(
        request,
        "submissions/commission_detail.html",
        {
            "commission": commission,
            "rows": rows,
            "form": form,
            "cancel_form": CommissionCancelForm(),
            "pending_count": sum(1 for row in rows if not row.answered),
            "contact_channel_labels": "、".join(
                dict(Channel.choices)[name] for name in messaging_queries.contact_channels()
            ),
            # The 催报 just sent, unit by unit (the view that sent it left them as messages).
            "reach_messages": [
                m for m in messages.get_messages(request) if "reach-result" in m.extra_tags.split()
            ],
        },
    )


@review_desk
@require_POST
def commission_cancel(request, pk: int):
    commission = get_object_or_404(Commission, pk=pk)
    form = CommissionCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    elif _run(request, commissions.cancel_commission, commission=commission, note=form.cleaned_data["note"]):
        messages.success(request, "约稿已撤销，已通知约稿单位。")
    return redirect("commission_detail", pk=pk)


@review_desk
@require_POST
def commission_remind(request, pk: int):
    """催报 one unit (`unit` posted) or every unit that has not answered."""
    commission = get_object_or_404(Commission, pk=pk)
    form = CommissionRemindForm(request.POST, commission=commission)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("commission_detail", pk=pk)
    units = [form.cleaned_data["unit"]] if form.cleaned_data["unit"] else None
    results = _run(request, commissions.remind_commission, commission=commission, units=units)
    for result in results or ():
        level = {ReachState.SENT: messages.SUCCESS, ReachState.ALREADY: messages.INFO}.get(
            result.state, messages.WARNING
        )
        messages.add_message(
            request, level, f"{result.unit.short_name}：{result.label}", extra_tags="reach-result"
        )
    return redirect("commission_detail", pk=pk)


# --- notifications -------------------------------------------------------------


@login_required
def notification_list(request):
    """The list only reads: marking read is a POST (全部标为已读, or opening one)."""
    page = page_for_request(request, request.user.notifications.all(), key="created_at")
    return render(request, "submissions/notifications.html", {"notices": page, "page": page})


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.mark_notifications_read(actor=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notification_list")


@login_required
@require_POST
def notification_open(request, pk: int):
    """Open one notification: marked read, then on to the page it names (a path on this site)."""
    notice = notifications.mark_notification_read(actor=request.user, notification_id=pk)
    if notice is None:
        raise Http404("没有这条通知。")
    target = notice.link
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notification_list")
    return redirect(target)
