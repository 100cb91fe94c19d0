"""Member record routes: search, add one member, read, edit, reveal the full ID number (audited), membership events,
and starting a transfer."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Status

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action
from gonghui.core.errors import DomainError
from gonghui.core.text import tidy
from gonghui.members.selectors import get_member_for_user
from gonghui.orgs.models import Org, OrgStatus
from gonghui.orgs.selectors import get_org_for_user

from .. import selectors, services
from ..models import MembershipEvent
from .routers import router
from .schemas import (
    EventOut,
    MemberCreateIn,
    MemberFilters,
    MemberOut,
    MemberPage,
    MemberUpdateIn,
    ObjectId,
    RevealOut,
    TransferCreateIn,
    TransferOut,
    member_out,
    member_out_fresh,
    transfer_out_fresh,
)


@router.get("/", response={200: MemberPage, **ERRORS}, summary="查找会员（分页）", operation_id="member_list")
def member_list(request: HttpRequest, filters: Query[MemberFilters]) -> MemberPage:
    user = caller(request)
    org = get_org_for_user(user, Action.VIEW, code=tidy(filters.org)) if filters.org else None
    page = selectors.member_search(
        user=user,
        q=filters.q or "",
        filters=selectors.MemberFilters(
            org=org,
            status=filters.status.value if filters.status else "",
            sex=filters.sex.value if filters.sex else "",
            ethnicity=tidy(filters.ethnicity or ""),
            migrant=filters.is_migrant_worker,
            new_employment=filters.is_new_employment,
        ),
        after_id=filters.after,
        limit=filters.limit,
    )
    if page.error:
        raise DomainError(page.error, field="q")
    return MemberPage(items=[member_out(m) for m in page.members], next_cursor=page.next_after)


@router.post("/", response={201: MemberOut, **WRITE_ERRORS}, summary="登记一名会员", operation_id="member_create")
def member_create(request: HttpRequest, payload: MemberCreateIn) -> Status[MemberOut]:
    """The same rules as a roster row: 政治面貌 and 学历 words, 性别 and 出生日期 against the ID number. A
    duplicate ID number answers 409 naming the union that holds the person (masked outside your scope)."""
    user = caller(request)
    org = get_org_for_user(user, Action.EDIT, code=tidy(payload.org_code))
    values = payload.dict(exclude={"org_code"})
    member = services.member_register(org=org, values=values, actor=user)
    return Status(201, member_out_fresh(member.pk))


@router.get("/{member_id}", response={200: MemberOut, **ERRORS}, summary="读取会员", operation_id="member_get")
def member_get(request: HttpRequest, member_id: ObjectId) -> MemberOut:
    return member_out(get_member_for_user(caller(request), Action.VIEW, member_id))


@router.patch(
    "/{member_id}", response={200: MemberOut, **WRITE_ERRORS}, summary="修改会员信息", operation_id="member_update"
)
def member_update(request: HttpRequest, member_id: ObjectId, payload: MemberUpdateIn) -> MemberOut:
    member = get_member_for_user(caller(request), Action.EDIT, member_id)
    # Omitted or null leaves a field as it is; "" clears a text field; `joined_on: null` clears the date.
    data = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if k != "version" and (v is not None or k == "joined_on")
    }
    updated = services.member_update(member=member, data=data, version=payload.version, actor=caller(request))
    return member_out_fresh(updated.pk)


@router.post(
    "/{member_id}/reveal-id",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号（留审计记录）",
    operation_id="member_reveal_id",
)
def member_reveal_id(request: HttpRequest, member_id: ObjectId) -> RevealOut:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    number = services.member_reveal_id(member=member, actor=caller(request))
    return RevealOut(id=member.pk, id_number=number)


@router.get(
    "/{member_id}/events",
    response={200: list[EventOut], **ERRORS},
    summary="会籍变动记录",
    operation_id="member_events",
)
def member_events(request: HttpRequest, member_id: ObjectId) -> list[EventOut]:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    events = MembershipEvent.objects.filter(member=member).select_related("from_org", "to_org").order_by("-at", "-id")
    return [
        EventOut(
            kind=e.kind,
            kind_label=e.get_kind_display(),
            from_org_code=e.from_org.code if e.from_org else None,
            to_org_code=e.to_org.code if e.to_org else None,
            reason=e.reason,
            at=e.at,
        )
        for e in events[:500]
    ]


@router.post(
    "/{member_id}/transfers",
    response={201: TransferOut, **WRITE_ERRORS},
    summary="发起转会",
    operation_id="transfer_create",
)
def transfer_create(request: HttpRequest, member_id: ObjectId, payload: TransferCreateIn) -> Status[TransferOut]:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    to_org = Org.objects.filter(code=tidy(payload.to_org_code), status=OrgStatus.ACTIVE).first()
    if to_org is None:
        raise DomainError("未找到转入工会，请核对组织编码", field="to_org_code")
    req = services.transfer_request_create(member=member, to_org=to_org, reason=payload.reason, actor=caller(request))
    return Status(201, transfer_out_fresh(req.pk))
