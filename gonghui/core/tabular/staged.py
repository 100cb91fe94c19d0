"""The one staged import: upload → check (background) → every problem listed → confirm → run.

Each kind of import declares an `ImportKind`: its job table (`core.TabularJob`, or a table of its own of
the same shape such as `members.ImportJob`), its folder for the encrypted uploads, its caps, who may
import where, its user steps (confirm, cancel) as a `core.workflow.Workflow`, and its row rules: a
`check` and a `run` over a plain copy of the file. Everything else lives here once:

    uploaded → validating → validated | failed        (the check; the system's steps)
    validated → importing → done | failed             (confirm, a user's step; then the run)
    validated → failed                                 (cancel, a user's step; or expired)
    uploaded | validating | importing → failed         (the worker died: expired)

The upload is saved encrypted (`uploads.save_upload`); the check and the run start after commit through
`core.jobs.start` (in the request for a small file, else in the worker, in a child process of its own);
whenever a job ends — done, refused, cancelled, failed, expired — its stored file is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core import audit, workflow
from gonghui.core import jobs as background
from gonghui.core.errors import DomainError, NotFound

from .errors import RowError, TabularFileError, errors_to_json
from .limits import Limits
from .models import TabularJobState
from .uploads import clean_name, delete_upload, plain_copy, save_upload, upload_dir

logger = logging.getLogger(__name__)

S = TabularJobState
SYSTEM_STEPS: dict[str, set[str]] = {  # moves the system makes (the check, the run, failures)
    S.UPLOADED: {S.VALIDATING, S.FAILED},
    S.VALIDATING: {S.VALIDATED, S.FAILED},
    S.VALIDATED: {S.FAILED},
    S.IMPORTING: {S.DONE, S.FAILED},
    S.DONE: set(),
    S.FAILED: set(),
}
FINISHED: set[str] = {S.DONE, S.FAILED}
RUNNING: set[str] = {S.UPLOADED, S.VALIDATING, S.IMPORTING}
INLINE_MAX_BYTES = 256 * 1024  # smaller files are checked and imported within the request
# A check or an import of the largest allowed file takes minutes; one still "running" after this long lost
# its worker (a restart, a crash) and would otherwise show a progress bar for ever.
STALE_AFTER = dt.timedelta(hours=1)
# A checked file nobody confirmed or gave up waits this long (encrypted), then is deleted.
WAITING_EXPIRES_AFTER = dt.timedelta(days=3)
CHECK_TASK = "gonghui.core.tabular.tasks.check_job"
RUN_TASK = "gonghui.core.tabular.tasks.run_job"

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """What a kind's check or run reports."""

    ok: bool
    count: int = 0  # rows that pass (check) / were written (run)
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0
    processed: int = 0  # rows read
    failure: str = ""  # one sentence for a refused run
    result: dict[str, Any] = field(default_factory=dict)  # what the run wrote (e.g. a batch id)


@dataclass(frozen=True)
class ImportKind:
    path: str  # dotted path of this object: the job row names its kind by it, the child process finds it
    model: Any  # a model class with the job fields (state, version, stored_path, …)
    folder: str  # under settings.UPLOAD_DIR
    noun: str  # "名册", "问卷"
    limits: Callable[[], Limits]
    flow: workflow.Workflow  # the user steps: "confirm" (validated → importing) and "cancel" (→ failed)
    audit_upload: str
    audit_expire: str
    check_allowed: Callable[[Any, Any], None]  # (org, actor) → raises NotFound / DomainError
    check: Callable[[Any, Path, Progress], Outcome]  # (job, plain file, progress)
    run: Callable[[Any, Path, Progress], Outcome]
    new_job: Callable[[Any], dict[str, Any]]  # org → the job's fields naming its union (and kind)
    count_rows: Callable[[Path, str], int] | None = None  # (plain file, name) → rows, for the progress bar
    inline_max_bytes: int = INLINE_MAX_BYTES
    kind_filter: dict[str, Any] = field(default_factory=dict)  # the rows of this kind in a shared table

    def jobs(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**self.kind_filter)


