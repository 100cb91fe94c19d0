"""Who may reach what: a role held at an org grants actions over that org's subtree.

`scope_for(user)` is the one place roles become path prefixes. The app that owns a model turns them
into its scoped querysets (`orgs.selectors.orgs_for`, `members.selectors.members_for`, ...), so this
module imports no app. A forbidden object raises NotFound, exactly like an absent one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import Q

from .models import Role


class _OnTree(Protocol):
    """Anything placed on the org tree by a materialized path (an orgs.Org)."""

    path: str


class Action(StrEnum):
    VIEW = "view"  # see records in the subtree (ID numbers masked)
    EDIT = "edit"  # change member records
    APPROVE = "approve"  # join and transfer decisions
    REVEAL = "reveal"  # see a full ID number (audited)
    EXPORT = "export"  # export personal data (audited)
    IMPORT = "import"  # import rosters
    MANAGE_ORGS = "manage_orgs"  # create / move / merge / close unions
    AUDIT = "audit"  # read the audit trail
    ACCOUNTS = "accounts"  # 账号管理: create accounts, grant roles (ADR 0007), reset passwords, disable
    VOICE = "voice"  # enter and import demands, analyse issues, write reports, record answers


_CADRE = {Action.VIEW, Action.EDIT, Action.APPROVE, Action.REVEAL, Action.EXPORT, Action.IMPORT, Action.VOICE}
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.MEMBER: frozenset(),
    Role.GRASSROOTS_CADRE: frozenset(_CADRE),
    Role.COUNTY_CADRE: frozenset(_CADRE | {Action.MANAGE_ORGS}),
    Role.CITY_CADRE: frozenset(_CADRE | {Action.MANAGE_ORGS}),
    Role.LEADER: frozenset({Action.VIEW}),
    Role.SYSADMIN: frozenset(Action),
    # 账号管理员: the right to look after accounts in the subtree, nothing else (ADR 0007).
    Role.ACCOUNT_ADMIN: frozenset({Action.ACCOUNTS}),
}


@dataclass(frozen=True)
class Scope:
    paths: dict[Action, tuple[str, ...]]
    member_id: int | None
    roles: frozenset[str]

    def org_q(self, action: Action, prefix: str = "") -> Q:
        """A filter for rows whose org (reached through `prefix`) lies inside the granted subtrees."""
        paths = self.paths.get(action, ())
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def allows(self, action: Action, org: _OnTree) -> bool:
        return any(org.path.startswith(p) for p in self.paths.get(action, ()))

    @property
    def is_cadre(self) -> bool:
        return bool(self.paths.get(Action.VIEW))


_EMPTY = Scope(paths={}, member_id=None, roles=frozenset())


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop a path that lies inside another granted path."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for p in ordered:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(kept)


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_gonghui_scope", None)
    if cached is not None:
        return cached
    grants: dict[Action, set[str]] = {}
    roles: set[str] = set()
    for role, path, status in user.roles.values_list("role", "org__path", "org__status"):
        if status != "active":
            continue
        roles.add(role)
        for action in ROLE_ACTIONS.get(role, frozenset()):
            grants.setdefault(action, set()).add(path)
    scope = Scope(
        paths={a: _minimal(p) for a, p in grants.items()},
        member_id=user.member_id,
        roles=frozenset(roles),
    )
    user._gonghui_scope = scope
    return scope
