"""Batch writes of many members at once (roster import, demo seeding).

Rows arrive already validated (`clean_profile`, `seal_id_number`); this only writes, in batches, with
one membership event per member and one audit event per batch that lists the new member ids.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from pypinyin.pinyin_dict import pinyin_dict

from gonghui.core import audit

from ..choices import EventKind
from ..models import FamilyMember, Household, Member, MembershipEvent
from .identity import SealedId, name_initials

_UNSURE = "?"


@lru_cache(maxsize=20_000)
def _char_initial(ch: str) -> str:
    """The initial of one character when every reading pypinyin knows for it starts with the same letter
    (和: hé/hè/huó/huò/hú → h); otherwise "?", and the whole name goes through pypinyin's phrase logic."""
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
    use_copy = connection.vendor == "postgresql"
    actor_id = getattr(actor, "pk", None)

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
        if use_copy:
            ids = _next_ids(Member, len(batch))
            _copy(Member, ({"id": pk, **values(r)} for pk, r in zip(ids, batch, strict=True)))
            _copy(
                MembershipEvent,
                (
                    {"member_id": pk, "kind": event_kind, "to_org_id": r.org_id, "actor_id": actor_id}
                    for pk, r in zip(ids, batch, strict=True)
                ),
                with_pk=False,
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

    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return created


def _next_ids(model: type[models.Model], n: int) -> list[int]:
    """Reserve `n` primary keys from the table's identity sequence (PostgreSQL), ascending."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, n],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], rows: Iterable[dict[str, Any]], *, with_pk: bool = True) -> None:
    """COPY rows (dicts keyed by attname) into the model's table; absent fields take the model's default,
    auto_now / auto_now_add fields the current time. Driver errors come out as Django's (IntegrityError…)."""
    from psycopg import sql

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    known = {f.attname for f in fields}
    fixed: dict[str, Any] = {}
    per_row: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = now
        elif f.has_default() and callable(f.default):
            per_row[f.attname] = f
        elif not f.primary_key:
            fixed[f.attname] = f.get_default()
    names = [f.attname for f in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if not known.issuperset(row):
                raise TypeError(f"{model.__name__} has no field(s) {sorted(set(row) - known)}")
            copy.write_row(
                [row[n] if n in row else (per_row[n].get_default() if n in per_row else fixed[n]) for n in names]
            )


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

    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return written
