"""Web roster imports as jobs: upload → check (background) → show every problem → confirm → import.

States (one table, transitions under a row lock):
    uploaded → validating → validated | failed
    validated → importing → done | failed
    validated → failed (the uploader gives up)
The uploaded file holds ID numbers in clear: it is deleted as soon as a job is done or has failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound, StaleVersion
from gonghui.core.text import tidy
from gonghui.members.models import ImportJob, ImportJobState
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import orgs_for

from .readers import SUPPORTED_SUFFIXES, ImportFileError, count_rows, detect_kind, open_roster
from .result import ImportResult
from .runner import check_import_allowed, run_import

logger = logging.getLogger(__name__)

S = ImportJobState
TRANSITIONS: dict[str, set[str]] = {
    S.UPLOADED: {S.VALIDATING, S.FAILED},
    S.VALIDATING: {S.VALIDATED, S.FAILED},
    S.VALIDATED: {S.IMPORTING, S.FAILED},
    S.IMPORTING: {S.DONE, S.FAILED},
    S.DONE: set(),
    S.FAILED: set(),
}
INLINE_MAX_BYTES = 256 * 1024  # smaller files are checked and imported within the request
IMPORT_SUBDIR = "imports"


def upload_dir() -> Path:
    folder = Path(settings.UPLOAD_DIR) / IMPORT_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Import jobs of the unions where the user may import."""
    return ImportJob.objects.filter(org__in=orgs_for(user, Action.IMPORT)).select_related("org", "actor")


def get_job_for_user(user: Any, pk: Any) -> ImportJob:
    try:
        return jobs_for(user).get(pk=int(pk))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该导入任务") from None


def import_job_create(*, org: Org, upload: UploadedFile, actor: Any) -> ImportJob:
    """Store the uploaded file and open a job for it. Too big / wrong type / not a spreadsheet → DomainError."""
    check_import_allowed(org=org, actor=actor)
    name = tidy(Path(upload.name or "").name)[:200] or "名册"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DomainError("只能导入 .xlsx、.xls 或 .csv 文件（Excel 表格或逗号分隔文本）", field="file")
    limit = int(settings.IMPORT_MAX_UPLOAD_BYTES)
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            f"文件太大（{_size(upload.size)}），一次最多导入 {_size(limit)}，请拆分后分批导入", field="file"
        )
    if not upload.size:
        raise DomainError("文件是空的", field="file")
    target = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    written = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise DomainError(f"文件太大，一次最多导入 {_size(limit)}，请拆分后分批导入", field="file")
            out.write(chunk)
    try:
        detect_kind(target, original_name=name)
    except ImportFileError:
        target.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        job = ImportJob.objects.create(
            org=org,
            actor=actor,
            file_name=name,
            stored_path=target.name,
            file_size=written,
        )
        audit.record(
            actor=actor,
            action="member.import_upload",
            obj=job,
            object_label=f"上传名册“{name[:80]}”到{org.name}",
            org_id=org.pk,
            after={"file": name, "size": written},
        )
    return job


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _path(job: ImportJob) -> Path:
    return upload_dir() / Path(job.stored_path).name


def _transition(job_id: int, to: str, **fields: Any) -> ImportJob:
    """Move a job to `to` under a row lock; raises DomainError when the move is not allowed from its state."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if to not in TRANSITIONS[job.state]:
            raise DomainError(_not_now(job), field="state")
        job.state = to
        for key, value in fields.items():
            setattr(job, key, value)
        if to in (S.DONE, S.FAILED):
            job.finished_at = timezone.now()
        job.version = F("version") + 1
        job.save()
        job.refresh_from_db()
    if to in (S.DONE, S.FAILED):
        _delete_file(job)
    return job


def _not_now(job: ImportJob) -> str:
    messages: dict[str, str] = {
        S.VALIDATING: "该名册正在检查，请稍候",
        S.IMPORTING: "该名册正在导入，请勿重复提交",
        S.DONE: "该名册已经导入完成，请勿重复提交",
        S.FAILED: "该名册未通过或已放弃，请修改后重新上传",
    }
    return messages.get(job.state, "该名册当前不能进行这一步")


def _delete_file(job: ImportJob) -> None:
    if job.stored_path:
        _path(job).unlink(missing_ok=True)


class _Progress:
    """Writes processed/total rows to the job at most twice a second, on a connection of its own so the
    page sees them while the import's own transaction is still open (SQLite: only outside it)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.conn = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        if self.conn is not None:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s, total_rows = %s WHERE id = %s",  # noqa: S608
                    [done, max(done, total), self.job_id],
                )
        elif not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done, total_rows=max(done, total))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _store(result: ImportResult) -> dict[str, Any]:
    data = result.to_json()
    return {"errors": data["errors"], "errors_omitted": result.errors_omitted}


