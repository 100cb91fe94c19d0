"""Reads for account management: the accounts a manager may see (accounts.granting decides which),
searched by name or mobile and paged by id; the orgs and member records a manager may pick."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from gonghui.accounts.granting import manageable_users
from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.scope import Action
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.identity import clean_id_number, parse_id_number
from gonghui.core.pagination import DEFAULT_SIZE, Page, keyset_page
from gonghui.core.text import tidy, tidy_name
from gonghui.members.models import Member
from gonghui.members.selectors import members_for
from gonghui.members.services import id_hmac
from gonghui.orgs.models import Org, OrgStatus
from gonghui.orgs.selectors import orgs_for

NAMESPACE = "useradmin.accounts"
ORDER = ("-id",)  # newest first


def account_search(
    *, actor: Any, q: str = "", cursor: str | None = None, size: int = DEFAULT_SIZE, strict: bool = True
) -> Page[User]:
    """The manager's accounts, newest first, one keyset page: `q` is a mobile (or its start) or the start
    of a name. A bad `q` raises DomainError naming `q`; a bad cursor BadCursor (pages: strict=False)."""
    qs = manageable_users(actor)
    text = tidy(q)
    if text:
        digits = re.sub(r"[\s\-]", "", text)
        if digits.isdigit():
            if len(digits) > 11:
                raise DomainError("手机号码最多11位", field="q")
            qs = qs.filter(mobile__startswith=digits)
        else:
            name = tidy_name(text)
            if len(name) > 50:
                raise DomainError("姓名太长", field="q")
            qs = qs.filter(name__startswith=name)
    qs = qs.select_related("member", "managed_at")
    return keyset_page(qs, order=ORDER, namespace=NAMESPACE, cursor=cursor, size=size, strict=strict)


def get_account_for_user(actor: Any, pk: Any) -> User:
    try:
        return manageable_users(actor).select_related("member__org", "managed_at").get(pk=int(pk))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("未找到该账号") from None


def account_roles(user: User) -> QuerySet[RoleAssignment]:
    return user.roles.select_related("org").order_by("org__path", "role")


def grant_orgs(actor: Any, limit: int = 2000) -> list[Org]:
    """Where the manager may grant roles or open accounts: active orgs of their ACCOUNTS subtrees."""
    return list(orgs_for(actor, Action.ACCOUNTS).filter(status=OrgStatus.ACTIVE).order_by("path")[:limit])


def member_for_link(actor: Any, id_number: str) -> Member:
    """A member record to link a new account to, by full ID number, inside the manager's subtrees."""
    number = clean_id_number(id_number)
    try:
        parse_id_number(number)
    except DomainError as exc:
        raise DomainError(exc.message, field="member_id_number") from None
    member = members_for(actor, Action.ACCOUNTS).select_related("org").filter(id_hmac=id_hmac(number)).first()
    if member is None:
        raise DomainError("在您管理的范围内没有这个身份证号的会员", field="member_id_number")
    return member
