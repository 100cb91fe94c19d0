"""Online joining: a worker applies, the grassroots union approves (creating the member) or rejects."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.text import tidy
from gonghui.orgs.models import Org

from ..choices import EventKind, RequestState
from ..models import JoinRequest, Member
from .identity import seal_id_number
from .registry import _check_org_holds_members, clean_profile, duplicate_message, member_create


@transaction.atomic
def join_request_submit(*, user: Any, org: Org, name: str, id_number: str, mobile: str, **profile: Any) -> JoinRequest:
    if user.member_id is not None:
        raise DomainError("您已是会员，如需转到其他工会请提交转会申请", field="org")
    _check_org_holds_members(org)
    sealed = seal_id_number(id_number)
    values = clean_profile({"name": name, "mobile": mobile, **profile})
    if not values.get("mobile"):
        raise DomainError("请填写手机号码", field="mobile")
    existing = Member.objects.select_related("org").filter(id_hmac=sealed.hmac).first()
    if existing is not None:
        raise Conflict(duplicate_message(existing, user), field="id_number")
    if JoinRequest.objects.filter(id_hmac=sealed.hmac, state=RequestState.PENDING).exists():
        raise Conflict("该身份证号已有一份待审批的入会申请，请耐心等待工会审批", field="id_number")
    allowed = {
        k: v
        for k, v in values.items()
        if k in {"name", "mobile", "ethnicity", "employer", "is_migrant_worker", "is_new_employment"}
    }
    try:
        with transaction.atomic():
            req = JoinRequest.objects.create(
                user=user, org=org, id_cipher=sealed.cipher, id_hmac=sealed.hmac, id_masked=sealed.masked, **allowed
            )
    except IntegrityError:
        raise Conflict("该身份证号已有一份待审批的入会申请", field="id_number") from None
    audit.record(actor=user, action="join_request.submit", obj=req, org_id=org.pk, after=audit.snapshot(req))
    return req


def _lock_pending(req: JoinRequest, version: int | None, actor: Any) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().select_related("org", "user").get(pk=req.pk)
    if not scope_for(actor).allows(Action.APPROVE, locked.org):
        raise NotFound("未找到该申请")
    if version is not None and locked.version != version:
        raise StaleVersion()
    if locked.state != RequestState.PENDING:
        raise DomainError(f"该申请{locked.get_state_display()}，不能重复处理", field="state")
    return locked


@transaction.atomic
def join_request_approve(*, req: JoinRequest, version: int | None, actor: Any) -> Member:
    locked = _lock_pending(req, version, actor)
    from gonghui.core.crypto import decrypt

    number = decrypt(locked.id_cipher, context=b"id_number")
    member = member_create(
        org=locked.org,
        id_number=number,
        actor=actor,
        event_kind=EventKind.JOINED,
        name=locked.name,
        mobile=locked.mobile,
        ethnicity=locked.ethnicity,
        employer=locked.employer,
        is_migrant_worker=locked.is_migrant_worker,
        is_new_employment=locked.is_new_employment,
        joined_on=timezone.localdate(),
    )
    JoinRequest.objects.filter(pk=locked.pk).update(
        state=RequestState.APPROVED,
        decided_by=actor,
        decided_at=timezone.now(),
        member=member,
        version=F("version") + 1,
    )
    user = locked.user
    if user.member_id is None:
        type(user).objects.filter(pk=user.pk).update(member=member)
        from gonghui.accounts.services import role_grant

        role_grant(user=user, org=locked.org, role="member", actor=actor)
    audit.record(
        actor=actor, action="join_request.approve", obj=locked, org_id=locked.org_id, after={"member_id": member.pk}
    )
    return member


@transaction.atomic
def join_request_reject(*, req: JoinRequest, note: str, version: int | None, actor: Any) -> JoinRequest:
    locked = _lock_pending(req, version, actor)
    note = tidy(note)
    if not note:
        raise DomainError("驳回时请写明原因，申请人会看到", field="note")
    JoinRequest.objects.filter(pk=locked.pk).update(
        state=RequestState.REJECTED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note[:200],
        version=F("version") + 1,
    )
    locked.refresh_from_db()
    audit.record(actor=actor, action="join_request.reject", obj=locked, org_id=locked.org_id, after={"note": note})
    return locked


@transaction.atomic
def join_request_cancel(*, req: JoinRequest, actor: Any) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=req.pk)
    if locked.user_id != actor.pk:
        raise NotFound("未找到该申请")
    if locked.state != RequestState.PENDING:
        raise DomainError("只有待审批的申请可以撤回", field="state")
    JoinRequest.objects.filter(pk=locked.pk).update(state=RequestState.CANCELLED, version=F("version") + 1)
    locked.refresh_from_db()
    audit.record(actor=actor, action="join_request.cancel", obj=locked, org_id=locked.org_id)
    return locked