def import_job_validate(*, job_id: int) -> ImportJob:
    """The check step (the background task's body): every row validated, nothing written."""
    job = _transition(job_id, S.VALIDATING)
    progress = _Progress(job.pk)
    try:
        path = _path(job)
        try:
            total = count_rows(open_roster(path, original_name=job.file_name))
        except ImportFileError:
            total = 0
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
        result = run_import(
            path=path, org=job.org, actor=job.actor, dry_run=True, progress=progress, original_name=job.file_name
        )
    except DomainError as exc:  # the uploader lost the right, or the union was closed meanwhile
        return _transition(job.pk, S.FAILED, failure=exc.message[:300])
    except Exception:
        logger.exception("roster check failed (job %s)", job.pk)
        return _transition(job.pk, S.FAILED, failure="检查名册时发生内部错误，请稍后重新上传；如仍失败请联系系统管理员")
    finally:
        progress.close()
    fields = {
        **_store(result),
        "valid_rows": result.valid_rows,
        "processed_rows": result.data_rows + result.header_row,
        "accepted": 0,
    }
    return _transition(job.pk, S.VALIDATED if result.ok else S.FAILED, **fields)


def import_job_confirm(*, job: ImportJob, version: int, actor: Any) -> ImportJob:
    """The uploader (or a colleague with the import right) confirms a checked file. A second click finds
    the job already importing and is refused; nothing is imported twice."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
        if actor is not None and not scope_for(actor).allows(Action.IMPORT, locked.org):
            raise NotFound("未找到该导入任务")
        if locked.state != S.VALIDATED:
            raise DomainError(_not_now(locked), field="state")
        if locked.version != version:
            raise StaleVersion()
        locked.state = S.IMPORTING
        locked.processed_rows = 0
        locked.version = F("version") + 1
        locked.save()
        audit.record(
            actor=actor,
            action="member.import_confirm",
            obj=locked,
            object_label=f"确认导入名册“{locked.file_name[:80]}”到{locked.org.name}",
            org_id=locked.org_id,
            after={"valid_rows": locked.valid_rows},
        )
    locked.refresh_from_db()
    return locked


def import_job_run(*, job_id: int) -> ImportJob:
    """The import step (background task's body): all rows or none, re-checked against today's platform."""
    job = ImportJob.objects.select_related("org", "actor").get(pk=job_id)
    if job.state != S.IMPORTING:
        return job  # a task delivered twice does nothing the second time
    progress = _Progress(job.pk)
    try:
        result = run_import(
            path=_path(job),
            org=job.org,
            actor=job.actor,
            dry_run=False,
            progress=progress,
            original_name=job.file_name,
        )
    except DomainError as exc:
        return _transition(job.pk, S.FAILED, failure=exc.message[:300])
    except Exception:
        logger.exception("roster import failed (job %s)", job.pk)
        return _transition(job.pk, S.FAILED, failure="导入时发生内部错误，未写入任何数据；请稍后重试或联系系统管理员")
    finally:
        progress.close()
    if result.ok:
        return _transition(
            job.pk,
            S.DONE,
            accepted=result.accepted,
            errors=[],
            errors_omitted=0,
            processed_rows=result.data_rows + result.header_row,
        )
    return _transition(
        job.pk,
        S.FAILED,
        failure="导入前复查发现问题（可能有人刚刚登记了其中的会员），未写入任何数据",
        **_store(result),
    )


# A check or an import of the largest allowed file takes minutes; one still "running" after this long lost
# its worker (a restart, a crash) and would otherwise show a progress bar for ever.
STALE_AFTER = dt.timedelta(hours=1)


def import_job_expire_if_stale(job: ImportJob) -> ImportJob:
    """Mark a job whose background worker died as failed, so the cadre can upload again."""
    if job.state not in (S.UPLOADED, S.VALIDATING, S.IMPORTING) or job.updated_at > timezone.now() - STALE_AFTER:
        return job
    try:
        expired = _transition(
            job.pk, S.FAILED, failure="后台处理中断（超过一小时没有完成），未写入任何数据，请重新上传"
        )
    except DomainError:  # it moved on meanwhile
        return ImportJob.objects.get(pk=job.pk)
    audit.record(actor=None, action="member.import_expire", obj=expired, org_id=expired.org_id)
    return expired


def import_job_cancel(*, job: ImportJob, version: int, actor: Any) -> ImportJob:
    """Give up a checked file: its stored copy is deleted at once."""
    if actor is not None and not scope_for(actor).allows(Action.IMPORT, job.org):
        raise NotFound("未找到该导入任务")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.version != version:
            raise StaleVersion()
        if locked.state != S.VALIDATED:
            raise DomainError(_not_now(locked), field="state")
        audit.record(actor=actor, action="member.import_cancel", obj=locked, org_id=locked.org_id)
    return _transition(job.pk, S.FAILED, failure="已放弃导入")
