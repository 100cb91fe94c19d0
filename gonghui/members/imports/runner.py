"""Import a roster file into one grassroots union: every row or none.

One pass over the file. Each row is normalised and validated as it is read. Valid rows are gathered in
batches of BATCH_SIZE; each batch leaves its row numbers and blind-index heads in a temporary table of the
connection (`seen.SeenRows`), to catch a person listed twice. Everything runs in one transaction.

While the file is clean, each batch is written at once (on PostgreSQL by a writer thread, with COPY,
while the main thread prepares the next batch); the unique blind index refuses a person already on the
platform, and a person listed twice in the file, and then nothing is kept and a checking pass lists every
problem of the file. From the first bad row on, nothing more is written: each later batch is checked for
rows repeating an earlier row (one query on the temporary table) and against the platform (one query) so
that every problem is listed, and the transaction is rolled back. A dry run only checks. Memory stays
flat at any file size: a few batches in flight, nothing kept per row in Python.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.tabular.errors import TabularFileError
from gonghui.core.tabular.headers import HeaderSpec, find_header
from gonghui.core.tabular.limits import Limits
from gonghui.core.tabular.reader import Cell, TabularFile, count_rows, iter_rows, open_table
from gonghui.members.choices import EventKind
from gonghui.members.models import Member
from gonghui.members.services.bulk import (
    MemberCopyFormat,
    NewMember,
    PreparedMember,
    member_keys_checked_per_statement,
    members_bulk_insert,
    members_write_prepared,
)
from gonghui.members.services.registry import duplicate_message
from gonghui.orgs.models import Org

from .headers import FIELD_HEADERS, FIELD_LABELS, REQUIRED_FIELDS, HeaderMap
from .result import ImportResult, RowError
from .rows import CleanRow, RowNormaliser
from .seen import SeenRows, hmac_head

BATCH_SIZE = 5000


def roster_limits() -> Limits:
    """The shared caps (1,000,000 rows, every .xlsx part checked before reading), the file size from the
    IMPORT_MAX_UPLOAD_BYTES setting."""
    return Limits(max_file_bytes=int(settings.IMPORT_MAX_UPLOAD_BYTES))


def header_spec() -> HeaderSpec:
    """The roster's columns (aliases and labels are the row rules' own lists, read at each import)."""
    return HeaderSpec(aliases=FIELD_HEADERS, labels=FIELD_LABELS, required=REQUIRED_FIELDS, what="会员")


Progress = Callable[[int, int], None]


class _Refused(Exception):
    """Raised inside the transaction to roll back a file that has a bad row."""


def check_import_allowed(*, org: Org, actor: Any) -> None:
    """The actor may import into this union (None = an operator at the command line)."""
    if actor is not None and not scope_for(actor).allows(Action.IMPORT, org):
        raise NotFound("未找到该工会组织")
    if not org.holds_members:
        raise DomainError("名册只能导入到基层工会或工会小组，请选择具体的基层工会", field="org")
    if not org.is_active:
        raise DomainError("该工会已撤销或合并，不能导入会员", field="org")


def run_import(
    *,
    path: Path,
    org: Org,
    actor: Any,
    dry_run: bool = False,
    progress: Progress | None = None,
    original_name: str | None = None,
) -> ImportResult:
    """Validate (dry_run) or import a roster. Permission and org problems raise; file problems are reported."""
    check_import_allowed(org=org, actor=actor)
    label = original_name or Path(path).name
    try:
        roster = open_table(Path(path), original_name=original_name, limits=roster_limits())
        total = count_rows(roster) if progress else 0
    except TabularFileError as exc:
        return ImportResult(errors=[exc.as_row_error()], dry_run=dry_run)

    if dry_run:
        result = ImportResult(dry_run=True)
        try:
            _scan(roster, org=org, actor=actor, result=result, write=False, progress=progress, total=total)
        except TabularFileError as exc:
            result.add(exc.as_row_error())
        if result.ok:
            result.accepted = result.valid_rows
        return _finish(result)

    result = ImportResult()
    try:
        with transaction.atomic():
            locked = Org.objects.select_for_update().get(pk=org.pk)
            check_import_allowed(org=locked, actor=actor)
            _scan(roster, org=locked, actor=actor, result=result, write=True, progress=progress, total=total)
            if not result.ok:
                raise _Refused
            result.accepted = result.valid_rows
            audit.record(
                actor=actor,
                action="member.import",
                obj=locked,
                object_label=f"{locked.name}：导入名册“{label[:80]}”",
                org_id=locked.pk,
                after={"file": label[:200], "accepted": result.accepted, "header_row": result.header_row},
            )
    except _Refused:
        result.accepted = 0
    except TabularFileError as exc:
        result.accepted = 0
        result.add(exc.as_row_error())
    except IntegrityError:
        # While the file is clean, batches are written without asking the platform first: the unique
        # blind index refuses a person already registered. Nothing was written (rolled back); a checking
        # pass now finds every problem of the file, with the union that holds each person.
        result = ImportResult()
        try:
            _scan(roster, org=org, actor=actor, result=result, write=False, progress=None, total=0)
        except TabularFileError as exc:
            result.add(exc.as_row_error())
        result.accepted = 0
        if result.ok:  # the clash is gone (the other registration was rolled back): a race
            result.add(RowError(0, "", "导入过程中有人同时登记了文件中的某位会员，本次未导入任何数据，请重新导入"))
    return _finish(result)


def _finish(result: ImportResult) -> ImportResult:
    result.errors.sort(key=lambda e: (e.row, e.column, e.message))
    return result


def _find_header(rows: Iterator[tuple[int, list[Cell]]], result: ImportResult) -> HeaderMap | None:
    header, problems = find_header(rows, header_spec())  # type: ignore[arg-type]
    for p in problems:
        result.add(p)
    if header is None:
        return None
    result.header_row = header.row
    return HeaderMap(row=header.row, index=header.index, labels=header.labels)


class _BatchWriter:
    """Checks each batch against the platform, then writes it while the file is still clean.

    On PostgreSQL this runs on a second thread sharing the import's connection (and so its transaction).
    The main thread reads, validates and formats rows as COPY text (all the Python work); this thread
    only sends queries and COPY data and waits for the server, which holds no GIL, so the server stores
    batch n (COPY, unique and foreign-key checks, index maintenance) while Python prepares batch n + 1.
    Nothing else may use the connection meanwhile: the main thread does not touch the database until
    `close()`, which always runs before the transaction ends.
    """

    def __init__(
        self,
        *,
        org: Org,
        actor: Any,
        result: ImportResult,
        write: bool,
        id_label: str,
        threaded: bool,
        seen: SeenRows,
    ) -> None:
        self.org = org
        self.seen = seen
        self.actor = actor
        self.result = result
        self.write = write
        self.id_label = id_label
        self.fmt = MemberCopyFormat() if write and connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else None
        self.lock = threading.Lock()
        self.failed = threading.Event()  # some row is bad: keep checking, stop writing
        self.error: BaseException | None = None
        self.queue: queue.Queue[list[_Pending] | None] | None = None
        self.thread: threading.Thread | None = None
        self.drained = False  # the writer has taken the last batch
        if threaded:
            self.queue = queue.Queue(maxsize=2)  # at most two batches wait: memory stays flat
            self.conn = connections[DEFAULT_DB_ALIAS]
            self.conn.inc_thread_sharing()
            context = contextvars.copy_context()  # the request's IP for the audit trail
            self.thread = threading.Thread(target=context.run, args=(self._loop,), name="roster-import", daemon=True)
            self.thread.start()

    @property
    def writing(self) -> bool:
        return self.write and not self.failed.is_set()

    def add_error(self, error: RowError) -> None:
        self.failed.set()
        with self.lock:
            self.result.add(error)

    def pending(self, row: CleanRow) -> _Pending:
        """What the writer needs of a valid row (COPY text formatted here, on the caller's thread)."""
        prepared = None
        if self.fmt is not None and not self.failed.is_set():
            prepared = self.fmt.prepare(self.org.pk, row.sealed, row.profile)
        return _Pending(row.row, row.sealed.hmac, prepared, row if self.fmt is None else None)

    def submit(self, batch: list[_Pending]) -> None:
        if self.queue is None:
            self._handle(batch)
            return
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        """Wait for the writer to finish (always, before the transaction commits or rolls back)."""
        if self.queue is not None and self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.conn.dec_thread_sharing()
            self.queue = None
        if self.error is not None:
            raise self.error

    def _loop(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.conn
        try:
            if self.fmt is None:
                self._drain()
                return
            with member_keys_checked_per_statement():
                self._drain()
                if self.error is not None:
                    raise self.error  # the transaction is lost: leave without touching the connection
        except BaseException as exc:
            if self.error is None:
                self.error = exc
            self.failed.set()
            self._drain()  # the main thread may still be sending batches

    def _drain(self) -> None:
        assert self.queue is not None
        while not self.drained:
            item = self.queue.get()
            if item is None:
                self.drained = True
                return
            if self.error is not None:
                continue  # drain what the main thread still sends
            try:
                self._handle(item)
            except BaseException as exc:
                self.error = exc
                self.failed.set()

    def _handle(self, batch: list[_Pending]) -> None:
        self.seen.add([(p.row, hmac_head(p.hmac)) for p in batch])
        if self.writing and (self.fmt is None or all(p.prepared is not None for p in batch)):
            # Written without asking first: the unique blind index refuses a registered person (IntegrityError,
            # or a person listed twice, and `run_import` lists the file's problems with a checking pass).
            # Saves an index probe per row.
            with self.lock:
                self.result.valid_rows += len(batch)
            self._write(batch)
            return
        repeats = self.seen.repeats(batch[0].row, batch[-1].row) if batch else {}
        unique: list[_Pending] = []
        for p in batch:
            first = repeats.get(p.row)
            if first is None:
                unique.append(p)
                continue
            self.add_error(
                RowError(
                    p.row,
                    self.id_label,
                    f"身份证号与第{first}行重复：同一人在文件中出现了两次（第{first}行和第{p.row}行），请删去其中一行",
                )
            )
        hits = _registered([p.hmac for p in unique]) if unique else {}
        clean = [p for p in unique if p.hmac not in hits]
        for p in unique:
            existing = hits.get(p.hmac)
            if existing is not None:
                self.add_error(RowError(p.row, self.id_label, duplicate_message(existing, self.actor)))
        with self.lock:
            self.result.valid_rows += len(clean)

    def _write(self, batch: list[_Pending]) -> None:
        label = f"名册导入 {len(batch)}名会员"
        if self.fmt is not None:
            members_write_prepared(
                rows=[p.prepared for p in batch if p.prepared is not None],
                fmt=self.fmt,
                actor=self.actor,
                event_kind=EventKind.IMPORTED,
                audit_action="member.import_batch",
                audit_label=label,
            )
            return
        members_bulk_insert(
            rows=(
                NewMember(org_id=self.org.pk, sealed=p.clean.sealed, profile=p.clean.profile) for p in batch if p.clean
            ),
            actor=self.actor,
            event_kind=EventKind.IMPORTED,
            batch_size=BATCH_SIZE,
            audit_action="member.import_batch",
            audit_label=label,
        )


class _Pending(NamedTuple):
    row: int
    hmac: str
    prepared: PreparedMember | None  # PostgreSQL, while writing
    clean: CleanRow | None  # other databases


def _registered(hmacs: list[str]) -> dict[str, Member]:
    """Members already on the platform among these blind indexes: one query per batch (ANY of an array
    binds one parameter instead of 2,000), then model instances only for the rare hits."""
    table = Member._meta.db_table
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            cursor.execute(f"SELECT id_hmac FROM {table} WHERE id_hmac = ANY(%s)", [hmacs])  # noqa: S608
            found = [row[0] for row in cursor.fetchall()]
        else:
            found = list(Member.objects.filter(id_hmac__in=hmacs).values_list("id_hmac", flat=True))
    if not found:
        return {}
    return {
        m.id_hmac: m
        for m in Member.objects.filter(id_hmac__in=found)
        .select_related("org")
        .only("id_hmac", "status", "org__name", "org__path")
    }


def _scan(
    roster: TabularFile,
    *,
    org: Org,
    actor: Any,
    result: ImportResult,
    write: bool,
    progress: Progress | None,
    total: int,
) -> None:
    rows = iter_rows(roster)
    header = _find_header(rows, result)
    if header is None:
        return
    with transaction.atomic(savepoint=False):  # the temporary table lives as long as the transaction
        seen = SeenRows(connections[DEFAULT_DB_ALIAS])
        seen.open()
        try:
            _scan_rows(
                rows,
                header,
                org=org,
                actor=actor,
                result=result,
                write=write,
                seen=seen,
                progress=progress,
                total=total,
            )
        except TabularFileError as exc:
            # a row the reader refuses (a NUL, an oversized cell, too many rows) ends the file's reading; it is
            # one more problem of the file, and leaves the transaction usable (a caller's, in a check)
            result.add(exc.as_row_error(_column_names(header)))
        seen.close()


def _column_names(header: HeaderMap) -> list[str]:
    names: list[str] = []
    for field, index in header.index.items():
        if index >= len(names):
            names.extend([""] * (index + 1 - len(names)))
        names[index] = header.label(field)
    return names


def _scan_rows(
    rows: Iterator[tuple[int, list[Cell]]],
    header: HeaderMap,
    *,
    org: Org,
    actor: Any,
    result: ImportResult,
    write: bool,
    seen: SeenRows,
    progress: Progress | None,
    total: int,
) -> None:
    normaliser = RowNormaliser(header)
    id_label = header.label("id_number")
    writer = _BatchWriter(
        org=org,
        actor=actor,
        result=result,
        write=write,
        id_label=id_label,
        threaded=connections[DEFAULT_DB_ALIAS].vendor == "postgresql",
        seen=seen,
    )
    batch: list[_Pending] = []
    last_row = header.row
    data_rows = 0
    try:
        for row_number, cells in rows:
            last_row = row_number
            if progress is not None and row_number % BATCH_SIZE == 0:
                progress(row_number, max(total, row_number))
            if normaliser.is_blank(cells):
                continue
            data_rows += 1
            clean_row, errors = normaliser.normalise(row_number, cells)
            if clean_row is None:
                for e in errors:
                    writer.add_error(e)
                continue
            batch.append(writer.pending(clean_row))
            if len(batch) >= BATCH_SIZE:
                writer.submit(batch)
                batch = []
        if batch:
            writer.submit(batch)
    finally:
        result.data_rows = data_rows
        writer.close()
    if result.data_rows == 0 and result.ok:
        result.add(RowError(header.row, "", f"表头（第{header.row}行）下面没有会员数据"))
    if progress is not None:
        progress(last_row, last_row)
