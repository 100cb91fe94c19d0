"""Accounts, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.core.identity import validate_mobile
from gonghui.core.text import tidy_name

from ..granting import grant_refusal, grants_of
from ..models import ApiToken, Role, RoleAssignment, User
from ..scope import Action, scope_for


@transaction.atomic
def user_create(
    *,
    mobile: str,
    name: str,
    password: str,
    actor: Any,
    member: Any = None,
    must_change_password: bool = True,
    check_password_rules: bool = True,
) -> User:
    mobile = validate_mobile(mobile)
    name = tidy_name(name)
    if not name:
        raise DomainError("请填写姓名", field="name")
    if User.objects.filter(mobile=mobile).exists():
        raise Conflict("该手机号码已注册账号", field="mobile")
    if check_password_rules:
        try:
            validate_password(password, User(mobile=mobile, name=name))
        except ValidationError as exc:
            raise DomainError("；".join(exc.messages), field="password") from None
    user = User.objects.create_user(
        mobile=mobile, password=password, name=name[:50], member=member, must_change_password=must_change_password
    )
    audit.record(actor=actor, action="user.create", obj=user, after={"mobile": mobile, "name": name})
    return user


@transaction.atomic
def role_grant(*, user: User, org: Any, role: str, actor: Any) -> RoleAssignment:
    """The low-level grant. `actor=None` is the system (seed, tests); a join approval grants "member"
    as the approving cadre. Any other role needs the 账号管理 right and the rules of ADR 0007."""
    if role not in Role.values:
        raise DomainError("角色不正确", field="role")
    if actor is not None and role != Role.MEMBER:
        if not scope_for(actor).allows(Action.ACCOUNTS, org):
            raise NotFound("未找到该工会组织")
        refusal = grant_refusal(grants_of(actor), role=role, org=org)
        if refusal:
            raise DomainError(refusal, field="role")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, org=org, role=role)
    if created:
        audit.record(
            actor=actor,
            action="role.grant",
            obj=assignment,
            org_id=org.pk,
            after={"user_id": user.pk, "role": role, "org_id": org.pk},
        )
    user.__dict__.pop("_gonghui_scope", None)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    if not scope_for(actor).allows(Action.ACCOUNTS, assignment.org):
        raise NotFound("未找到该授权")
    audit.record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        org_id=assignment.org_id,
        before={"user_id": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise DomainError("原密码不正确", field="old_password")
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="new_password") from None
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoked = tokens_revoke_all(user=user)
    audit.record(actor=user, action="user.password_change", obj=user, after={"tokens_revoked": revoked})
    return user


def tokens_revoke_all(*, user: User) -> int:
    """Every live API token of `user` stops working (a password change or reset, a disabled account).
    Called inside the caller's transaction; the caller's audit event says how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, actor: Any) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown this once and never stored.

    `actor=None` is the operator at the command line (`gonghui create-api-token`)."""
    if actor is not None and actor.pk != user.pk and not getattr(actor, "is_superuser", False):
        raise NotFound("未找到该账号")
    secret = "gh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=(name or "API")[:60], prefix=secret[:8], key_hash=_hash(secret))
    audit.record(actor=actor, action="token.create", obj=token, after={"user_id": user.pk, "name": token.name})
    return token, secret


def token_authenticate(secret: str) -> User | None:
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any) -> None:
    if actor is not None and token.user_id != actor.pk and not getattr(actor, "is_superuser", False):
        raise NotFound("未找到该令牌")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="token.revoke", obj=token)
