"""What the assessment app shows on the pages of the piece workflow (web.panels slots)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import Unit
from assessment.forms import HigherAdoptionForm, InstructionForm
from assessment.quotas import unit_progress
from submissions.models import Submission


def quota_panel(request: HttpRequest, *, unit: Unit, **context) -> str:
    """The unit desk's 报送任务 card for the current period, or nothing without a quota."""
    progress = unit_progress(unit)
    if progress is None:
        return ""
    return render_to_string("assessment/_quota_progress.html", {"quota": progress}, request=request)


def instructions_panel(request: HttpRequest, *, piece: Submission, **context) -> str:
    """领导批示 of a published piece, with the form that records one."""
    if piece.status != Submission.Status.PUBLISHED:
        return ""
    return render_to_string(
        "assessment/_instructions_panel.html",
        {"piece": piece, "instruction_form": InstructionForm()},
        request=request,
    )


def higher_adoptions_panel(request: HttpRequest, *, piece: Submission, **context) -> str:
    """上级采用 of an adopted or published piece, with the form that records one."""
    if piece.status not in (Submission.Status.ADOPTED, Submission.Status.PUBLISHED):
        return ""
    return render_to_string(
        "assessment/_higher_adoptions_panel.html",
        {"piece": piece, "higher_form": HigherAdoptionForm()},
        request=request,
    )
