"""Who may assemble, publish and read issues."""

from django.http import Http404

from accounts.models import Role
from accounts.permissions import has_role, role_required
from bulletin.models import Issue


def can_assemble_issues(user) -> bool:
    return has_role(user, Role.EDITOR)


# The editors' pages: issues, back-issue import, statistics and 报送任务.
editor_only = role_required(can_assemble_issues)


def can_view_issue(user, issue: Issue) -> bool:
    # Unpublished issues are editors' work in progress; everyone signed in reads published ones.
    if issue.is_published:
        return has_role(user, *Role.values)
    return can_assemble_issues(user)


def get_viewable_issue(user, pk: int) -> Issue:
    issue = Issue.objects.select_related("publication").filter(pk=pk).first()
    if issue is None or not can_view_issue(user, issue):
        raise Http404("没有这一期。")
    return issue
