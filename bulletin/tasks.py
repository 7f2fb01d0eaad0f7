"""Background tasks of the issue app: thin wrappers that load ids and call the actions.

They run in `manage.py run_worker` (django-tasks' database backend), or at once with
BULLETIN_TASKS_BACKEND=immediate. Arguments are ids, never objects: they are stored as JSON.
"""

from django_tasks import task


@task(priority=10)
def render_draft(*, issue_id: int) -> str:
    """Render a draft issue's current content (see bulletin.renders)."""
    from bulletin import renders

    return renders.render_draft(issue_id)


@task(priority=20)
def publish_issue(*, job_id: int) -> str:
    """Run a 刊发 the editor asked for (bulletin.actions.publish_jobs.run_publish_job)."""
    from bulletin.actions.publish_jobs import run_publish_job

    return run_publish_job(job_id=job_id).status
