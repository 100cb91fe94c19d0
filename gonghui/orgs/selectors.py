from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.accounts.scope import Action, orgs_for

from .models import Org, OrgStatus


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
    from gonghui.members.models import Member

    return Member.objects.filter(org__path__startswith=org.path, status="active").count()


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
