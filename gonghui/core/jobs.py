"""Background jobs: one way to start them, move them through their stages, show progress, expire them.

A job is a row of the app's own model (an import job, an analysis run) with at least `state`,
`version`, `updated_at` and `finished_at`. This module holds what every such job needs:

* `start(task_path, *args, inline=...)` — the one "run now or enqueue" call. Services call it inside
  their transaction; the job starts after commit (so a worker never looks for a row not yet
  committed). The task is named by its dotted path, so services never import their tasks module (and
  tasks, which import the services, never make a circle). `inline=True` runs it in this process right
  after commit (small files: the page shows the answer at once); otherwise it is enqueued for the
  DB-backed worker (`gonghui db_worker`).
* `run_heavy(func_path, **kwargs)` — the body of a heavy task runs in a child process of its own, so
  whatever memory a hostile file made it use goes back to the system when the child exits (a worker
  that parsed a shared-strings bomb in-process kept 4.98 GB). Inside a test transaction, or on an
  in-memory SQLite database, the child could not see the rows, so the body runs in this process.
* `transition(...)` — move a job to its next state under a row lock, checking the state table.
* `ProgressWriter` — processed / total written at most twice a second, on a connection of its own on
  PostgreSQL so the page sees it while the job's own transaction is still open.
* `expire_if_stale(...)` — a job still "running" long after its last write lost its worker.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core.errors import DomainError

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

CHILD_TIMEOUT_S = 6 * 3600
_DB_NAME_ENV = "GONGHUI_JOB_DB_NAME"  # the child uses the parent's database (a test database too) …
_UPLOAD_DIR_ENV = "GONGHUI_JOB_UPLOAD_DIR"  # … and its upload folder


# --- starting ------------------------------------------------------------------------------------------


def start(task_path: str, *args: Any, inline: bool) -> None:
    """Run the task at `task_path` (a django-tasks task) after the current transaction commits: in this
    process when `inline`, else through the queue. Outside a transaction it starts at once."""

    def go() -> None:
        task = import_string(task_path)
        if inline:
            task.call(*args)
        else:
            task.enqueue(*args)

    conn = transaction.get_connection()
    if conn.in_atomic_block and all(getattr(a, "_from_testcase", False) for a in conn.atomic_blocks):
        go()  # only a test case's own transaction is open: it never commits, and stands for "committed"
    else:
        transaction.on_commit(go)


def _child_possible() -> bool:
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.in_atomic_block:  # a test's transaction (or a caller's): a child could not see its rows
        return False
    if conn.vendor == "sqlite" and conn.is_in_memory_db():  # type: ignore[attr-defined]
        return False
    return os.environ.get("GONGHUI_JOBS_IN_PROCESS", "") != "1"


def run_heavy(func_path: str, **kwargs: Any) -> dict[str, Any]:
    """Run `func_path(**kwargs)` in a child process (memory back to the system when it ends) and wait.

    Returns {"exit": code, "in_child": bool, "peak_rss_mb": …}. The function's own writes (state,
    progress, audit) go to the database; a child that dies (killed, out of memory) returns a non-zero
    exit and the caller marks its job failed."""
    if not _child_possible():
        import_string(func_path)(**kwargs)
        return {"exit": 0, "in_child": False}
    conn = connections[DEFAULT_DB_ALIAS]
    from django.conf import settings

    env = {**os.environ, _DB_NAME_ENV: str(conn.settings_dict["NAME"]), _UPLOAD_DIR_ENV: str(settings.UPLOAD_DIR)}
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "gonghui.settings.base"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    try:
        proc = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "gonghui.core.jobs", func_path, json.dumps(kwargs)],
            env=env,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
        code = proc.returncode
    except subprocess.TimeoutExpired:
        code = -9
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    info = {
        "exit": code,
        "in_child": True,
        "seconds": round(time.monotonic() - started, 2),
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
    }
    if code != 0:
        logger.error("background job %s(%s) ended with exit %s", func_path, kwargs, code)
    return info


def _child_main(argv: list[str]) -> int:
    """`python -m gonghui.core.jobs dotted.path '{"kwarg": …}'`: the child side of `run_heavy`."""
    func_path, payload = argv[0], json.loads(argv[1])
    import django
    from django.conf import settings

    name = os.environ.get(_DB_NAME_ENV)
    uploads = os.environ.get(_UPLOAD_DIR_ENV)
    django.setup()
    if name:
        settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = name  # the parent's database (a test database too)
    if uploads:
        settings.UPLOAD_DIR = Path(uploads)
    import_string(func_path)(**payload)
    return 0


# --- states --------------------------------------------------------------------------------------------


def transition(
    model: type[M],
    pk: int,
    to: str,
    *,
    table: Mapping[str, set[str]],
    not_now: Callable[[M], str],
    finished: set[str],
    after: Callable[[M], None] | None = None,
    **fields: Any,
) -> M:
    """Move the job `pk` to state `to` under a row lock; DomainError when `table` does not allow it from
    the job's state. Finished states stamp `finished_at`; `after` runs once the move is committed."""
    with transaction.atomic():
        job = model._default_manager.select_for_update().get(pk=pk)
        state = job.state  # type: ignore[attr-defined]
        if to not in table.get(state, set()):
            raise DomainError(not_now(job), field="state")
        job.state = to  # type: ignore[attr-defined]
        for key, value in fields.items():
            setattr(job, key, value)
        if to in finished:
            job.finished_at = timezone.now()  # type: ignore[attr-defined]
        job.version = F("version") + 1  # type: ignore[attr-defined]
        job.save()
        job.refresh_from_db()
    if after is not None:
        after(job)
    return job


def is_stale(job: Any, *, running: set[str], after: dt.timedelta) -> bool:
    return job.state in running and job.updated_at <= timezone.now() - after


# --- progress ------------------------------------------------------------------------------------------


class ProgressWriter:
    """Writes processed/total to the job row at most twice a second. On PostgreSQL through a connection
    of its own (the page sees it while the job's transaction is open); elsewhere only outside one."""

    def __init__(self, model: type[models.Model], pk: int, *, done_field: str, total_field: str) -> None:
        self.model = model
        self.pk = pk
        self.done_field = done_field
        self.total_field = total_field
        self.last = 0.0
        self.conn = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        total = max(done, total)
        if self.conn is not None:
            table = self.model._meta.db_table
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {self.done_field} = %s, {self.total_field} = %s WHERE id = %s",  # noqa: S608
                    [done, total, self.pk],
                )
        elif not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            self.model._default_manager.filter(pk=self.pk).update(**{self.done_field: done, self.total_field: total})

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
