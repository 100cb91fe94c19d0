"""Web roster imports: the roster's kind of the shared staged import (gonghui.core.tabular.staged).

upload → check (background) → every problem listed → confirm → import. The pipeline (encrypted upload,
the check and the run started after commit, in a child process in the worker, the file deleted whenever
a job ends, stale jobs expired) lives in core; the roster brings its job table (`ImportJob`), who may
import where, and its row rules (`runner.run_import`, which reads with `rows.RowNormaliser`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.tabular import staged
from gonghui.core.tabular.reader import count_rows, open_table
from gonghui.core.tabular.uploads import upload_dir as _upload_dir
from gonghui.members.models import ImportJob, ImportJobState
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import orgs_for

from .result import ImportResult
from .runner import check_import_allowed, roster_limits, run_import

S = ImportJobState
IMPORT_SUBDIR = "imports"
INLINE_MAX_BYTES = staged.INLINE_MAX_BYTES  # smaller files are checked and imported within the request
STALE_AFTER = staged.STALE_AFTER


def upload_dir() -> Path:
    return _upload_dir(IMPORT_SUBDIR)


def _check(job: ImportJob, path: Path, progress: staged.Progress) -> staged.Outcome:
    result = run_import(
        path=path, org=job.org, actor=job.actor, dry_run=True, progress=progress, original_name=job.file_name
    )
    return _outcome(result)


def _run(job: ImportJob, path: Path, progress: staged.Progress) -> staged.Outcome:
    result = run_import(
        path=path, org=job.org, actor=job.actor, dry_run=False, progress=progress, original_name=job.file_name
    )
    outcome = _outcome(result)
    outcome.count = result.accepted
    if not result.ok:
        outcome.failure = "导入前复查发现问题（可能有人刚刚登记了其中的会员），未写入任何数据"
    return outcome


def _outcome(result: ImportResult) -> staged.Outcome:
    return staged.Outcome(
        ok=result.ok,
        count=result.valid_rows,
        errors=list(result.errors),
        errors_omitted=result.errors_omitted,
        processed=result.data_rows + result.header_row,
    )


def _count(path: Path, name: str) -> int:
    return count_rows(open_table(path, original_name=name, limits=roster_limits()))


ROSTER_FLOW = staged.import_flow(
    name="roster_import",
    model=ImportJob,
    states=ImportJobState,
    scope=scope_for,
    action=Action.IMPORT,
    audit_confirm="member.import_confirm",
    audit_cancel="member.import_cancel",
)

ROSTER = staged.ImportKind(
    path="gonghui.members.imports.jobs.ROSTER",
    model=ImportJob,
    folder=IMPORT_SUBDIR,
    noun="名册",
    limits=roster_limits,
    flow=ROSTER_FLOW,
    audit_upload="member.import_upload",
    audit_expire="member.import_expire",
    check_allowed=lambda org, actor: check_import_allowed(org=org, actor=actor),
    check=_check,
    run=_run,
    new_job=lambda org: {"org": org},
    count_rows=_count,
)


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Import jobs of the unions where the user may import."""
    return ImportJob.objects.filter(org__in=orgs_for(user, Action.IMPORT)).select_related("org", "actor")


def get_job_for_user(user: Any, pk: Any) -> ImportJob:
    return staged.get_job(ROSTER, jobs_for(user), pk)  # type: ignore[no-any-return]


def import_job_create(*, org: Org, upload: UploadedFile, actor: Any) -> ImportJob:
    """Store the uploaded file (encrypted) and open a job; the check starts after commit."""
    return staged.job_create(ROSTER, org=org, upload=upload, actor=actor)  # type: ignore[no-any-return]


def import_job_validate(*, job_id: int) -> ImportJob:
    """The check step (the background task's body): every row validated, nothing written."""
    return staged.job_check(kind_path=ROSTER.path, job_id=job_id)  # type: ignore[no-any-return]


def import_job_confirm(*, job: ImportJob, version: int, actor: Any) -> ImportJob:
    return staged.job_confirm(ROSTER, job=job, version=version, actor=actor)  # type: ignore[no-any-return]


def import_job_run(*, job_id: int) -> ImportJob:
    """The import step (background task's body): all rows or none, re-checked against today's platform."""
    return staged.job_run(kind_path=ROSTER.path, job_id=job_id)  # type: ignore[no-any-return]


def import_job_cancel(*, job: ImportJob, version: int, actor: Any) -> ImportJob:
    """Give up a checked file: its stored copy is deleted at once."""
    return staged.job_cancel(ROSTER, job=job, version=version, actor=actor)  # type: ignore[no-any-return]


def import_job_expire_if_stale(job: ImportJob) -> ImportJob:
    """Mark a job whose background worker died (or whose checked file waited too long) as failed."""
    return staged.job_expire_if_stale(ROSTER, job)  # type: ignore[no-any-return]
