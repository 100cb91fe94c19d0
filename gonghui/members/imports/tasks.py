"""The roster's background tasks: the shared staged import's steps for the roster kind (see
gonghui.core.tabular.tasks; each step runs in a child process in the worker)."""

from __future__ import annotations

from django_tasks import task

from gonghui.core.tabular.tasks import check_now, run_now

ROSTER_KIND = "gonghui.members.imports.jobs.ROSTER"


@task()
def validate_roster(job_id: int) -> str:
    return check_now(ROSTER_KIND, job_id)


@task()
def import_roster(job_id: int) -> str:
    return run_now(ROSTER_KIND, job_id)
