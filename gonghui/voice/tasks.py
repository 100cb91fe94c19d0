"""Background tasks (django-tasks; the DB-backed queue runs them in `gonghui db_worker`).

The analysis is heavy (scikit-learn, the segmenter, every demand of a federation in memory): it runs in a
child process of its own (`core.jobs.run_heavy`), so what it used goes back to the system when it ends."""

from __future__ import annotations

from django_tasks import task


@task()
def analyse_demands(run_id: int) -> str:
    from gonghui.core.jobs import run_heavy

    from .models import ClusterRun
    from .services.analysis import run_fail_if_open

    info = run_heavy("gonghui.voice.services.analysis.run_execute", run_id=run_id)
    if info.get("exit") != 0:
        run_fail_if_open(run_id=run_id, message="分析进程意外中止（可能内存不足），未保存任何结果，可以重新分析")
    run = ClusterRun.objects.filter(pk=run_id).only("status").first()
    return str(run.status) if run is not None else "missing"


@task()
def feed_back_answer(report_id: int) -> str:
    from .services.reports import report_feed_back

    return report_feed_back(report_id=report_id).status
