"""Account management by system admins and 账号管理员 (ADR 0007): create, grant / revoke, disable /
enable, reset a password. Every service re-checks that the actor may touch the account (`can_manage`) on
the locked row; an account out of reach is "not found". Orgs and member records are opaque objects here
(`.pk`, `.path`; a member record's `.org`), found by the caller through the owning apps' scoped selectors.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.core.identity import validate_mobile
from gonghui.core.text import name_problem, tidy_name

from ..granting import can_manage, grant_refusal, grants_of
from ..models import Role, RoleAssignment, User
from ..scope import Action, scope_for
from .users import role_grant, tokens_revoke_all, user_create

# No 0/O, 1/l/I: the cadre reads it aloud or writes it down once.
_LETTERS = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"


def one_time_password() -> str:
    """12 characters, letters and digits, passing every password rule of the settings."""
    while True:
        chars = [secrets.choice(_LETTERS + _DIGITS) for _ in range(12)]
        if any(c in _LETTERS for c in chars) and sum(c in _DIGITS for c in chars) >= 2:
            return "".join(chars[:4]) + "-" + "".join(chars[4:8]) + "-" + "".join(chars[8:])


def _locked_manageable(actor: Any, user: User) -> User:
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or not can_manage(actor, locked):
        raise NotFound("未找到该账号")
    return locked


def _not_self(actor: Any, user: User, what: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise DomainError(f"不能{what}自己的账号；请另一位管理员操作")


def _member_in_reach(actor: Any, member: Any) -> None:
    if member is None:
        return
    if not scope_for(actor).allows(Action.ACCOUNTS, member.org):
        raise NotFound("未找到该会员")
    if User.objects.filter(member_id=member.pk).exists():
        raise Conflict("该会员已有账号", field="member")


@transaction.atomic
def account_create(
    *,
    actor: Any,
    mobile: str,
    name: str,
    org: Any,
    member: Any = None,
    role: str = "",
) -> tuple[User, str]:
    """A new account looked after at `org`, optionally linked to `member` and given `role` there.
    Returns the account and its one-time password, which the caller shows once and never stores."""
    if not scope_for(actor).allows(Action.ACCOUNTS, org):
        raise NotFound("未找到该工会组织")
    _member_in_reach(actor, member)
    if member is not None and not tidy_name(name):
        name = member.name
    elif problem := name_problem(name):  # a name typed by the cadre: no emoji or symbols
        raise DomainError(problem, field="name")
    if role:
        if role not in Role.values:
            raise DomainError("角色不正确", field="role")
        refusal = grant_refusal(grants_of(actor), role=role, org=org)
        if refusal:
            raise DomainError(refusal, field="role")
    password = one_time_password()
    try:
        with transaction.atomic():
            user = user_create(
                mobile=mobile,
                name=name,
                password=password,
                actor=actor,
                member=member,
                must_change_password=True,
                check_password_rules=False,
            )
    except IntegrityError:  # the same mobile or member a moment ago, from another request
        raise Conflict("该手机号码或会员刚刚已建立账号，请刷新后查看", field="mobile") from None
    User.objects.filter(pk=user.pk).update(managed_at=org)
    user.managed_at = org
    if role:
        role_grant(user=user, org=org, role=role, actor=actor)
    return user, password


@transaction.atomic
def account_role_grant(*, actor: Any, user: User, org: Any, role: str) -> RoleAssignment:
    locked = _locked_manageable(actor, user)
    _not_self(actor, locked, "给")
    if role not in Role.values:
        raise DomainError("角色不正确", field="role")
    if not scope_for(actor).allows(Action.ACCOUNTS, org):
        raise NotFound("未找到该工会组织")
    refusal = grant_refusal(grants_of(actor), role=role, org=org)
    if refusal:
        raise DomainError(refusal, field="role")
    if RoleAssignment.objects.filter(user=locked, org_id=org.pk, role=role).exists():
        raise Conflict("该账号在这个组织已有这个角色", field="role")
    return role_grant(user=locked, org=org, role=role, actor=actor)


@transaction.atomic
def account_role_revoke(*, actor: Any, user: User, assignment_id: int) -> None:
    locked = _locked_manageable(actor, user)
    _not_self(actor, locked, "收回")
    assignment = RoleAssignment.objects.select_related("org").filter(pk=assignment_id, user=locked).first()
    if assignment is None:
        raise NotFound("未找到该授权")
    audit.record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        org_id=assignment.org_id,
        before={"user_id": locked.pk, "role": assignment.role, "org_id": assignment.org_id},
    )
    assignment.delete()
    if locked.managed_at_id is None:
        # an account must stay reachable by someone: it is now looked after where the role was held
        locked.managed_at_id = assignment.org_id
        locked.save(update_fields=["managed_at"])


@transaction.atomic
def account_disable(*, actor: Any, user: User) -> User:
    """The account can no longer log in; its sessions stop (Django refuses an inactive user's session)
    and its API tokens are revoked."""
    locked = _locked_manageable(actor, user)
    _not_self(actor, locked, "停用")
    if not locked.is_active:
        raise DomainError("该账号已经停用")
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    revoked = tokens_revoke_all(user=locked)
    audit.record(actor=actor, action="user.disable", obj=locked, after={"tokens_revoked": revoked})
    return locked


@transaction.atomic
def account_enable(*, actor: Any, user: User) -> User:
    locked = _locked_manageable(actor, user)
    if locked.is_active:
        raise DomainError("该账号没有停用")
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit.record(actor=actor, action="user.enable", obj=locked)
    return locked


@transaction.atomic
def account_password_reset(*, actor: Any, user: User) -> tuple[User, str]:
    """A new one-time password (returned, shown once), changed by its owner at the next login. The old
    password, every session (their auth hash no longer matches) and every API token stop working."""
    locked = _locked_manageable(actor, user)
    _not_self(actor, locked, "重置")
    password = one_time_password()
    locked.set_password(password)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    revoked = tokens_revoke_all(user=locked)
    audit.record(actor=actor, action="user.password_reset", obj=locked, after={"tokens_revoked": revoked})
    return locked, password


# ---------------------------------------------------------------- many worker accounts at once


@dataclass(frozen=True)
class NewWorkerAccount:
    mobile: str
    name: str
    member_id: int
    org: Any  # the member's union: the member role is held there


@transaction.atomic
def worker_accounts_bulk_create(*, actor: Any, people: Iterable[NewWorkerAccount], audit_label: str) -> int:
    """Accounts without a password (their owners activate them with mobile + ID number + code), each with
    the member role at its union. The caller has picked members in its scope with a mobile and no
    account; mobiles already taken are skipped here too. One audit event for the batch."""
    rows = list(people)
    scope = scope_for(actor)
    for p in rows:
        if not scope.allows(Action.ACCOUNTS, p.org):
            raise NotFound("未找到该工会组织")
    taken = set(User.objects.filter(mobile__in=[p.mobile for p in rows]).values_list("mobile", flat=True))
    linked = set(User.objects.filter(member_id__in=[p.member_id for p in rows]).values_list("member_id", flat=True))
    unusable = make_password(None)
    now = timezone.now()
    fresh = [p for p in rows if p.mobile not in taken and p.member_id not in linked]
    users = User.objects.bulk_create(
        [
            User(
                mobile=validate_mobile(p.mobile),
                name=tidy_name(p.name)[:50],
                member_id=p.member_id,
                password=unusable,
                must_change_password=False,
                date_joined=now,
                managed_at=p.org,
            )
            for p in fresh
        ],
        batch_size=1000,
    )
    if not any(u.pk for u in users):  # backends that do not return ids (none we run on, but be exact)
        by_mobile = dict(User.objects.filter(mobile__in=[p.mobile for p in fresh]).values_list("mobile", "pk"))
        for u in users:
            u.pk = by_mobile[u.mobile]
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=u.pk, org=p.org, role=Role.MEMBER) for u, p in zip(users, fresh, strict=True)],
        batch_size=1000,
    )
    if users:
        audit.record(
            actor=actor,
            action="user.bulk_create",
            object_type="accounts.user",
            object_label=audit_label[:200],
            org_id=fresh[0].org.pk if len({p.org.pk for p in fresh}) == 1 else None,
            after={"created": len(users)},
        )
    return len(users)


def _check_password(password: str, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None


@transaction.atomic
def worker_account_activate(*, member: Any, mobile: str, password: str) -> User:
    """The worker's own account, once the caller has checked mobile + ID number + code: the account made
    for them in bulk gets its first password, or a new one is opened with the member role at their union.
    The worker chose the password, so no forced change follows."""
    existing = User.objects.select_for_update().filter(member_id=member.pk).first()
    if existing is not None:
        if existing.has_usable_password() or not existing.is_active or existing.mobile != mobile:
            raise DomainError("无法激活该账号，请联系所在工会")
        _check_password(password, existing)
        existing.set_password(password)
        existing.must_change_password = False
        existing.save(update_fields=["password", "must_change_password"])
        user = existing
    else:
        _check_password(password, User(mobile=mobile, name=member.name))
        user = user_create(
            mobile=mobile,
            name=member.name,
            password=password,
            actor=None,
            member=member,
            must_change_password=False,
            check_password_rules=False,
        )
        User.objects.filter(pk=user.pk).update(managed_at=member.org)
        role_grant(user=user, org=member.org, role=Role.MEMBER, actor=None)
    audit.record(actor=user, action="user.activate", obj=user, org_id=member.org.pk)
    return user
