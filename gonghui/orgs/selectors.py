from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound

from .models import Org, OrgStatus


def orgs_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Org]:
    return Org.objects.filter(scope_for(user).org_q(action))


def get_org_for_user(user: Any, action: Action, *, code: str | None = None, pk: int | None = None) -> Org:
    qs = orgs_for(user, action)
    try:
        return qs.get(code=code) if code is not None else qs.get(pk=int(pk or 0))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该工会组织") from None


def org_tree(*, user: Any | None = None, include_closed: bool = False) -> QuerySet[Org]:
    """Orgs in tree order (by path); without a user, the whole tree (for commands run by an operator)."""
    qs = Org.objects.all() if user is None else orgs_for(user, Action.VIEW)
    if not include_closed:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs.select_related("parent").order_by("path")


def org_children(*, user: Any, org: Org) -> QuerySet[Org]:
    return orgs_for(user, Action.VIEW).filter(parent=org).order_by("name")


def org_with_member_counts(*, user: Any, parent: Org) -> QuerySet[Org]:
    return org_children(user=user, org=parent).annotate(
        active_members=Count("members", filter=Q(members__status="active"))
    )


def subtree_member_count(org: Org) -> int:
    # Through the reverse relation, so orgs needs no import of members.
    agg = Org.objects.filter(path__startswith=org.path).aggregate(
        n=Count("members", filter=Q(members__status="active"))
    )
    return int(agg["n"] or 0)


def capacity_summary(*, user: Any, root: Org) -> dict[str, Any]:
    """基层工会建设: how many grassroots unions have people, money and a place."""
    from django.db.models import Sum

    qs = orgs_for(user, Action.VIEW).filter(path__startswith=root.path, kind="grassroots", status=OrgStatus.ACTIVE)
    agg = qs.aggregate(
        total=Count("id"),
        with_cadres=Count("id", filter=Q(fulltime_cadres__gt=0) | Q(parttime_cadres__gt=0)),
        with_funds=Count("id", filter=Q(funds_received__gt=0)),
        with_venue=Count("id", filter=Q(has_venue=True)),
        funds_received=Sum("funds_received"),
        funds_spent=Sum("funds_spent"),
    )
    return agg


# --- for the org pages -------------------------------------------------------------------------------


@dataclass
class TreeRow:
    org: Org
    members: int  # active members registered directly at this org
    subtree_members: int  # active members in the org and everything under it


def org_tree_rows(*, user: Any, include_closed: bool = False) -> list[TreeRow]:
    """The user's part of the tree in path order, each org with direct and subtree member counts."""
    orgs = list(org_tree(user=user, include_closed=include_closed))
    direct = _active_member_counts([o.pk for o in orgs])
    totals: dict[int, int] = dict.fromkeys((o.pk for o in orgs), 0)
    paths = {o.pk: o.path for o in orgs}
    for org_id, n in direct.items():
        for part in _path_ids(paths[org_id]):
            if part in totals:
                totals[part] += n
    return [TreeRow(org=o, members=direct.get(o.pk, 0), subtree_members=totals[o.pk]) for o in orgs]


def _active_member_counts(org_ids: list[int]) -> dict[int, int]:
    """Active members registered directly at each org: one GROUP BY through the reverse relation."""
    if not org_ids:
        return {}
    rows = (
        Org.objects.filter(pk__in=org_ids, members__status="active")
        .values("pk")
        .annotate(n=Count("members"))
        .values_list("pk", "n")
    )
    return dict(rows)


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def scope_roots(*, user: Any, action: Action = Action.VIEW) -> list[Org]:
    """The top orgs of the user's granted subtrees."""
    from gonghui.accounts.scope import scope_for

    paths = scope_for(user).paths.get(action, ())
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def org_ancestors(org: Org) -> list[Org]:
    """From the root down to the parent (for breadcrumbs); unscoped names of the chain above."""
    ids = _path_ids(org.path)[:-1]
    by_id = {o.pk: o for o in Org.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def move_targets(*, user: Any, org: Org) -> list[Org]:
    """Where a union may be hung: active, managed by the user, of a kind that may hold it, not inside it."""
    from .models import ALLOWED_CHILD_KINDS

    kinds = [k for k, children in ALLOWED_CHILD_KINDS.items() if org.kind in children]
    qs = (
        orgs_for(user, Action.MANAGE_ORGS)
        .filter(status=OrgStatus.ACTIVE, kind__in=kinds)
        .exclude(path__startswith=org.path)
    )
    if org.parent_id is not None:
        qs = qs.exclude(pk=org.parent_id)
    return list(qs.order_by("path")[:2000])


def merge_targets(*, user: Any, org: Org) -> list[Org]:
    """Unions `org` may be folded into: same kind, active, managed by the user, not itself or below it."""
    qs = (
        orgs_for(user, Action.MANAGE_ORGS)
        .filter(status=OrgStatus.ACTIVE, kind=org.kind)
        .exclude(path__startswith=org.path)
    )
    return list(qs.order_by("path")[:2000])
