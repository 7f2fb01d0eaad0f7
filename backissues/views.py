"""The editor's back-issue import page: upload or paste the text, review the report, import."""

from django.contrib import messages
from django.shortcuts import redirect, render

from backissues import actions, queries
from backissues.forms import BackIssueForm
from backissues.parsing.parser import NotAnIssueError, decode_issue_bytes, parse_issue_file
from bulletin.actions import common
from bulletin.permissions import editor_only
from intake.uploads import refusal
from submissions.actions import uploads
from submissions.models import UploadRecord
from text.normalize import normalize_block


@editor_only
def back_issue_import(request):
    """Upload a back issue's text, review what the parser found, correct the text, import."""
    form = BackIssueForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and refusal(request):
        form.is_valid()
        form.errors["file"] = form.error_class([refusal(request)])
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = parse_issue_file(data["raw"])
        except NotAnIssueError as error:
            form.add_error(None, str(error))
            return render(request, "backissues/back_issue_import.html", context)
        # The text as the parser read it: same decoding, same normalisation (one door).
        text = normalize_block(decode_issue_bytes(data["raw"]) if data.get("file") else data["text"])
        if request.POST.get("action") == "import" and not result.errors:
            try:
                # What is stored (the issue, its re-rendered PDF) counts against the daily quota.
                uploads.record_upload(
                    actor=request.user, kind=UploadRecord.Kind.BACK_ISSUE, size=len(data["raw"])
                )
                issue, notes = actions.import_back_issue(
                    actor=request.user,
                    result=result,
                    source_name=data["source_name"],
                    replace=data["replace"],
                )
            except (common.IssueActionError, uploads.UploadRefused) as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"已导入{issue.year}年第{issue.number}期(总第{issue.total_number}期)，PDF 已重新排印。",
                )
                for note in notes:
                    messages.warning(request, note)
                return redirect("archive_issue", pk=issue.pk)
        context.update(
            {
                "result": result,
                "clash": queries.back_issue_clash(result.document, replace=data["replace"]),
                "review_form": BackIssueForm(initial={"text": text, "replace": data["replace"]}),
                "source_name": data["source_name"],
                "lines": text.splitlines(),
            }
        )
    return render(request, "backissues/back_issue_import.html", context)
