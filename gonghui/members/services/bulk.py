"""Batch writes of many members at once (roster import, demo seeding).

Rows arrive already validated (`clean_profile`, `seal_id_number`); this only writes, in batches, with
one membership event per member and one audit event per batch that lists the new member ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gonghui.core import audit

from ..choices import EventKind
from ..models import Member, MembershipEvent
from .identity import SealedId, name_initials


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
                name_initials=name_initials(r.profile["name"]),
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
