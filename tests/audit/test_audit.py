"""The audit log: one row for each listed event, append-only, read by the 审计员 only."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.actions import change_role, create_account
from accounts.models import Role, Unit
from assessment.actions.instructions import record_instruction
from audit.models import AppendOnlyError, AuditEntry
from audit.records import record
from bulletin.actions.issues import create_issue, update_issue
from bulletin.actions.placements import arrange_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Publication
from bulletin.queries import current_layout
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="shenji", full_name="审计员甲")


def kinds():
    return list(AuditEntry.objects.order_by("id").values_list("kind", flat=True))


def test_rows_cannot_be_changed_or_deleted(editor):
    entry = record("issue_created", actor=editor, message="x")
    entry.message = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(message="y")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).message == "x"


def test_account_and_role_changes_are_recorded(admin_account):
    user = create_account(
        actor=admin_account, username="laowang", password="Bright-Moon-2026!", role=Role.READER
    )
    change_role(
        actor=admin_account, user=user, role=Role.CONTRIBUTOR, unit=Unit.objects.get(short_name="西湖区")
    )
    created, changed = AuditEntry.objects.filter(object_id=str(user.pk)).order_by("id")
    assert (created.kind, created.actor, created.after["role"]) == (
        "account_created",
        admin_account,
        "reader",
    )
    assert changed.kind == "role_changed"
    assert changed.before == {"role": "reader", "unit": None, "is_active": True}
    assert changed.after == {"role": "contributor", "unit": "西湖区", "is_active": True}


def test_issue_events_are_recorded(editor, contributor):
    publication = Publication.objects.get()
    today = timezone.localdate()
    issue = create_issue(actor=editor, publication=publication, date=today, number=1, total_number=704)
    update_issue(actor=editor, issue=issue, editor_name="李编辑")
    a = adopted_piece(editor, contributor, "第一篇")
    b = adopted_piece(editor, contributor, "第二篇")
    place(editor, issue, a, "助力攻坚")
    place(editor, issue, b, "助力攻坚")
    issue.refresh_from_db()
    layout = current_layout(issue)
    layout = {section: list(reversed(ids)) for section, ids in layout.items()}
    arrange_issue(actor=editor, issue=issue, layout=layout, expected_version=issue.layout_version)
    publish_issue(actor=editor, issue=issue)
    a.refresh_from_db()
    edit_piece_as_editor(editor, a, title="第一篇（改）")
    correct_issue(actor=editor, issue=issue, note="更正标题")
    a.refresh_from_db()
    record_instruction(actor=editor, submission=a, leader="王某", level="municipal", date=today)
    issue_rows = AuditEntry.objects.filter(object_type="bulletin.issue", object_id=str(issue.pk)).order_by(
        "id"
    )
    assert [r.kind for r in issue_rows] == [
        "issue_created",
        "issue_settings",
        "layout_changed",
        "layout_changed",
        "layout_changed",
        "issue_published",
        "issue_corrected",
    ]
    settings_row = issue_rows[1]
    assert settings_row.before == {"editor_name": "杨青青"} and settings_row.after == {
        "editor_name": "李编辑"
    }
    assert issue_rows[6].message == "更正标题" and issue_rows[6].after["pdf_version"] == 2
    pieces = AuditEntry.objects.filter(kind="piece_transition", object_id=str(a.pk)).order_by("id")
    assert [r.after["status"] for r in pieces] == ["submitted", "adopted", "published"]
    assert "instruction_recorded" in kinds()


def test_statistics_export_is_recorded(client_for, editor):
    client = client_for(editor)
    response = client.get(reverse("stats_export", args=["xlsx"]) + "?kind=year&year=2024")
    assert response.status_code == 200
    row = AuditEntry.objects.get(kind="stats_exported")
    assert row.actor == editor and "2024" in row.object_label and row.address == "127.0.0.1"


def test_admin_changes_are_recorded(admin_account):
    client = Client()
    client.force_login(admin_account)
    unit = Unit.objects.get(short_name="西湖区")
    response = client.get(reverse("admin:accounts_unit_change", args=[unit.pk]))
    assert response.status_code == 200
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "office_name": "西湖区人大常委会办公室（新）",
        "position": unit.position,
        "active": "on",
    }
    assert client.post(reverse("admin:accounts_unit_change", args=[unit.pk]), data).status_code == 302
    row = AuditEntry.objects.get(kind="admin_change")
    assert row.actor == admin_account and row.object_type == "accounts.unit" and row.object_id == str(unit.pk)
    assert "署名单位" in row.message


def test_only_the_auditor_reads_the_log(admin_account, auditor, editor):
    entry = record("issue_created", actor=editor, message="一行")
    admin = Client()
    admin.force_login(admin_account)
    assert admin.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
    assert "审计日志" not in admin.get(reverse("admin:index")).content.decode()
    reader = Client()
    reader.force_login(auditor)
    page = reader.get(reverse("admin:audit_auditentry_changelist"))
    assert page.status_code == 200 and "一行" in page.content.decode()
    # The auditor sees nothing else in the admin, and changes nothing in the log.
    assert reader.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert (
        reader.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert reader.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # Home for the auditor is the log.
    assert reader.get(reverse("home"))["Location"] == reverse("admin:audit_auditentry_changelist")


def test_filters_and_xlsx_export(auditor, editor, reader):
    record("login", actor=reader, message="早")
    AuditEntry.objects.create(  # rows are never changed: an old one is made as old
        kind="login", actor=reader, actor_name="duzhe", at=timezone.now() - datetime.timedelta(days=40)
    )
    record("issue_created", actor=editor, message="新")
    client = Client()
    client.force_login(auditor)
    url = reverse("admin:audit_auditentry_changelist")
    by_kind = client.get(url, {"kind__exact": "issue_created"}).content.decode()
    assert "新" in by_kind and "早" not in by_kind
    by_person = client.get(url, {"actor__id__exact": editor.pk}).content.decode()
    assert "新" in by_person and "早" not in by_person
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    recent = client.get(url, {"at__gte": since})
    assert recent.status_code == 200 and "1 条审计日志" not in recent.content.decode()
    export = client.get(reverse("admin:audit_auditentry_export"), {"kind__exact": "login"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("时间", "账号", "地址", "事件")
    logins = AuditEntry.objects.filter(kind="login").count()  # the auditor's own login is one
    assert len(rows) == 2 + logins and all(r[3] == "登录" for r in rows[2:])
    assert AuditEntry.objects.filter(kind="audit_exported", actor=auditor).exists()
    assert client.get(reverse("admin:audit_auditentry_export")).status_code == 200
    admin_like = Client()
    admin_like.force_login(editor)
    assert admin_like.get(reverse("admin:audit_auditentry_export")).status_code == 302


def test_issue_deletion_quotas_higher_adoptions_and_worker_publishing_are_recorded(
    editor, contributor, django_capture_on_commit_callbacks
):
    from assessment.actions.higher_adoptions import record_higher_adoption, remove_higher_adoption
    from assessment.actions.quotas import end_quota, set_quota
    from bulletin.actions.issues import delete_issue
    from bulletin.actions.publish_jobs import request_publication

    publication = Publication.objects.get()
    today = timezone.localdate()
    doomed = create_issue(actor=editor, publication=publication, date=today, number=3, total_number=706)
    delete_issue(actor=editor, issue=doomed)
    deleted = AuditEntry.objects.get(kind="issue_deleted")
    assert deleted.actor == editor and deleted.before["number"] == 3

    quota = set_quota(actor=editor, count=2, period="month", starts=today, unit=contributor.unit)
    end_quota(actor=editor, quota=quota, today=today)
    assert AuditEntry.objects.filter(kind="quota_changed", object_id=str(quota.pk)).count() == 2

    issue = create_issue(actor=editor, publication=publication, date=today, number=1, total_number=704)
    piece = adopted_piece(editor, contributor, "第一篇")
    place(editor, issue, piece, "助力攻坚")
    issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs on commit
        request_publication(actor=editor, issue=issue, expected_version=issue.layout_version)
    published = AuditEntry.objects.get(kind="issue_published", object_id=str(issue.pk))
    assert published.actor == editor and published.after["pieces"] == 1

    adoption = record_higher_adoption(
        actor=editor, submission=piece, level="provincial", publication="浙江人大信息", date=today
    )
    remove_higher_adoption(actor=editor, adoption=adoption, note="记错了")
    rows = AuditEntry.objects.filter(kind="higher_adoption", object_id=str(piece.pk)).order_by("id")
    assert [row.message.startswith("删除") for row in rows] == [False, True]


def test_object_types_read_in_chinese_and_a_moved_models_old_label_is_the_same_type(auditor, editor):
    # A row written before 报送任务 moved to the assessment app, and one written after.
    record("quota_changed", actor=editor, object_type="bulletin.quota", object_id="1", message="旧标签")
    record("quota_changed", actor=editor, object_type="assessment.quota", object_id="2", message="新标签")
    record("issue_created", actor=editor, object_type="bulletin.issue", object_id="3", message="期刊行甲")
    client = Client()
    client.force_login(auditor)
    url = reverse("admin:audit_auditentry_changelist")
    page = client.get(url).content.decode()
    assert page.count("?type=assessment.quota") == 1 and "报送任务" in page
    assert "?type=bulletin.quota" not in page
    quotas = client.get(url, {"type": "assessment.quota"}).content.decode()
    assert "旧标签" in quotas and "新标签" in quotas and "期刊行甲" not in quotas