def kind_at(path: str) -> ImportKind:
    kind = import_string(path)
    if not isinstance(kind, ImportKind):
        raise TypeError(f"{path} is not an ImportKind")
    return kind


def not_now(kind: ImportKind, job: Any) -> str:
    messages: dict[str, str] = {
        S.UPLOADED: f"该{kind.noun}正在排队检查，请稍候",
        S.VALIDATING: f"该{kind.noun}正在检查，请稍候",
        S.IMPORTING: f"该{kind.noun}正在导入，请勿重复提交",
        S.DONE: f"该{kind.noun}已经导入完成，请勿重复提交",
        S.FAILED: f"该{kind.noun}未通过或已放弃，请修改后重新上传",
    }
    return messages.get(job.state, f"该{kind.noun}当前不能进行这一步")


def stored_path(kind: ImportKind, job: Any) -> Path:
    return upload_dir(kind.folder) / Path(job.stored_path).name


def _delete_if_finished(kind: ImportKind) -> Callable[[Any], None]:
    def after(job: Any) -> None:
        if job.state in FINISHED and job.stored_path:
            delete_upload(stored_path(kind, job))

    return after


def move(kind: ImportKind, job_id: int, to: str, **fields: Any) -> Any:
    """A system step under a row lock; a job that ends loses its stored file at once."""
    return background.transition(
        kind.model,
        job_id,
        to,
        table=SYSTEM_STEPS,
        not_now=lambda job: not_now(kind, job),
        finished=FINISHED,
        after=_delete_if_finished(kind),
        **fields,
    )


def _progress(kind: ImportKind, job: Any) -> background.ProgressWriter:
    return background.ProgressWriter(kind.model, job.pk, done_field="processed_rows", total_field="total_rows")


# --- the steps -----------------------------------------------------------------------------------------


def job_create(kind: ImportKind, *, org: Any, upload: Any, actor: Any) -> Any:
    """Store the uploaded file (encrypted) and open a job; its check starts after commit (in this request
    for a small file, else in the background). Too big / wrong type / empty → DomainError."""
    kind.check_allowed(org, actor)
    jobs_expire_stale(kind)
    name = clean_name(getattr(upload, "name", ""), kind.noun)
    path, written, _ = save_upload(upload, folder=kind.folder, limits=kind.limits(), name=name)
    try:
        with transaction.atomic():
            job = kind.model._default_manager.create(
                **kind.new_job(org), actor=actor, file_name=name, stored_path=path.name, file_size=written
            )
            audit.record(
                actor=actor,
                action=kind.audit_upload,
                obj=job,
                object_label=f"上传{kind.noun}“{name[:80]}”到{org.name}",
                org_id=org.pk,
                after={"file": name, "size": written},
            )
    except BaseException:
        delete_upload(path)
        raise
    background.start(CHECK_TASK, kind.path, job.pk, inline=written <= kind.inline_max_bytes)
    job.refresh_from_db()
    return job


