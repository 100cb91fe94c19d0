"""Batch writes of many members at once (roster import, demo seeding).

Rows arrive already validated (`clean_profile`, `seal_id_number`); this only writes, in batches, with
one membership event per member and one audit event per batch that lists the new member ids.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from gonghui.core import audit

from ..choices import EventKind
from ..models import FamilyMember, Household, Member, MembershipEvent
from .identity import SealedId, name_initials

_UNSURE = "?"


@lru_cache(maxsize=20_000)
def _char_initial(ch: str) -> str:
    """The initial of one character when every reading pypinyin knows for it starts with the same letter
    (和: hé/hè/huó/huò/hú → h); otherwise "?", and the whole name goes through pypinyin's phrase logic."""
    from pypinyin.pinyin_dict import pinyin_dict  # 0.2 s and 40 MB: only for imports and seeding

    readings = pinyin_dict.get(ord(ch))
    if not readings:
        return "" if not ("\u4e00" <= ch <= "\u9fff") and not ch.isalpha() else _UNSURE
    firsts = {unicodedata.normalize("NFD", r)[0].lower() for r in readings.split(",")}
    return firsts.pop() if len(firsts) == 1 else _UNSURE


@lru_cache(maxsize=200_000)
def _initials(name: str) -> str:
    """Same answer as `name_initials` (pypinyin), several times faster: names repeat, and most characters
    have one possible initial, so pypinyin's segmentation is only needed for the rest."""
    out = []
    for ch in name:
        initial = _char_initial(ch)
        if initial == _UNSURE:
            return name_initials(name)
        out.append(initial)
    return "".join(out).lower()[:50]


def _shorten_logged_queries(last: int = 8, keep: int = 300) -> None:
    """With DEBUG on, Django keeps the text of the last 9,000 queries; a 2,000-row INSERT is ~1 MB of it.
    Cut the big ones we just ran so a long import or seeding keeps memory flat (query counts unchanged)."""
    if not connection.queries_logged:
        return
    log = connection.queries_log
    for i in range(1, min(last, len(log)) + 1):
        entry = log[-i]
        if len(entry.get("sql") or "") > keep:
            log[-i] = {**entry, "sql": entry["sql"][:keep] + "…"}


@dataclass
class NewMember:
    org_id: int
    sealed: SealedId
    profile: dict[str, Any] = field(default_factory=dict)  # output of clean_profile; must hold "name"


# ------------------------------------------------------------------------------------ COPY text format


def _escape(text: str) -> str:
    """A string as a field of COPY's text format (backslash, tab, newline and carriage return escaped)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text(value: Any) -> str:
    """One value in COPY's text format; the types members and events hold, nothing else."""
    if value.__class__ is str:
        return _escape(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):  # a TextChoices member
        return _escape(str(value))
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):  # a datetime is aware (USE_TZ): its offset is written
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} with COPY")


class _CopyFormat:
    """Rows of one model as lines of COPY's text format, built without touching the database.

    Fields a row does not give take the model's default; auto_now / auto_now_add fields the time the
    format was made (one time for a whole import, as one transaction writes it)."""

    def __init__(self, model: type[models.Model], *, now: dt.datetime, with_pk: bool) -> None:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.model = model
        self.columns = [f.column for f in fields]
        self.defaults: dict[str, str] = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = _text(now)
            elif f.has_default() and callable(f.default):
                raise TypeError(f"{model.__name__}.{f.name}: a callable default cannot be written with COPY")
            else:
                self.defaults[f.attname] = _text(None if f.primary_key else f.get_default())


@dataclass(frozen=True, slots=True)
class PreparedMember:
    """A validated member as COPY text (every column but the id, which is drawn when it is written)."""

    org_id: int
    line: str


