"""Transfers: the sending union releases, the receiving union accepts. The member's single `org`
changes only at acceptance, so they are never in two unions nor in none."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.text import tidy
from gonghui.orgs.models import Org

from ..choices import EventKind, MemberStatus, RequestState
from ..models import Member, MembershipEvent, TransferRequest
from .registry import _check_org_holds_members

# state → (action, allowed next state)
TRANSITIONS: dict[str, set[str]] = {
    RequestState.PENDING: {RequestState.RELEASED, RequestState.REJECTED, RequestState.CANCELLED},
    RequestState.RELEASED: {RequestState.APPROVED, RequestState.REJECTED, RequestState.CANCELLED},
}


@transaction.atomic
def transfer_request_create(*, member: Member, to_org: Org, reason: str, actor: Any) -> TransferRequest:
    locked = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    own = actor.member_id == locked.pk
    if not own and not scope_for(actor).allows(Action.EDIT, locked.org):
        raise NotFound("未找到该会员")
    if locked.status != MemberStatus.ACTIVE:
        raise DomainError("只有在会会员可以转会", field="status")
    _check_org_holds_members(to_org)
    if to_org.pk == locked.org_id:
        raise DomainError("转入工会与当前所在工会相同", field="to_org")
    try:
        with transaction.atomic():
            req = TransferRequest.objects.create(
                member=locked, from_org=locked.org, to_org=to_org, reason=tidy(reason)[:200], requested_by=actor
            )
    except IntegrityError:
        raise Conflict("该会员已有一份进行中的转会申请", field="to_org") from None
    audit.record(
        actor=actor,
        action="transfer.request",
        obj=req,
        org_id=locked.org_id,
        after={"from_org": locked.org_id, "to_org": to_org.pk},
    )
    return req


def _step(req: TransferRequest, version: int | None, target: str) -> TransferRequest:
    locked = TransferRequest.objects.select_for_update().select_related("member", "from_org", "to_org").get(pk=req.pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    if target not in TRANSITIONS.get(locked.state, set()):
        raise DomainError(f"该申请当前状态为“{locked.get_state_display()}”，不能再办理此步", field="state")
    return locked


@transaction.atomic
def transfer_release(*, req: TransferRequest, version: int | None, actor: Any) -> TransferRequest:
    locked = _step(req, version, RequestState.RELEASED)
    if not scope_for(actor).allows(Action.APPROVE, locked.from_org):
        raise NotFound("未找到该申请")
    TransferRequest.objects.filter(pk=locked.pk).update(
        state=RequestState.RELEASED, released_by=actor, version=F("version") + 1
    )
    locked.refresh_from_db()
    audit.record(
        actor=actor, action="transfer.release", obj=locked, org_id=locked.from_org_id, after={"state": "released"}
    )
    return locked


@transaction.atomic
def transfer_accept(*, req: TransferRequest, version: int | None, actor: Any) -> Member:
    locked = _step(req, version, RequestState.APPROVED)
    if not scope_for(actor).allows(Action.APPROVE, locked.to_org):
        raise NotFound("未找到该申请")
    _check_org_holds_members(locked.to_org)
    member = Member.objects.select_for_update().get(pk=locked.member_id)
    if member.org_id != locked.from_org_id or member.status != MemberStatus.ACTIVE:
        raise DomainError("该会员的会籍已发生变化，请驳回此申请后重新办理", field="state")
    Member.objects.filter(pk=member.pk).update(org=locked.to_org, version=F("version") + 1)
    TransferRequest.objects.filter(pk=locked.pk).update(
        state=RequestState.APPROVED, decided_by=actor, version=F("version") + 1
    )
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.TRANSFERRED,
        from_org=locked.from_org,
        to_org=locked.to_org,
        reason=locked.reason,
        actor=actor,
    )
    member.refresh_from_db()
    audit.record(
        actor=actor,
        action="transfer.accept",
        obj=member,
        before={"org_id": locked.from_org_id},
        after={"org_id": locked.to_org_id},
    )
    return member


@transaction.atomic
def transfer_reject(*, req: TransferRequest, note: str, version: int | None, actor: Any) -> TransferRequest:
    locked = _step(req, version, RequestState.REJECTED)
    scope = scope_for(actor)
    # Before release the sending union decides; after release the receiving one.
    deciding = locked.from_org if locked.state == RequestState.PENDING else locked.to_org
    if not scope.allows(Action.APPROVE, deciding):
        raise NotFound("未找到该申请")
    note = tidy(note)
    if not note:
        raise DomainError("驳回时请写明原因", field="note")
    TransferRequest.objects.filter(pk=locked.pk).update(
        state=RequestState.REJECTED, decided_by=actor, decision_note=note[:200], version=F("version") + 1
    )
    locked.refresh_from_db()
    audit.record(actor=actor, action="transfer.reject", obj=locked, org_id=deciding.pk, after={"note": note})
    return locked


@transaction.atomic
def transfer_cancel(*, req: TransferRequest, actor: Any) -> TransferRequest:
    locked = _step(req, None, RequestState.CANCELLED)
    if locked.requested_by_id != actor.pk and actor.member_id != locked.member_id:
        raise NotFound("未找到该申请")
    TransferRequest.objects.filter(pk=locked.pk).update(state=RequestState.CANCELLED, version=F("version") + 1)
    locked.refresh_from_db()
    audit.record(actor=actor, action="transfer.cancel", obj=locked, org_id=locked.from_org_id)
    return locked