def job_check(*, kind_path: str, job_id: int) -> Any:
    """The check step (the background task's body): every row validated, nothing written. A job already
    past it (a task delivered twice) is left as it is."""
    kind = kind_at(kind_path)
    current = kind.model._default_manager.filter(pk=job_id).only("pk", "state").first()
    if current is None or current.state != S.UPLOADED:
        return kind.model._default_manager.filter(pk=job_id).first()
    try:
        job = move(kind, job_id, S.VALIDATING)
    except DomainError:  # another delivery took it meanwhile
        return kind.model._default_manager.get(pk=job_id)
    progress = _progress(kind, job)
    try:
        with plain_copy(stored_path(kind, job)) as path:
            if kind.count_rows is not None:
                try:
                    total = kind.count_rows(path, job.file_name)
                except TabularFileError:
                    total = 0
                kind.model._default_manager.filter(pk=job.pk).update(total_rows=total)
            outcome = kind.check(job, path, progress)
    except TabularFileError as exc:
        outcome = Outcome(ok=False, errors=[exc.as_row_error()])
    except DomainError as exc:  # the uploader lost the right, or the union was closed meanwhile
        return move(kind, job.pk, S.FAILED, failure=exc.message[:300])
    except Exception:
        logger.exception("tabular check failed (%s job %s)", kind.path, job.pk)
        return move(
            kind, job.pk, S.FAILED, failure=f"检查{kind.noun}时发生内部错误，请稍后重新上传；如仍失败请联系系统管理员"
        )
    finally:
        progress.close()
    fields = {
        "errors": errors_to_json(outcome.errors),
        "errors_omitted": outcome.errors_omitted,
        "valid_rows": outcome.count,
        "processed_rows": outcome.processed,
        "accepted": 0,
    }
    return move(kind, job.pk, S.VALIDATED if outcome.ok else S.FAILED, **fields)


def job_confirm(kind: ImportKind, *, job: Any, version: int, actor: Any) -> Any:
    """The uploader (or a colleague with the right) confirms a checked file; the run starts after commit.
    A second click finds the job already importing and is refused: nothing is imported twice."""
    _refuse_if_moved_on(kind, job)
    with transaction.atomic():
        locked = workflow.run(
            kind.flow,
            job,
            step="confirm",
            actor=actor,
            version=version,
            values={"processed_rows": 0},
            audit_after={"valid_rows": job.valid_rows},
        )
    background.start(RUN_TASK, kind.path, locked.pk, inline=locked.file_size <= kind.inline_max_bytes)
    locked.refresh_from_db()
    return locked


def _refuse_if_moved_on(kind: ImportKind, job: Any) -> None:
    """A job no longer waiting for its confirmation says where it is (rather than "modified by others")."""
    state = kind.model._default_manager.filter(pk=job.pk).values_list("state", flat=True).first()
    if state is not None and state != S.VALIDATED:
        raise DomainError(not_now(kind, SimpleNamespace(state=state)), field="state")


def job_run(*, kind_path: str, job_id: int) -> Any:
    """The run step (the background task's body): all rows or none, re-checked against today's platform."""
    kind = kind_at(kind_path)
    job = kind.model._default_manager.filter(pk=job_id).first()
    if job is None or job.state != S.IMPORTING:
        return job  # a task delivered twice does nothing the second time
    progress = _progress(kind, job)
    try:
        with plain_copy(stored_path(kind, job)) as path:
            outcome = kind.run(job, path, progress)
    except TabularFileError as exc:
        outcome = Outcome(ok=False, errors=[exc.as_row_error()], failure="文件无法读取，未写入任何数据")
    except DomainError as exc:
        return move(kind, job.pk, S.FAILED, failure=exc.message[:300])
    except Exception:
        logger.exception("tabular import failed (%s job %s)", kind.path, job.pk)
        return move(kind, job.pk, S.FAILED, failure="导入时发生内部错误，未写入任何数据；请稍后重试或联系系统管理员")
    finally:
        progress.close()
    if outcome.ok:
        extra = {"result": outcome.result} if hasattr(job, "result") else {}
        return move(
            kind,
            job.pk,
            S.DONE,
            accepted=outcome.count,
            errors=[],
            errors_omitted=0,
            processed_rows=outcome.processed,
            **extra,
        )
    return move(
        kind,
        job.pk,
        S.FAILED,
        failure=(outcome.failure or "导入前复查发现问题，未写入任何数据")[:300],
        errors=errors_to_json(outcome.errors),
        errors_omitted=outcome.errors_omitted,
    )


