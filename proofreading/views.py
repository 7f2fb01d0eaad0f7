"""The one page action of the app: dismiss a finding with a reason. The panels themselves
are template tags (``proofreading/templatetags/proofreading.py``) on the review page, the
contributor's piece page and the assembly page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from bulletin.models import Issue
from submissions.models import Submission

from . import actions, permissions, queries
from .forms import DismissForm


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
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
    submission = get_object_or_404(Submission, pk=data["submission"]) if data.get("submission") else None
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
        actions.dismiss_finding(
            actor=request.user,
            key=finding.key,
            rule=finding.rule,
            message=finding.message,
            excerpt=finding.excerpt,
            reason=data["reason"],
            submission=owner,
            issue=issue if owner is None else None,
        )
    except actions.ProofreadingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已忽略：{finding.message}")
    return _back(request, "review_queue")