class MemberCopyFormat:
    """Turns validated rows into `PreparedMember`s: pure Python, so a caller can do it on one thread while
    another writes the previous batch (`members_write_prepared`)."""

    def __init__(self, *, now: dt.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.members = _CopyFormat(Member, now=self.now, with_pk=False)

    def prepare(self, org_id: int, sealed: SealedId, profile: dict[str, Any]) -> PreparedMember:
        out = self.members.defaults.copy()
        for name, value in profile.items():
            if name not in out:
                raise TypeError(f"Member has no field {name!r}")
            out[name] = _text(value)
        info = sealed.info
        out["org_id"] = str(org_id)
        out["id_cipher"] = sealed.cipher  # base64 and hex: nothing to escape
        out["id_hmac"] = sealed.hmac
        out["id_masked"] = sealed.masked
        out["birth_date"] = info.birth_date.isoformat()
        out["sex"] = info.sex
        out["name_initials"] = _escape(_initials(profile["name"]))
        return PreparedMember(org_id=org_id, line="\t".join(out.values()))


def members_write_prepared(
    *,
    rows: list[PreparedMember],
    fmt: MemberCopyFormat,
    actor: Any,
    event_kind: str = EventKind.IMPORTED,
    audit_action: str = "member.bulk_create",
    audit_label: str = "",
) -> list[int]:
    """Write one batch (PostgreSQL; call inside a transaction) in four round trips: ids drawn from the
    table's sequence, the members with one COPY, one membership event each with one INSERT … SELECT, one
    audit event listing the ids. Few round trips matter: a writer thread waits for the GIL after each."""
    if not rows:
        return []
    ids = _next_ids(Member, len(rows))
    members = "".join([f"{pk}\t{r.line}\n" for pk, r in zip(ids, rows, strict=True)])
    _copy_text(Member, [Member._meta.pk.column, *fmt.members.columns], members)
    _insert_events(ids=ids, org_ids=[r.org_id for r in rows], kind=event_kind, actor=actor, at=fmt.now)
    audit.record(
        actor=actor,
        action=audit_action,
        object_type="members.member",
        object_id=f"{ids[0]}-{ids[-1]}",
        object_label=audit_label or f"{len(ids)}名会员",
        org_id=rows[0].org_id,
        after={"member_ids": ids},
    )
    return ids


def _insert_events(*, ids: list[int], org_ids: list[int], kind: str, actor: Any, at: dt.datetime) -> None:
    """One "joined/imported" membership event per new member, built by the server from two arrays."""
    from psycopg import sql

    opts = MembershipEvent._meta
    columns = {f.name: f.column for f in opts.concrete_fields}

    def column(name: str) -> sql.Identifier:
        return sql.Identifier(columns[name])

    statement = sql.SQL(
        "INSERT INTO {table} ({member}, {kind}, {from_org}, {to_org}, {reason}, {at}, {actor})"
        " SELECT m, %s, NULL, o, '', %s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS u(m, o)"
    ).format(
        table=sql.Identifier(opts.db_table),
        member=column("member"),
        kind=column("kind"),
        from_org=column("from_org"),
        to_org=column("to_org"),
        reason=column("reason"),
        at=column("at"),
        actor=column("actor"),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [kind, at, getattr(actor, "pk", None), ids, org_ids])


def members_bulk_insert(
    *,
    rows: Iterable[NewMember],
    actor: Any,
    event_kind: str = EventKind.IMPORTED,
    batch_size: int = 2000,
    audit_action: str = "member.bulk_create",
    audit_label: str = "",
) -> list[int]:
    """Insert every row or none (call inside the caller's transaction for all-or-nothing files).

    On PostgreSQL the rows go in with COPY (ids drawn from the table's sequence first), which is several
    times faster than INSERT through the ORM; elsewhere through `bulk_create`."""
    created: list[int] = []
    batch: list[NewMember] = []
    fmt = MemberCopyFormat() if connection.vendor == "postgresql" else None

    def values(r: NewMember) -> dict[str, Any]:
        return {
            "org_id": r.org_id,
            "id_cipher": r.sealed.cipher,
            "id_hmac": r.sealed.hmac,
            "id_masked": r.sealed.masked,
            "birth_date": r.sealed.info.birth_date,
            "sex": r.sealed.info.sex,
            "name_initials": _initials(r.profile["name"]),
            **r.profile,
        }

    def flush() -> None:
        if fmt is not None:
            ids = members_write_prepared(
                rows=[fmt.prepare(r.org_id, r.sealed, r.profile) for r in batch],
                fmt=fmt,
                actor=actor,
                event_kind=event_kind,
                audit_action=audit_action,
                audit_label=audit_label,
            )
        else:
            members = [Member(**values(r)) for r in batch]
            Member.objects.bulk_create(members, batch_size=batch_size)
            if members and members[0].pk is None:  # SQLite before RETURNING support: look the ids up
                by_hmac = dict(
                    Member.objects.filter(id_hmac__in=[m.id_hmac for m in members]).values_list("id_hmac", "pk")
                )
                for m in members:
                    m.pk = by_hmac[m.id_hmac]
            MembershipEvent.objects.bulk_create(
                [MembershipEvent(member_id=m.pk, kind=event_kind, to_org_id=m.org_id, actor=actor) for m in members],
                batch_size=batch_size,
            )
            ids = [m.pk for m in members]
            audit.record(
                actor=actor,
                action=audit_action,
                object_type="members.member",
                object_id=f"{ids[0]}-{ids[-1]}",
                object_label=audit_label or f"{len(ids)}名会员",
                org_id=batch[0].org_id,
                after={"member_ids": ids},
            )
        created.extend(ids)
        batch.clear()
        _shorten_logged_queries()

    _in_batches(rows, batch, batch_size, flush)
    return created


def _next_ids(model: type[models.Model], n: int) -> list[int]:
    """Reserve `n` primary keys from the table's identity sequence (PostgreSQL), ascending; one round trip,
    the ids coming back as one array."""
    from psycopg import sql

    sequence = _sequence(connection.settings_dict["NAME"], model._meta.db_table, model._meta.pk.column)
    statement = sql.SQL("SELECT array(SELECT nextval({}::regclass) FROM generate_series(1, %s))").format(
        sql.Literal(sequence)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [n])
        return sorted(cursor.fetchone()[0])


@lru_cache(maxsize=32)
def _sequence(database: str, table: str, column: str) -> str:
    """The sequence behind an identity column (asked once; then a constant in the nextval query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return str(cursor.fetchone()[0])


@contextmanager
def member_keys_checked_per_statement() -> Iterator[None]:
    """Within the block (PostgreSQL, inside a transaction), the foreign keys of members and their events
    are checked at the end of each statement instead of all at commit.

    Same checks, same all-or-nothing; only the moment moves. A long import that writes on one thread while
    preparing on another then has the server check batch n while Python prepares batch n + 1, instead of
    running 600,000 checks at COMMIT while Python waits. The keys go back to deferred afterwards."""
    tables = [Member._meta.db_table, MembershipEvent._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferrable AND condeferred"
            " AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        names = sorted(row[0] for row in cursor.fetchall())
    if not names:
        yield
        return
    from psycopg import sql

    listed = sql.SQL(", ").join(sql.Identifier(n) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET CONSTRAINTS {} IMMEDIATE").format(listed))
    yield
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET CONSTRAINTS {} DEFERRED").format(listed))


def _copy_text(model: type[models.Model], columns: list[str], data: str) -> None:
    """COPY lines already in COPY's text format into the model's table, in one write. Driver errors come
    out as Django's (IntegrityError…)."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        copy.write(data.encode("utf-8"))


@dataclass
class NewFamilyMember:
    name: str  # already tidied
    relation: str  # a Relation value
    sealed: SealedId | None = None
    is_student: bool = False
    school: str = ""


@dataclass
class NewHousehold:
    head_id: int
    org_id: int
    address: str = ""
    family: list[NewFamilyMember] = field(default_factory=list)


def households_bulk_insert(
    *, rows: Iterable[NewHousehold], actor: Any, batch_size: int = 2000, audit_label: str = ""
) -> int:
    """Households with their family members, in batches (demo seeding). Rows arrive validated.

    One audit event per batch lists the new household ids. Returns how many households were written."""
    written = 0
    batch: list[NewHousehold] = []

    def flush() -> None:
        nonlocal written
        households = [Household(head_id=r.head_id, address=r.address) for r in batch]
        Household.objects.bulk_create(households, batch_size=batch_size)
        if households and households[0].pk is None:  # backends without RETURNING
            by_head = dict(
                Household.objects.filter(head_id__in=[h.head_id for h in households]).values_list("head_id", "pk")
            )
            for h in households:
                h.pk = by_head[h.head_id]
        family = [
            FamilyMember(
                household_id=h.pk,
                name=f.name,
                relation=f.relation,
                id_cipher=f.sealed.cipher if f.sealed else "",
                id_hmac=f.sealed.hmac if f.sealed else "",
                id_masked=f.sealed.masked if f.sealed else "",
                birth_date=f.sealed.info.birth_date if f.sealed else None,
                sex=f.sealed.info.sex if f.sealed else "",
                is_student=f.is_student,
                school=f.school,
            )
            for h, r in zip(households, batch, strict=True)
            for f in r.family
        ]
        FamilyMember.objects.bulk_create(family, batch_size=batch_size)
        ids = [h.pk for h in households]
        audit.record(
            actor=actor,
            action="household.bulk_create",
            object_type="members.household",
            object_id=f"{ids[0]}-{ids[-1]}",
            object_label=audit_label or f"{len(ids)}户家庭，{len(family)}名家庭成员",
            org_id=batch[0].org_id,
            after={"household_ids": ids},
        )
        written += len(ids)
        batch.clear()
        _shorten_logged_queries()

    _in_batches(rows, batch, batch_size, flush)
    return written


def _in_batches(rows: Iterable[Any], batch: list[Any], batch_size: int, flush: Callable[[], None]) -> None:
    """Fill `batch` from `rows` and call `flush` whenever it is full, all in one transaction: a failing
    batch leaves nothing of the earlier ones behind."""
    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
