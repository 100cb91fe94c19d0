"""The staged import's background tasks (django-tasks; the DB-backed queue runs them in `gonghui db_worker`).

Each runs its step in a child process (`core.jobs.run_heavy`): a hostile or huge file can make the step
use memory, and a child gives it all back to the system when it exits. A child that dies without a word
(killed, out of memory) leaves its job failed — not "checking" for ever — and its file deleted."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from gonghui.core.jobs import run_heavy


def check_now(kind_path: str, job_id: int) -> str:
    info = run_heavy("gonghui.core.tabular.staged.job_check", kind_path=kind_path, job_id=job_id)
    return _after(
        kind_path,
        job_id,
        info,
        "检查文件时后台进程意外中止（文件可能过大或异常），未写入任何数据，请检查文件后重新上传",
    )


def run_now(kind_path: str, job_id: int) -> str:
    info = run_heavy("gonghui.core.tabular.staged.job_run", kind_path=kind_path, job_id=job_id)
    return _after(kind_path, job_id, info, "导入时后台进程意外中止，未写入任何数据；请稍后重试或联系系统管理员")


@task()
def check_job(kind_path: str, job_id: int) -> str:
    return check_now(kind_path, job_id)


@task()
def run_job(kind_path: str, job_id: int) -> str:
    return run_now(kind_path, job_id)


def _after(kind_path: str, job_id: int, info: dict[str, Any], failure: str) -> str:
    from .staged import job_fail_if_running, kind_at

    kind = kind_at(kind_path)
    if info.get("exit") != 0:
        job_fail_if_running(kind, job_id=job_id, failure=failure)
    job = kind.model._default_manager.filter(pk=job_id).only("state").first()
    return str(job.state) if job is not None else "missing"
