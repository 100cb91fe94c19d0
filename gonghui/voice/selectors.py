"""Reads of the voice loop, always through the caller's scope: forbidden looks like not found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.orgs.models import Org

from .choices import IssueStatus, Rating
from .models import ClusterRun, Demand, DemandReply, Issue, IssueMembership, Report


def demands_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Demand]:
    return Demand.objects.filter(scope_for(user).org_q(action, prefix="org__"))


def my_demands(user: Any) -> QuerySet[Demand]:
    if not getattr(user, "is_authenticated", False):
        return Demand.objects.none()
    return Demand.objects.filter(submitter=user).select_related("org").prefetch_related("replies__answer__report")


def get_my_demand(user: Any, tracking_no: str) -> Demand:
    try:
        return my_demands(user).get(tracking_no=str(tracking_no).upper()[:20])
    except Demand.DoesNotExist:
        raise NotFound("未找到该诉求") from None


def get_demand_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Demand:
    try:
        return demands_for(user, action).select_related("org").get(pk=int(pk))
    except (Demand.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该诉求") from None


def issues_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Issue]:
    return Issue.objects.filter(scope_for(user).org_q(action, prefix="scope_org__"))


def get_issue_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Issue:
    try:
        return issues_for(user, action).select_related("scope_org", "merged_into").get(pk=int(pk))
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该议题") from None


def issues_covering(user: Any, demand: Demand) -> QuerySet[Issue]:
    """Active issues a cadre may file this demand into: at levels that hold the demand's union."""
    levels = _ancestor_paths(demand.org.path)
    return (
        issues_for(user, Action.VOICE)
        .filter(status=IssueStatus.ACTIVE, scope_org__path__in=levels)
        .select_related("scope_org")
        .order_by("scope_org__depth", "-score")
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def active_issues(scope_org: Org) -> QuerySet[Issue]:
    return Issue.objects.filter(scope_org=scope_org, status=IssueStatus.ACTIVE).order_by("-score", "-size", "id")


def issue_demands(issue: Issue) -> QuerySet[Demand]:
    return Demand.objects.filter(memberships__issue=issue).select_related("org").order_by("-submitted_on", "-id")


def reports_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Report]:
    return Report.objects.filter(scope_for(user).org_q(action, prefix="org__"))


def get_report_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Report:
    try:
        return reports_for(user, action).select_related("org").get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该专报") from None


def runs_for(user: Any, action: Action = Action.VIEW) -> QuerySet[ClusterRun]:
    return ClusterRun.objects.filter(scope_for(user).org_q(action, prefix="scope_org__"))


def get_run_for_user(user: Any, pk: Any) -> ClusterRun:
    try:
        return runs_for(user).select_related("scope_org").get(pk=int(pk))
    except (ClusterRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该分析任务") from None


def top_org(user: Any, action: Action = Action.VIEW) -> Org:
    """The highest org the user holds `action` over: where their pages open by default."""
    roots = scope_for(user).paths.get(action, ())
    org = Org.objects.filter(path=roots[0]).first() if roots else None
    if org is None:
        raise NotFound("未找到该工会组织")
    return org


def latest_run(scope_org: Org) -> ClusterRun | None:
    return ClusterRun.objects.filter(scope_org=scope_org).order_by("-created_at", "-id").first()


def person_key_expression() -> Any:
    """Distinct workers: the account, else the member, else each demand counts alone (negative ids)."""
    return Coalesce(F("submitter_id"), F("member_id") + 1_000_000_000_000, -F("id"))


def demands_in_subtree(org: Org, since: dt.date | None = None) -> QuerySet[Demand]:
    qs = Demand.objects.filter(org__path__startswith=org.path)
    if since is not None:
        qs = qs.filter(submitted_on__gte=since)
    return qs


def loop_figures(user: Any, org: Org) -> dict[str, Any]:
    """Closing-the-loop views for an org: answered share, days to answer, satisfaction; per union below it."""
    if not scope_for(user).allows(Action.VIEW, org):
        raise NotFound("未找到该工会组织")
    demands = demands_in_subtree(org)
    replies = DemandReply.objects.filter(demand__org__path__startswith=org.path)
    return {
        "overall": _figures(demands, replies),
        "per_union": _per_union(org),
    }


def _figures(demands: QuerySet[Demand], replies: QuerySet[DemandReply]) -> dict[str, Any]:
    total = demands.count()
    answered = demands.filter(replies__isnull=False).distinct().count()
    rated = replies.exclude(rating="")
    counts = {r: rated.filter(rating=r).count() for r in Rating.values}
    n_rated = sum(counts.values())
    gap = ExpressionWrapper(F("answer__answered_on") - F("demand__submitted_on"), output_field=DurationField())
    days = replies.aggregate(avg=Avg(gap, output_field=DurationField()))["avg"]
    return {
        "demands": total,
        "answered": answered,
        "answered_share": (answered / total) if total else None,
        "avg_days_to_answer": _days(days),
        "rated": n_rated,
        "ratings": counts,
        "satisfaction": ((counts[Rating.SATISFIED] + counts[Rating.BASICALLY]) / n_rated) if n_rated else None,
    }


def _days(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def _per_union(org: Org) -> list[dict[str, Any]]:
    rows = (
        Demand.objects.filter(org__path__startswith=org.path)
        .values("org_id", "org__name")
        .annotate(
            demands=Count("id", distinct=True),
            answered=Count("id", filter=Q(replies__isnull=False), distinct=True),
            rated=Count("replies", filter=~Q(replies__rating="")),
            pleased=Count("replies", filter=Q(replies__rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        )
        .order_by("-demands", "org__name")[:200]
    )
    return [
        {
            "org_id": r["org_id"],
            "org_name": r["org__name"],
            "demands": r["demands"],
            "answered": r["answered"],
            "answered_share": r["answered"] / r["demands"] if r["demands"] else None,
            "satisfaction": r["pleased"] / r["rated"] if r["rated"] else None,
        }
        for r in rows
    ]


def membership_map(scope_org: Org) -> dict[int, tuple[int, bool]]:
    """demand id → (issue id, pinned) for the active issues at one level."""
    rows = IssueMembership.objects.filter(scope_org=scope_org, issue__status=IssueStatus.ACTIVE).values_list(
        "demand_id", "issue_id", "pinned"
    )
    return {d: (i, p) for d, i, p in rows}
