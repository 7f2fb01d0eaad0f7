"""Pages of the submissions workflow: the unit's desk (报送员) and the review desk (编辑)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import can_use_unit_desk, role_required
from bulletin.forms import InstructionForm  # the review page records 批示 too
from bulletin.paging import page_for_request

from . import actions, permissions, queries
from .forms import (
    AdoptArticleForm,
    BriefForm,
    CommentForm,
    CommissionForm,
    DeclineForm,
    DocxUploadForm,
    PieceForm,
    QueueFilterForm,
    ReturnForm,
)
from .models import Commission, Submission
from .richtext import diff_html, diff_text

unit_desk = role_required(can_use_unit_desk)
review_desk = role_required(permissions.is_editor)

IMPORT_SESSION_KEY = "docx_import"


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _run(request, action, **kwargs):
    """Call an action; a refusal becomes a message on the page, never an error page."""
    try:
        return action(actor=request.user, **kwargs)
    except actions.SubmissionActionError as error:
        messages.error(request, str(error))
        return None


# --- the unit's desk -----------------------------------------------------------


@unit_desk
def unit_home(request):
    unit = request.user.unit
    status = request.GET.get("status", "")
    status = status if status in Submission.Status.values else ""
    return render(
        request,
        "submissions/unit_home.html",
        {
            "unit": unit,
            "page": page_for_request(request, queries.unit_list(unit, status), key="updated_at"),
            "status_counts": queries.status_counts(Submission.objects.filter(unit=unit)),
            "current_status": status,
            "commissions": queries.open_commissions_for_unit(unit),
        },
    )


@unit_desk
def piece_create(request):
    commission = None
    if request.GET.get("commission") or request.POST.get("commission"):
        commission = get_object_or_404(
            Commission,
            pk=request.GET.get("commission") or request.POST.get("commission"),
            units=request.user.unit,
        )
    imported = (
        request.session.get(IMPORT_SESSION_KEY)
        if request.GET.get("from") == "docx" or request.POST.get("from") == "docx"
        else None
    )
    if request.method == "POST":
        form = PieceForm(request.POST)
        if form.is_valid():
            fields = form.text_fields()
            if imported and default_storage.exists(imported["path"]):
                with default_storage.open(imported["path"], "rb") as stored:
                    fields["source_docx"] = ContentFile(stored.read(), name=imported["name"])
            piece = _run(request, actions.create_draft, commission=commission, **fields)
            if piece is not None:
                if imported:
                    default_storage.delete(imported["path"])
                    request.session.pop(IMPORT_SESSION_KEY, None)
                messages.success(request, "草稿已保存。确认无误后请点“报送”。")
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
            initial.update(imported["fields"])
        form = PieceForm(initial=initial)
    return render(
        request,
        "submissions/piece_form.html",
        {"form": form, "commission": commission, "imported": imported, "creating": True},
    )


@unit_desk
def piece_import(request):
    """Upload a .docx; its title and text go into a new draft form for review before saving."""
    form = DocxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = form.cleaned_data["imported"]
        upload = form.cleaned_data["file"]
        upload.seek(0)
        path = default_storage.save(f"docx/pending/{uuid.uuid4().hex}.docx", upload)
        request.session[IMPORT_SESSION_KEY] = {
            "path": path,
            "name": upload.name,
            "fields": {
                "title": result.title,
                "subtitle": result.subtitle,
                "body": result.body_html,
                **_byline_fields(result.byline, request.user.unit.office_name),
            },
            "dropped": result.dropped,
            "warnings": result.warnings,
        }
        return redirect(reverse("piece_create") + "?from=docx")
    return render(request, "submissions/piece_import.html", {"form": form})


def _byline_fields(byline: str, default_org: str) -> dict:
    if not byline:
        return {"byline_org": default_org}
    org, *authors = byline.split()
    return {"byline_org": org, "byline_authors": " ".join(authors)}


@login_required
def piece_detail(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if permissions.is_editor(request.user):
        return redirect("review_detail", pk=pk)
    submitted = queries.last_submitted_revision(piece)
    changed = submitted is not None and any(
        getattr(submitted, name) != getattr(piece, name) for name in ("title", "subtitle", "body")
    )
    return render(
        request,
        "submissions/piece_detail.html",
        {
            "piece": piece,
            "thread": queries.thread(piece),
            "can_edit": permissions.can_edit_as_contributor(request.user, piece),
            "can_submit": piece.status in actions.TRANSITIONS["submit"].sources,
            "can_withdraw": piece.status in actions.TRANSITIONS["withdraw"].sources,
            "comment_form": CommentForm(),
            "editor_changed": changed,
            "title_diff": diff_text(submitted.title, piece.title) if changed else "",
            "body_diff": diff_html(submitted.body, piece.body) if changed else "",
        },
    )


@login_required
def piece_source(request, pk: int):
    """The uploaded Word file, for the unit that sent it and the editors only."""
    piece = permissions.get_visible_submission(request.user, pk)
    if not piece.source_docx:
        raise Http404("这篇稿件没有来源 Word 文件。")
    return FileResponse(piece.source_docx.open("rb"), as_attachment=True, filename=f"{piece.title[:40]}.docx")


@unit_desk
def piece_edit(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if not permissions.can_edit_as_contributor(request.user, piece):
        messages.error(request, f"稿件当前状态为“{piece.get_status_display()}”，不能修改。")
        return redirect("piece_detail", pk=pk)
    form = PieceForm(request.POST or None, instance=piece, initial={"version": piece.version})
    if request.method == "POST" and form.is_valid():
        saved = _save_text(request, piece, form)
        if saved:
            messages.success(
                request, "已保存。" + ("修改完成后请点“重新报送”。" if piece.status == "returned" else "")
            )
            return redirect("piece_detail", pk=pk)
    return render(request, "submissions/piece_form.html", {"form": form, "piece": piece})


def _save_text(request, piece, form) -> bool:
    try:
        actions.save_text(
            actor=request.user,
            submission=piece,
            expected_version=form.cleaned_data.get("version") or 0,
            **form.text_fields(),
        )
    except actions.EditConflict as error:
        form.add_error(None, str(error))
        return False
    except actions.SubmissionActionError as error:
        form.add_error(None, str(error))
        return False
    return True


@unit_desk
@require_POST
def piece_submit(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    was = piece.status
    if _run(request, actions.submit, submission=piece) is not None:
        if was == Submission.Status.SUBMITTED:
            messages.info(request, "这篇稿件已经报送，无需重复提交。")
        else:
            messages.success(request, "已报送，等待研究室审核。")
    return redirect("piece_detail", pk=pk)


@unit_desk
@require_POST
def piece_withdraw(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    if _run(request, actions.withdraw, submission=piece, note=request.POST.get("note", "")) is not None:
        messages.success(request, "稿件已撤回。")
    return redirect("piece_detail", pk=pk)


@login_required
@require_POST
def piece_comment(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    elif _run(request, actions.add_comment, submission=piece, text=form.cleaned_data["text"]) is not None:
        messages.success(request, "留言已发送。")
    target = "review_detail" if permissions.is_editor(request.user) else "piece_detail"
    return redirect(target, pk=pk)


# --- the review desk -----------------------------------------------------------


@review_desk
def review_queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v not in (None, "")}
    pieces = queries.editor_queue(**filters)
    status_counts = queries.status_counts(queries.editor_queue())
    # The per-status counts already give the total unless other filters narrow the list.
    if set(filters) <= {"status"}:
        total = sum(c["count"] for c in status_counts if c["status"] == filters.get("status", c["status"]))
    else:
        total = pieces.count()
    return render(
        request,
        "submissions/review_queue.html",
        {
            "form": form,
            # Keyset paging: the last page costs what the first does (no deep OFFSET).
            "page": page_for_request(request, pieces, key="submitted_at"),
            "total": total,
            "status_counts": status_counts,
        },
    )


@review_desk
def review_detail(request, pk: int):
    piece = permissions.get_visible_submission(request.user, pk)
    can_edit = permissions.can_edit_as_editor(request.user, piece)
    edit_form = (
        PieceForm(request.POST or None, instance=piece, initial={"version": piece.version})
        if can_edit
        else None
    )
    if request.method == "POST" and edit_form is not None:
        if edit_form.is_valid() and _save_text(request, piece, edit_form):
            messages.success(request, "修改已保存，原文已留存，报送单位可查看修改对比。")
            return redirect("review_detail", pk=pk)
    submitted = queries.last_submitted_revision(piece)
    default_brief = piece.brief_text or f"{piece.unit.name}"
    return render(
        request,
        "submissions/review_detail.html",
        {
            "piece": piece,
            "edit_form": edit_form,
            "thread": queries.thread(piece),
            "revisions": queries.revisions(piece),
            "is_pending": piece.status == Submission.Status.SUBMITTED,
            "return_form": ReturnForm(),
            "decline_form": DeclineForm(),
            "article_form": AdoptArticleForm(initial={"section": piece.suggested_section_id}),
            "brief_form": BriefForm(
                initial={
                    "brief_text": default_brief,
                    "brief_byline": piece.brief_byline
                    or " ".join(p for p in (piece.byline_org, piece.byline_authors) if p),
                }
            ),
            "comment_form": CommentForm(),
            "instruction_form": InstructionForm(),
            "body_diff": diff_html(submitted.body, piece.body)
            if submitted and submitted.body != piece.body
            else "",
        },
    )


@review_desk
@require_POST
def review_act(request, pk: int, verb: str):
    piece = permissions.get_visible_submission(request.user, pk)
    forms_by_verb = {
        "return": (ReturnForm, actions.return_for_revision, "已退回修改，已通知报送单位。"),
        "decline": (DeclineForm, actions.decline, "已标记为不采用，已通知报送单位。"),
        "adopt-article": (AdoptArticleForm, actions.adopt_as_article, "已采用为文章，可在组刊页面编入一期。"),
        "adopt-brief": (BriefForm, actions.adopt_as_brief, "已采用为信息摘登。"),
    }
    if verb not in forms_by_verb:
        raise PermissionDenied("未知的操作。")
    form_class, action, done = forms_by_verb[verb]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    elif _run(request, action, submission=piece, **form.cleaned_data) is not None:
        messages.success(request, done)
    return redirect("review_detail", pk=pk)


@review_desk
def commission_list(request):
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commission = _run(request, actions.create_commission, **form.cleaned_data)
        if commission is not None:
            messages.success(request, f"约稿“{commission.topic}”已发给 {commission.units.count()} 个单位。")
            return redirect("commission_list")
    return render(
        request, "submissions/commission_list.html", {"form": form, "commissions": queries.commissions()}
    )


# --- notifications -------------------------------------------------------------


@login_required
def notification_list(request):
    page = page_for_request(request, request.user.notifications.all(), key="created_at")
    actions.mark_notifications_read(actor=request.user)
    return render(request, "submissions/notifications.html", {"notices": page, "page": page})
