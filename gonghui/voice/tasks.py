"""Background tasks (django-tasks; the DB-backed queue runs them in `gonghui db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def analyse_demands(run_id: int) -> str:
    from .services.analysis import run_execute

    return run_execute(run_id=run_id).status


@task()
def feed_back_answer(report_id: int) -> str:
    from .services.reports import report_feed_back

    return report_feed_back(report_id=report_id).status
