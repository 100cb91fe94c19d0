"""Who may manage which account and grant which role where (ADR 0007).

A manager holds `Action.ACCOUNTS` (a system admin, or a 账号管理员) over some subtrees. Inside them:
- a ranked role (member < grassroots cadre < county cadre < city cadre) may be granted at an org only up
  to the highest ranked role the manager holds at that org or above it (never above their own role);
- leader, system admin and 账号管理员 only by a system admin held at that org or above it, who may grant
  any role there;
- an account is the manager's to touch only when everything it reaches (its roles' orgs, its member
  record's union, the org it was created at) lies inside the manager's subtrees and the manager could
  have granted every role it holds. Any other account is "not found", like an absent one.

Orgs are opaque here (anything with `.path`, `.pk`, `.kind`): accounts imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import ROLE_ORG_KINDS, ROLE_RANK, SYSADMIN_ONLY_ROLES, Role, RoleAssignment, User
from .scope import Action, scope_for


@dataclass(frozen=True)
class Grants:
    """The manager's own standing: where they hold ACCOUNTS, where they are system admin, their ranks."""

    accounts_paths: tuple[str, ...]
    sysadmin_paths: tuple[str, ...]
    ranked: tuple[tuple[str, int], ...]  # (org path, rank) of every ranked role the manager holds

    def manages(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.accounts_paths)

    def is_sysadmin_at(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.sysadmin_paths)

    def ceiling_at(self, path: str) -> int:
        """The highest rank the manager holds at `path` or above it; the member role (0) always."""
        return max((rank for p, rank in self.ranked if path.startswith(p)), default=0)


def grants_of(actor: Any) -> Grants:
    scope = scope_for(actor)
    accounts_paths = scope.paths.get(Action.ACCOUNTS, ())
    if not accounts_paths:
        return Grants((), (), ())
    sysadmin: list[str] = []
    ranked: list[tuple[str, int]] = []
    for role, path, status in actor.roles.values_list("role", "org__path", "org__status"):
        if status != "active":
            continue
        if role == Role.SYSADMIN:
            sysadmin.append(path)
        elif role in ROLE_RANK:
            ranked.append((path, ROLE_RANK[role]))
    return Grants(tuple(accounts_paths), tuple(sysadmin), tuple(ranked))


def grant_refusal(grants: Grants, *, role: str, org: Any) -> str | None:
    """Why `role` may not be granted at `org` (None when it may). Outside the subtrees is the caller's
    NotFound, checked first."""
    if grants.is_sysadmin_at(org.path):
        return _kind_refusal(role, org)
    if role in SYSADMIN_ONLY_ROLES:
        return f"“{Role(role).label}”只能由该组织或上级组织的系统管理员授予"
    if ROLE_RANK.get(role, 99) > grants.ceiling_at(org.path):
        return f"不能授予比您自己的角色更高的角色（{Role(role).label}）"
    return _kind_refusal(role, org)


def _kind_refusal(role: str, org: Any) -> str | None:
    kinds = ROLE_ORG_KINDS.get(role)
    if kinds is not None and getattr(org, "kind", None) not in kinds:
        return f"“{Role(role).label}”不能授予在{getattr(org, 'name', '该组织')}（组织层级不符）"
    return None


def _path_q(paths: tuple[str, ...], field: str) -> Q:
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def grantable_q(grants: Grants) -> Q:
    """Role assignments (filter on RoleAssignment) the manager could have granted."""
    inside = _path_q(grants.accounts_paths, "org__path")
    allowed = _path_q(grants.sysadmin_paths, "org__path") | Q(role=Role.MEMBER)
    for path, rank in grants.ranked:
        roles = [r for r, n in ROLE_RANK.items() if n <= rank]
        allowed |= Q(org__path__startswith=path, role__in=roles)
    return inside & allowed


def manageable_users(actor: Any) -> QuerySet[User]:
    """The accounts `actor` may see and manage (their own included, for reading)."""
    grants = grants_of(actor)
    if not grants.accounts_paths:
        return User.objects.none()
    paths = grants.accounts_paths
    user_roles = RoleAssignment.objects.filter(user=OuterRef("pk"))
    reaches_inside = (
        Exists(user_roles.filter(_path_q(paths, "org__path")))
        | _path_q(paths, "member__org__path")
        | _path_q(paths, "managed_at__path")
    )
    out_of_reach = Exists(user_roles.exclude(grantable_q(grants)))
    member_outside = Q(member__isnull=False) & ~_path_q(paths, "member__org__path")
    home_outside = Q(managed_at__isnull=False) & ~_path_q(paths, "managed_at__path")
    return User.objects.filter(reaches_inside).exclude(out_of_reach).exclude(member_outside).exclude(home_outside)


def can_manage(actor: Any, user: User) -> bool:
    return manageable_users(actor).filter(pk=user.pk).exists()
