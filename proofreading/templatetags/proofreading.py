"""The 校对 panels as template tags, so the pages that show them (review, the
contributor's piece page, assembly) need one line each and no change to their views."""

from django import template

from proofreading import permissions, queries
from submissions.models import Submission

register = template.Library()


@register.inclusion_tag("proofreading/_piece_panel.html", takes_context=True)
def piece_checks(context, piece: Submission):
    """Findings on the piece (and 查重 for the editor), with its paragraphs anchored."""
    user = context["request"].user
    with_similar = permissions.can_see_similar(user)
    return {
        "report": queries.piece_report(piece, with_similar=with_similar),
        "with_similar": with_similar,
        "can_dismiss": permissions.can_dismiss(user),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "piece": piece,
    }


@register.inclusion_tag("proofreading/_issue_panel_slot.html")
def issue_checks(issue):
    """The place of the issue's 校对 panel on the assembly page: the panel is fetched after
    the page has loaded (checking and 查重 of a whole issue should not hold the page up,
    nor add to its queries), with a link to open it as a page without JavaScript."""
    return {"issue": issue}
