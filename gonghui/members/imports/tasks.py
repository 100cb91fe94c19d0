"""Background tasks (django-tasks; the DB-backed queue runs them in `gonghui db_worker`)."""

from __future__ import annotations

from django_tasks import task

from .jobs import import_job_run, import_job_validate


@task()
def validate_roster(job_id: int) -> str:
    return import_job_validate(job_id=job_id).state


@task()
def import_roster(job_id: int) -> str:
    return import_job_run(job_id=job_id).state
