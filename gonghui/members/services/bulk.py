"""Batch writes of many members at once (roster import, demo seeding).

Rows arrive already validated (`clean_profile`, `seal_id_number`); this only writes, in batches, with
one membership event per member and one audit event per batch that lists the new member ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import transaction

from gonghui.core import audit

from ..choices import EventKind
from ..models import FamilyMember, Household, Member, MembershipEvent
from .identity import SealedId, name_initials

# Names repeat a lot in a roster (surname + one or two common characters); pypinyin is the slowest step
# of a batch insert, so its answer is kept per name.
_initials = lru_cache(maxsize=200_000)(name_initials)


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
    """Insert every row or none (call inside the caller's transaction for all-or-nothing files)."""
    created: list[int] = []
    batch: list[NewMember] = []

    def flush() -> None:
        members = [
            Member(
                org_id=r.org_id,
                id_cipher=r.sealed.cipher,
                id_hmac=r.sealed.hmac,
                id_masked=r.sealed.masked,
                birth_date=r.sealed.info.birth_date,
                sex=r.sealed.info.sex,
                name_initials=_initials(r.profile["name"]),
                **r.profile,
            )
            for r in batch
        ]
        Member.objects.bulk_create(members, batch_size=batch_size)
        if members and members[0].pk is None:  # SQLite before RETURNING support: look the ids up
            by_hmac = dict(Member.objects.filter(id_hmac__in=[m.id_hmac for m in members]).values_list("id_hmac", "pk"))
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

    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return created


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

    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    return written
