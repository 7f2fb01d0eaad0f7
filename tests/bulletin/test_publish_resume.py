"""A 刊发 whose database went away mid-job resumes by itself once it is back: the job is
not failed with the database's error, the worker's housekeeping queues it again, and it
publishes without a new click."""

import pytest
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from bulletin.actions import publish_jobs
from bulletin.actions.publish_jobs import request_publication, run_publish_job
from bulletin.models import Issue, PublishJob
from service import hooks
from tests.db_outage import database_down
from tests.issue_helpers import issue_with_one_article

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_the_database_dropped_mid_job_resumes_when_it_is_back(
    monkeypatch, settings, tmp_path, editor, contributor
):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    issue = issue_with_one_article(editor, contributor)
    job = request_publication(actor=editor, issue=issue, expected_version=issue.layout_version)
    task = DBTaskResult.objects.get(task_path="bulletin.tasks.publish_issue")
    task.claim("worker-that-lost-the-database")

    real_publish = publish_jobs.publish_issue

    def publish_while_the_database_is_down(**kwargs):
        with database_down(tmp_path):  # PostgreSQL stops answering, for real, mid-刊发
            return real_publish(**kwargs)

    monkeypatch.setattr(publish_jobs, "publish_issue", publish_while_the_database_is_down)
    with pytest.raises(DatabaseError):
        run_publish_job(job_id=job.pk)
    monkeypatch.undo()
    settings.TASKS = DATABASE_TASKS
    job.refresh_from_db()
    # Not failed with the database's error: nothing is the editor's to redo.
    assert job.status == PublishJob.Status.RENDERING and "OperationalError" not in job.error
    # The worker records the task as failed (it lost its database) and is replaced.
    DBTaskResult.objects.filter(pk=task.pk).update(status="FAILED")

    for housekeeping in hooks.housekeeping:  # the next worker's first round
        housekeeping()
    job.refresh_from_db()
    assert job.status == PublishJob.Status.QUEUED and job.resumed == 1
    resumed = DBTaskResult.objects.get(task_path="bulletin.tasks.publish_issue", status="READY")
    done = run_publish_job(**resumed.args_kwargs["kwargs"])  # what the worker runs
    assert done.status == PublishJob.Status.DONE
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.PUBLISHED