def job_cancel(kind: ImportKind, *, job: Any, version: int, actor: Any) -> Any:
    """Give up a checked file: its stored copy is deleted at once."""
    _refuse_if_moved_on(kind, job)
    with transaction.atomic():
        locked = workflow.run(
            kind.flow, job, step="cancel", actor=actor, version=version, values={"failure": "已放弃导入"}
        )
        locked.finished_at = timezone.now()
        locked.save(update_fields=["finished_at"])
    _delete_if_finished(kind)(locked)
    return locked


def job_fail_if_running(kind: ImportKind, *, job_id: int, failure: str) -> Any:
    """A background step that died without a word (its child process killed, out of memory): the job is
    marked failed and its file deleted, so nobody waits for ever."""
    job = kind.model._default_manager.filter(pk=job_id).first()
    if job is None or job.state not in RUNNING:
        return job
    try:
        return move(kind, job_id, S.FAILED, failure=failure[:300])
    except DomainError:
        return kind.model._default_manager.get(pk=job_id)


def job_expire_if_stale(kind: ImportKind, job: Any) -> Any:
    """A job whose worker died, or whose checked file waited too long, is marked failed (file deleted)."""
    if background.is_stale(job, running={str(S.VALIDATED)}, after=WAITING_EXPIRES_AFTER):
        failure = "检查通过后超过三天没有确认，上传的文件已删除，请重新上传"
    elif background.is_stale(job, running=RUNNING, after=STALE_AFTER):
        failure = "后台处理中断（超过一小时没有完成），未写入任何数据，请重新上传"
    else:
        return job
    try:
        expired = move(kind, job.pk, S.FAILED, failure=failure)
    except DomainError:  # it moved on meanwhile
        return kind.model._default_manager.get(pk=job.pk)
    audit.record(actor=None, action=kind.audit_expire, obj=expired, org_id=getattr(expired, "org_id", None))
    return expired


def jobs_expire_stale(kind: ImportKind) -> int:
    """Every stale job of this kind is expired (at most 500 at a time; each upload sweeps)."""
    now = timezone.now()
    stale = kind.jobs().filter(state__in=RUNNING, updated_at__lte=now - STALE_AFTER) | kind.jobs().filter(
        state=S.VALIDATED, updated_at__lte=now - WAITING_EXPIRES_AFTER
    )
    count = 0
    for job in stale[:500]:
        if job_expire_if_stale(kind, job).state == S.FAILED:
            count += 1
    return count


def get_job(kind: ImportKind, jobs: models.QuerySet[Any], pk: Any) -> Any:
    """One job of a scoped queryset (forbidden looks like absent), expired first when stale."""
    try:
        job = jobs.get(pk=int(pk))
    except (kind.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("未找到该导入任务") from None
    return job_expire_if_stale(kind, job)


def import_flow(
    *,
    name: str,
    model: Any,
    states: type[models.TextChoices],
    scope: Callable[[Any], workflow.ScopeLike],
    action: str,
    audit_confirm: str,
    audit_cancel: str,
    org: str | Callable[[Any], Any] = "org",
    register: bool = True,
) -> workflow.Workflow:
    """The user steps of a kind: confirm (validated → importing) and cancel (validated → failed), each by
    who holds `action` at the job's union."""
    return workflow.Workflow(
        name=name,
        model=model,
        states=states,
        scope=scope,
        not_found="未找到该导入任务",
        wrong_state="该文件当前“{state}”，不能{step}",
        tones={S.DONE: "ok", S.FAILED: "danger", S.VALIDATED: "warn", S.IMPORTING: "info", S.VALIDATING: "info"},
        steps=[
            workflow.Step(
                "confirm",
                "确认导入",
                sources=frozenset({S.VALIDATED.value}),
                target=S.IMPORTING,
                action=action,
                org=org,
                audit=audit_confirm,
            ),  # type: ignore[arg-type]
            workflow.Step(
                "cancel",
                "放弃导入",
                sources=frozenset({S.VALIDATED.value}),
                target=S.FAILED,
                action=action,
                org=org,
                audit=audit_cancel,
            ),  # type: ignore[arg-type]
        ],
        register=register,
    )
