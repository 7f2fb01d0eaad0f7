"""The 校对 panels on the pages of the apps below (web.panels slots): the piece's findings on
the review page and the unit's piece page ("piece_checks"), the place of the issue's panel
on the assembly page ("issue_checks"), and the 查重 mark on the rows of the editor's review
queue ("review_queue" row marks)."""

from django.contrib import messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from bulletin.models import Issue
from proofreading import permissions, queries
from submissions.models import Submission

# A correction's result is shown in the 校对 panel it was made in (the page comes back at
# the panel), not at the top of the page: includes/_messages.html leaves these out.
PANEL_MESSAGE = "proofreading"


def panel_messages(request: HttpRequest) -> list:
    """The request's messages meant for the panel (tagged ``PANEL_MESSAGE``)."""
    return [m for m in messages.get_messages(request) if PANEL_MESSAGE in m.extra_tags.split()]


def piece_panel(request: HttpRequest, *, piece: Submission, **context) -> str:
    """Findings on the piece (and 查重 for the editor), with its paragraphs anchored."""
    with_similar = permissions.can_see_similar(request.user)
    report = queries.piece_report(piece, with_similar=with_similar)
    return render_to_string(
        "proofreading/_piece_panel.html",
        {
            "report": report,
            "panel_messages": panel_messages(request),
            "fixes": queries.piece_fixes(report, can_fix=permissions.can_fix(request.user, piece)),
            "with_similar": with_similar,
            "can_dismiss": permissions.can_dismiss(request.user),
            "piece": piece,
        },
        request=request,
    )


def issue_panel(request: HttpRequest, *, issue: Issue, **context) -> str:
    """The place of the issue's 校对 panel on the assembly page: the panel is fetched after
    the page has loaded (checking and 查重 of a whole issue should not hold the page up,
    nor add to its queries), with a link to open it as a page without JavaScript."""
    return render_to_string("proofreading/_issue_panel_slot.html", {"issue": issue}, request=request)


def queue_marks(request: HttpRequest, *, items: list[Submission]) -> dict[int, str]:
    """A red 疑似重复 mark on each queue row whose piece shares most of its text (or most of
    the other's) with a piece printed or in hand, linking to the 查重 list; the warning in
    full as its tooltip. The same few queries for a page of any length; editors only."""
    if not items or not permissions.can_see_similar(request.user):
        return {}
    marks = {}
    for pk, match in queries.similar_warnings(list(items)).items():
        finding = queries.similarity_finding(f"s{pk}", match)
        marks[pk] = format_html(
            '<a href="{}#similar" class="badge text-bg-danger text-decoration-none proof-queue-mark" '
            'title="{}">疑似重复 {}%</a>',
            reverse("review_detail", args=[pk]),
            finding.message,
            match.percent,
        )
    return marks
