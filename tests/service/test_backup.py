"""manage.py backup / restore: a round trip with published issues on the configured
database (SQLite by default, PostgreSQL with DATABASE_URL — .ci/run runs both)."""

import datetime
import hashlib
import io
import json
import shutil
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from audit.verification import verify
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Issue, IssuePdf, Publication
from service import backup
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def publish_two_issues(editor, contributor):
    publication = Publication.objects.get(name="杭州人大信息")
    issues = []
    for number in (14, 15):
        issue = create_issue(
            actor=editor,
            publication=publication,
            date=datetime.date(2024, 10, number),
            number=number,
            total_number=688 + number,
        )
        piece = adopted_piece(editor, contributor, f"第{number}期的文章", body=f"<p>第{number}期的正文。</p>")
        place(editor, issue, piece, "助力攻坚")
        issue.refresh_from_db()
        issues.append(publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version))
    # A correction: the first issue has two stored PDF versions.
    edit_piece_as_editor(editor, issues[0].placements.get().submission, body="<p>更正后的正文。</p>")
    correct_issue(actor=editor, issue=issues[0], note="更正一处文字")
    return issues


def test_round_trip_restores_every_row_and_every_pdf(
    media, tmp_path, client, editor, contributor, reader, capsys
):
    publish_two_issues(editor, contributor)
    before = backup.current_counts()
    pdfs_before = {(p.issue_id, p.version): p.sha256 for p in IssuePdf.objects.all()}
    assert len(pdfs_before) == 3

    call_command("backup", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("bulletin-backup-*.tar"))
    manifest = backup.verify_archive(archive)
    assert manifest["counts"] == before
    assert {f["sha256"] for f in manifest["files"]} >= set(pdfs_before.values())

    # A new, empty installation: no rows, no files.
    call_command("flush", "--noinput")
    shutil.rmtree(media)
    assert backup.database_is_empty()

    call_command("restore", str(archive))
    assert "全部与清单一致" in capsys.readouterr().out
    # Every row is back, and the audit log has one more: the restore itself, chained on.
    assert backup.current_counts() == {**before, "audit_auditentry": before["audit_auditentry"] + 1}
    assert AuditEntry.objects.filter(kind="restore").count() == 1 and verify().broken is None
    assert Issue.objects.filter(status=Issue.Status.PUBLISHED).count() == 2

    # Every stored PDF downloads with its recorded SHA-256: editors reach every version,
    # readers the current one of each issue.
    client.force_login(User.objects.get(username=editor.username))
    for (issue_id, version), sha in pdfs_before.items():
        response = client.get(reverse("archive_pdf_version", args=[issue_id, version]))
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == sha
    client.force_login(User.objects.get(username=reader.username))
    for issue in Issue.objects.all():
        response = client.get(reverse("archive_pdf", args=[issue.pk]))
        current = max(v for (i, v) in pdfs_before if i == issue.pk)
        assert (
            hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
            == pdfs_before[(issue.pk, current)]
        )


def test_restore_refuses_a_database_with_data(media, tmp_path, editor, contributor):
    publish_two_issues(editor, contributor)
    archive = backup.backup(tmp_path / "b.tar")
    with pytest.raises(CommandError, match="目标数据库里已有用户、稿件或期刊"):
        call_command("restore", str(archive))


def test_a_damaged_archive_is_refused_before_anything_changes(media, tmp_path, editor, contributor):
    publish_two_issues(editor, contributor)
    archive = backup.backup(tmp_path / "b.tar")
    # Rewrite the archive with one stored PDF's bytes changed but the manifest kept.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/issues/") and member.name.endswith(".pdf"):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    call_command("flush", "--noinput")
    shutil.rmtree(media)
    with pytest.raises(CommandError, match="已损坏"):
        call_command("restore", str(damaged))
    assert backup.database_is_empty()
    assert next(backup.stored_files(backup.default_storage), None) is None
    manifest = json.loads(tarfile.open(damaged).extractfile("manifest.json").read())
    assert manifest["files"]  # the manifest itself was intact: the file's hash gave it away


def test_a_failed_database_load_leaves_the_storage_empty_for_a_retry(
    monkeypatch, media, tmp_path, editor, contributor
):
    publish_two_issues(editor, contributor)
    archive = backup.backup(tmp_path / "b.tar")
    call_command("flush", "--noinput")
    shutil.rmtree(media)

    def load_fails(alias, dump):
        raise backup.BackupError("pg_restore 失败：磁盘已满")

    monkeypatch.setattr(backup, "_restore_sqlite", load_fails)
    monkeypatch.setattr(backup, "_restore_postgresql", load_fails)
    with pytest.raises(CommandError, match="磁盘已满"):
        call_command("restore", str(archive))
    assert next(backup.stored_files(backup.default_storage), None) is None
    monkeypatch.undo()
    call_command("restore", str(archive))  # the retry is not refused for files left behind
    assert Issue.objects.filter(status=Issue.Status.PUBLISHED).count() == 2
