from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.models import Role
from accounts.permissions import can_use_editor_desk, role_required
from bulletin import queries
from submissions import queries as submission_queries

# Where each role starts after signing in.
ROLE_HOME = {
    Role.CONTRIBUTOR: "unit_home",
    Role.REVIEWER: "unit_home",
    Role.EDITOR: "editor_home",
    Role.READER: "archive",
    Role.ADMIN: "admin:index",
    Role.AUDITOR: "admin:audit_auditentry_changelist",
}


@login_required
def home(request):
    return redirect(ROLE_HOME.get(request.user.role, "archive"))


@role_required(can_use_editor_desk)
def editor_home(request):
    return render(
        request,
        "bulletin/editor_home.html",
        {
            "status_counts": submission_queries.status_counts(submission_queries.editor_queue(status="all")),
            "awaiting": submission_queries.awaiting_review()[:10],
            "drafts": queries.issues_for_editor().filter(status="draft"),
            "unplaced_count": queries.unplaced_adopted_pieces().count(),
        },
    )
