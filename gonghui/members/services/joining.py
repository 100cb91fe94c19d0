"""Online joining: a worker applies; the review chain of members/flows.py decides level by level
(通过 / 退回修改 / 驳回); the last 通过 creates the member. Nobody decides on their own request."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import audit, review, workflow
from gonghui.core.errors import Conflict, DomainError
from gonghui.core.models import ReviewDecision
from gonghui.core.text import tidy_text
from gonghui.orgs.models import Org

from ..choices import EventKind, RequestState
from ..flows import JOIN_CHAIN, JOIN_FLOW
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
    if JoinRequest.objects.filter(id_hmac=sealed.hmac, state=RequestState.RETURNED).exists():
        raise Conflict("该身份证号已有一份退回修改的入会申请，请在“我的申请”里修改后重新提交", field="id_number")
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


def decide_join(
    *, req: JoinRequest, decision: str, version: int | None, actor: Any, note: str = ""
) -> tuple[JoinRequest, Member | None]:
    """One reviewer's decision on a join request at the level that decides now (core.review): 通过 (the
    next level, or — at the last — the member record), 退回修改 or 驳回. Nobody decides on a request
    they submitted themselves."""
    with transaction.atomic():
        note = tidy_text(note)
        # The latest decision and its note are what the applicant sees; the whole trail is in ReviewStep.
        values = {"decided_by": actor, "decided_at": timezone.now(), "decision_note": note[:200]}
        locked, _step = review.decide(
            JOIN_CHAIN, JOIN_FLOW, req, decision=decision, actor=actor, version=version, comment=note, values=values
        )
        member = None
        if locked.state == RequestState.APPROVED:
            member = _admit(locked, actor)
        return locked, member


def _admit(locked: JoinRequest, actor: Any) -> Member:
    """The side effect of the last 通过: the member record, the link to the applicant's account."""
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
    JoinRequest.objects.filter(pk=locked.pk).update(member=member)
    user = locked.user
    if user.member_id is None:
        type(user).objects.filter(pk=user.pk).update(member=member)
        from gonghui.accounts.services import role_grant

        role_grant(user=user, org=locked.org, role="member", actor=actor)
    return member


@transaction.atomic
def join_request_approve(*, req: JoinRequest, version: int | None, actor: Any, note: str = "") -> Member | None:
    """通过 at the level that decides now. At the last level the member is created and returned; before
    it the request waits for the next level and None is returned."""
    _locked, member = decide_join(req=req, decision=ReviewDecision.APPROVE, version=version, actor=actor, note=note)
    return member


@transaction.atomic
def join_request_reject(*, req: JoinRequest, note: str, version: int | None, actor: Any) -> JoinRequest:
    locked, _ = decide_join(req=req, decision=ReviewDecision.REJECT, version=version, actor=actor, note=note)
    return locked


@transaction.atomic
def join_request_return(*, req: JoinRequest, note: str, version: int | None, actor: Any) -> JoinRequest:
    """退回修改: the applicant sees the note, corrects the request and submits it again."""
    locked, _ = decide_join(req=req, decision=ReviewDecision.RETURN, version=version, actor=actor, note=note)
    return locked


RESUBMIT_FIELDS = {"name", "mobile", "ethnicity", "employer", "is_migrant_worker", "is_new_employment"}


@transaction.atomic
def join_request_resubmit(*, req: JoinRequest, version: int | None, actor: Any, **corrections: Any) -> JoinRequest:
    """The applicant corrects a returned request and submits it again; the review chain restarts at its
    first level. The ID number stays: to apply with another one, withdraw this request and apply anew."""
    unknown = set(corrections) - RESUBMIT_FIELDS
    if unknown:
        raise DomainError("只能修改姓名、手机号码、民族、工作单位和职工类别", field=sorted(unknown)[0])
    values = clean_profile(dict(corrections)) if corrections else {}
    if "mobile" in corrections and not values.get("mobile"):
        raise DomainError("请填写手机号码", field="mobile")
    changed = {k: v for k, v in values.items() if k in RESUBMIT_FIELDS}
    if JoinRequest.objects.filter(id_hmac=req.id_hmac, state=RequestState.PENDING).exclude(pk=req.pk).exists():
        raise Conflict("该身份证号已有一份待审批的入会申请", field="id_number")
    try:
        with transaction.atomic():
            locked = workflow.run(
                JOIN_FLOW,
                req,
                step="resubmit",
                actor=actor,
                version=version,
                values={**changed, "decision_note": ""},
                audit_after={"changed": sorted(changed)},
            )
    except IntegrityError:
        raise Conflict("该身份证号已有一份待审批的入会申请", field="id_number") from None
    return locked


@transaction.atomic
def join_request_cancel(*, req: JoinRequest, actor: Any) -> JoinRequest:
    return workflow.run(JOIN_FLOW, req, step="cancel", actor=actor, version=None)
