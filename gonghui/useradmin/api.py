"""Account management API (ADR 0007), mounted at /api/accounts: the same services as the pages. An
account out of the caller's reach answers 404 like an absent one; a one-time password appears once, in
the answer of the call that made it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from gonghui.accounts import services
from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.models import Role, User
from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.text import tidy
from gonghui.members.services.accounts_bulk import SKIP_REASONS, worker_accounts_for_union
from gonghui.orgs.selectors import get_org_for_user

from . import selectors

router = Router(tags=["账号管理"])

MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Strict(Schema):
    model_config = {"extra": "forbid"}


class AccountRoleOut(Schema):
    id: int
    role: str
    role_label: str
    org_code: str
    org_name: str


class AccountOut(Schema):
    id: int
    name: str
    mobile: str
    is_active: bool
    activated: bool = Field(description="已设置密码（批量开通、尚未本人激活的账号为 false）")
    must_change_password: bool
    member_id: int | None
    org_code: str | None = Field(description="所属（管理）组织")
    date_joined: dt.datetime
    roles: list[AccountRoleOut]


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None = Field(description="下一页传入 cursor=该值；没有下一页时为 null")
    prev_cursor: str | None = Field(description="上一页传入 cursor=该值；第一页时为 null")


class AccountFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名开头，或手机号码（开头）；新建的账号在前")
    cursor: str | None = Field(None, max_length=1000, description="上一次回答中的 next_cursor / prev_cursor")
    limit: int = Field(50, ge=1, le=200)


class AccountCreateIn(Strict):
    mobile: str = Field(..., max_length=20)
    name: str = Field("", max_length=50, description="关联会员时可留空，取档案姓名")
    org_code: str = Field(..., max_length=32, description="所属组织的编码；角色也授予在这里")
    role: Role | None = None
    member_id_number: str | None = Field(None, max_length=24, description="关联的会员身份证号（您管理范围内）")


class AccountCreatedOut(Schema):
    account: AccountOut
    one_time_password: str = Field(description="只出现这一次；本人首次登录须修改")


class PasswordResetOut(Schema):
    account: AccountOut
    one_time_password: str


class GrantIn(Strict):
    org_code: str = Field(..., max_length=32)
    role: Role


class BulkIn(Strict):
    org_code: str = Field(..., max_length=32, description="基层工会（或工会小组）的编码")


class SkipOut(Schema):
    reason: str
    reason_label: str
    count: int


class BulkOut(Schema):
    created: int
    skipped: list[SkipOut]


def account_out(user: User) -> AccountOut:
    roles = [
        AccountRoleOut(id=r.pk, role=r.role, role_label=r.get_role_display(), org_code=r.org.code, org_name=r.org.name)
        for r in selectors.account_roles(user)
    ]
    managed = getattr(user, "managed_at", None)
    return AccountOut(
        id=user.pk,
        name=user.name,
        mobile=user.mobile,
        is_active=user.is_active,
        activated=user.has_usable_password(),
        must_change_password=user.must_change_password,
        member_id=user.member_id,
        org_code=managed.code if managed is not None else None,
        date_joined=user.date_joined,
        roles=roles,
    )


def _manager(request: HttpRequest) -> User:
    user = caller(request)
    if not scope_for(user).paths.get(Action.ACCOUNTS):
        raise NotFound("未找到该记录")
    return user


@router.get("/", response={200: AccountPage, **ERRORS}, summary="账号列表（分页）", operation_id="account_list")
def account_list(request: HttpRequest, filters: Query[AccountFilters]) -> AccountPage:
    actor = _manager(request)
    page = selectors.account_search(actor=actor, q=filters.q or "", cursor=filters.cursor, size=filters.limit)
    return AccountPage(
        items=[account_out(u) for u in page.items], next_cursor=page.next_cursor, prev_cursor=page.prev_cursor
    )


@router.post("/", response={201: AccountCreatedOut, **WRITE_ERRORS}, summary="新建账号", operation_id="account_create")
def account_create(request: HttpRequest, payload: AccountCreateIn) -> Status:
    actor = _manager(request)
    org = get_org_for_user(actor, Action.ACCOUNTS, code=tidy(payload.org_code))
    member = selectors.member_for_link(actor, payload.member_id_number) if payload.member_id_number else None
    name = payload.name or (member.name if member else "")
    user, password = services.account_create(
        actor=actor,
        mobile=payload.mobile,
        name=name,
        org=org,
        member=member,
        role=payload.role.value if payload.role else "",
    )
    fresh = selectors.get_account_for_user(actor, user.pk)
    return Status(201, AccountCreatedOut(account=account_out(fresh), one_time_password=password))


@router.post(
    "/bulk-for-union",
    response={200: BulkOut, **WRITE_ERRORS},
    summary="为一个基层工会的会员批量开通账号（本人自助激活）",
    operation_id="account_bulk_for_union",
)
def account_bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    actor = _manager(request)
    org = get_org_for_user(actor, Action.ACCOUNTS, code=tidy(payload.org_code))
    result = worker_accounts_for_union(org=org, actor=actor)
    skipped = [SkipOut(reason=k, reason_label=SKIP_REASONS[k], count=n) for k, n in sorted(result.skipped.items()) if n]
    return BulkOut(created=result.created, skipped=skipped)


@router.get("/{account_id}", response={200: AccountOut, **ERRORS}, summary="读取账号", operation_id="account_get")
def account_get(request: HttpRequest, account_id: ObjectId) -> AccountOut:
    return account_out(selectors.get_account_for_user(_manager(request), account_id))


@router.post(
    "/{account_id}/roles", response={201: AccountOut, **WRITE_ERRORS}, summary="授予角色", operation_id="account_grant"
)
def account_grant(request: HttpRequest, account_id: ObjectId, payload: GrantIn) -> Status:
    actor = _manager(request)
    user = selectors.get_account_for_user(actor, account_id)
    org = get_org_for_user(actor, Action.ACCOUNTS, code=tidy(payload.org_code))
    services.account_role_grant(actor=actor, user=user, org=org, role=payload.role.value)
    return Status(201, account_out(selectors.get_account_for_user(actor, account_id)))


@router.delete(
    "/{account_id}/roles/{role_id}",
    response={200: AccountOut, **WRITE_ERRORS},
    summary="收回角色",
    operation_id="account_revoke",
)
def account_revoke(request: HttpRequest, account_id: ObjectId, role_id: ObjectId) -> AccountOut:
    actor = _manager(request)
    user = selectors.get_account_for_user(actor, account_id)
    services.account_role_revoke(actor=actor, user=user, assignment_id=role_id)
    return account_out(selectors.get_account_for_user(actor, account_id))


@router.post(
    "/{account_id}/disable",
    response={200: AccountOut, **WRITE_ERRORS},
    summary="停用账号",
    operation_id="account_disable",
)
def account_disable(request: HttpRequest, account_id: ObjectId) -> AccountOut:
    actor = _manager(request)
    user = services.account_disable(actor=actor, user=selectors.get_account_for_user(actor, account_id))
    return account_out(user)


@router.post(
    "/{account_id}/enable",
    response={200: AccountOut, **WRITE_ERRORS},
    summary="重新启用账号",
    operation_id="account_enable",
)
def account_enable(request: HttpRequest, account_id: ObjectId) -> AccountOut:
    actor = _manager(request)
    user = services.account_enable(actor=actor, user=selectors.get_account_for_user(actor, account_id))
    return account_out(user)


@router.post(
    "/{account_id}/reset-password",
    response={200: PasswordResetOut, **WRITE_ERRORS},
    summary="重置密码（一次性密码只返回这一次）",
    operation_id="account_reset_password",
)
def account_reset_password(request: HttpRequest, account_id: ObjectId) -> PasswordResetOut:
    actor = _manager(request)
    user, password = services.account_password_reset(
        actor=actor, user=selectors.get_account_for_user(actor, account_id)
    )
    return PasswordResetOut(account=account_out(user), one_time_password=password)
