"""Transfers: the sending union releases, the receiving union accepts (a two-level review chain, see
members/flows.py). The member's single `org` changes only at acceptance, so they are never in two unions
nor in none. Nobody releases or accepts a transfer of their own member record or one they requested."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit, review, workflow
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.core.models import ReviewDecision
from gonghui.core.text import tidy_text
from gonghui.orgs.models import Org

from ..choices import EventKind, MemberStatus
from ..flows import TRANSFER_CHAIN, TRANSFER_FLOW
from ..models import Member, MembershipEvent, TransferRequest
from .registry import _check_org_holds_members


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
                member=locked, from_org=locked.org, to_org=to_org, reason=tidy_text(reason)[:200], requested_by=actor
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


def _expect(locked: TransferRequest, step: str) -> None:
    """Release and accept are one review decision (通过) at two levels: the caller names which one it
    means, and a request in the other state is refused in the table's words (both unions see it)."""
    s = TRANSFER_FLOW.step(step)
    if locked.state not in s.sources:
        state = TRANSFER_FLOW.state_label(locked.state)
        raise DomainError(TRANSFER_FLOW.wrong_state.format(state=state, step=s.label), field="state")


def _decide(req: TransferRequest, decision: str, version: int | None, actor: Any, note: str = "") -> TransferRequest:
    values: dict[str, Any] = {}
    if decision == ReviewDecision.REJECT:
        values = {"decided_by": actor, "decision_note": tidy_text(note)[:200]}
    elif req.state == "pending":
        values = {"released_by": actor}
    else:
        values = {"decided_by": actor}
    locked, _step = review.decide(
        TRANSFER_CHAIN,
        TRANSFER_FLOW,
        req,
        decision=decision,
        actor=actor,
        version=version,
        comment=tidy_text(note),
        values=values,
        related=("member", "from_org", "to_org"),
    )
    return locked


@transaction.atomic
def transfer_release(*, req: TransferRequest, version: int | None, actor: Any) -> TransferRequest:
    locked = workflow.lock(TransferRequest, req.pk)
    _expect(locked, "release")
    return _decide(locked, ReviewDecision.APPROVE, version, actor)


@transaction.atomic
def transfer_accept(*, req: TransferRequest, version: int | None, actor: Any) -> Member:
    locked = workflow.lock(TransferRequest, req.pk)
    _expect(locked, "accept")
    locked = _decide(locked, ReviewDecision.APPROVE, version, actor)
    # The side effect of acceptance: the member moves, once, under a lock on the member row.
    _check_org_holds_members(locked.to_org)
    member = workflow.lock(Member, locked.member_id)
    if member.org_id != locked.from_org_id or member.status != MemberStatus.ACTIVE:
        raise DomainError("该会员的会籍已发生变化，请驳回此申请后重新办理", field="state")
    Member.objects.filter(pk=member.pk).update(org=locked.to_org, version=F("version") + 1)
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
    return _decide(req, ReviewDecision.REJECT, version, actor, note)


@transaction.atomic
def transfer_cancel(*, req: TransferRequest, actor: Any) -> TransferRequest:
    return workflow.run(TRANSFER_FLOW, req, step="cancel", actor=actor, version=None)
