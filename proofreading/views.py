"""The app's views: the issue's 校对 panel (fetched by the assembly page after it has
loaded, or opened as a page of its own), dismissing a finding with a reason, and applying
a finding's suggestion (one, or all of its kind in the piece). The piece panel is a page panel (``proofreading/panels.py``, web.panels slot "piece_checks") on the review page
and the contributor's piece page."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import role_required
from bulletin.models import Issue
from proofreading import permissions, queries
from proofreading.actions import corrections
from proofreading.actions.common import ProofreadingError
from proofreading.actions.dismissals import dismiss_finding
from proofreading.forms import DismissForm, FixForm
from proofreading.panels import PANEL_MESSAGE, panel_messages
from submissions.permissions import get_visible_submission


@role_required(permissions.can_dismiss)
@require_GET
def issue_panel(request, pk: int):
    """The issue's 校对 panel: ``?fragment=1`` gives the panel alone (the assembly page
    puts it in place; dismissing returns there), otherwise a page with it."""
    issue = get_object_or_404(Issue.objects.select_related("publication"), pk=pk)
    fragment = bool(request.GET.get("fragment"))
    report = queries.issue_report(issue)
    context = {
        "report": report,
        "pieces": list(zip(report.pieces, queries.issue_fixes(report), strict=True)),
        "issue": issue,
        "fragment": fragment,
        "panel_messages": panel_messages(request),
        "can_dismiss": permissions.can_dismiss(request.user),
        "back": reverse("issue_assemble", args=[issue.pk]) + "#proofreading"
        if fragment
        else reverse("proofreading_issue_panel", args=[issue.pk]),
    }
    template = "proofreading/_issue_panel.html" if fragment else "proofreading/issue_panel_page.html"
    return render(request, template, context)


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        # A URL, never a view name: redirect("abc") would look "abc" up as one and fail.
        return HttpResponseRedirect(target)
    return redirect(fallback)


@role_required(permissions.can_dismiss)
@require_POST
def dismiss(request):
    form = DismissForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, "review_queue")
    data = form.cleaned_data
    issue = get_object_or_404(Issue, pk=data["issue"]) if data.get("issue") else None
    # The piece as its reader sees it: one the editor may not open does not exist here either.
    submission = get_visible_submission(request.user, data["submission"]) if data.get("submission") else None
    # The finding is looked up again on the server: only a finding that is there now can
    # be dismissed, with the message the check gives (never text from the form).
    shown, owner = None, None
    if issue is not None:
        report = queries.issue_report(issue)
        for item in report.issue_findings:
            if item.finding.key == data["key"]:
                shown, owner = item, None
        for piece in report.pieces:
            for item in piece.findings:
                if item.finding.key == data["key"] and (
                    submission is None or piece.piece.submission_id == submission.pk
                ):
                    shown, owner = item, piece.submission
    elif submission is not None:
        report = queries.piece_report(submission, with_similar=True)
        shown = next((item for item in report.findings if item.finding.key == data["key"]), None)
        owner = submission
    if shown is None:
        messages.error(request, "这条校对提示已不存在（稿件或本期可能已修改），请刷新页面。")
        return _back(request, "review_queue")
    finding = shown.finding
    try:
        dismiss_finding(
            actor=request.user,
            key=finding.key,
            rule=finding.rule,
            message=finding.message,
            excerpt=finding.excerpt,
            reason=data["reason"],
            submission=owner,
            issue=issue if owner is None else None,
        )
    except ProofreadingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已忽略：{finding.message}")
    return _back(request, "review_queue")


@role_required(permissions.can_dismiss)
@require_POST
def fix(request):
    """Apply a finding's suggestion (``key``) or all of a rule's (``rule``) to the piece, on
    the version the page showed; back to the page (or to the issue panel's fragment, which
    shows the message)."""
    form = FixForm(request.POST)
    if not form.is_valid():
        # Shown in the panel the form came from; without one to go back to, at the page's top.
        tags = PANEL_MESSAGE if request.POST.get("next") else ""
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error, extra_tags=tags)
        return _back(request, "review_queue")
    data = form.cleaned_data
    submission = get_visible_submission(request.user, data["submission"])
    try:
        if data["key"]:
            done = corrections.apply_finding(
                actor=request.user, submission=submission, key=data["key"], expected_version=data["version"]
            )
        else:
            done = corrections.apply_kind(
                actor=request.user, submission=submission, rule=data["rule"], expected_version=data["version"]
            )
    except ProofreadingError as error:
        messages.error(request, str(error), extra_tags=PANEL_MESSAGE)
    else:
        text = f"已改正：{done.note.removeprefix('校对改正：')}；稿件现为第 {done.submission.version} 版，可在版本记录中对比。"
        if done.left:
            reasons = "、".join(dict.fromkeys(reason for _, reason in done.left))
            text += f"另有 {len(done.left)} 处{reasons}，没有改，请在编辑框中修改。"
        messages.success(request, text, extra_tags=PANEL_MESSAGE)
    return _back(request, reverse("review_detail", args=[submission.pk]) + "#proofreading")
