"""Reads of the voice loop, always through the caller's scope: forbidden looks like not found."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.pagination import DEFAULT_SIZE, Page, keyset_page
from gonghui.core.text import tidy, to_simplified
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_ancestors

from .choices import DemandSource, DemandStatus, IssueStatus, Rating, ReportStatus
from .models import ClusterRun, Demand, DemandReply, Issue, IssueMembership, Report

MAX_PK = 2**63 - 1


def _pk(value: Any) -> int:
    """A primary key from a URL or form; anything else (words, zero, past BIGINT) is simply not found."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk <= MAX_PK:
        raise NotFound()
    return pk


def demands_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Demand]:
    return Demand.objects.filter(scope_for(user).org_q(action, prefix="org__"))


# Not yet taken up to party and government: what a cadre still has to work on.
OPEN_STATUSES = (DemandStatus.RECEIVED, DemandStatus.CLUSTERED)
OPEN = "open"  # the demand list's status filter for OPEN_STATUSES


@functools.cache
def urgent_pattern() -> str:
    """The strength rules' urgency patterns (欠薪, 工伤, 安全隐患, 职业病, 人身安全) as one regular
    expression over the analysed text: the syntax they use (groups, classes, counted repeats) reads the
    same in Python's re (SQLite's REGEXP) and in PostgreSQL's `~`. Imported here, not at the top: the
    pipeline package brings scikit-learn along, and this module loads in every process."""
    from .pipeline.strength import URGENCY

    return "|".join(f"(?:{pattern.pattern})" for _name, pattern in URGENCY)


def open_demands(user: Any, action: Action = Action.VIEW) -> QuerySet[Demand]:
    return demands_for(user, action).filter(status__in=OPEN_STATUSES)


# The 待办 card counts urgent demands of the last URGENT_DAYS only: matching the patterns costs a regular
# expression per row (~2–10 µs on PostgreSQL), so the rows it reads are bounded by a date range on the
# indexed `submitted_on` — about a month of a city's demands — rather than by the whole table's growth.
URGENT_DAYS = 30


def urgent_demands(user: Any, action: Action = Action.VIEW, *, days: int = URGENT_DAYS) -> QuerySet[Demand]:
    """Open demands of the last `days` days whose words match the strength rules' urgency patterns."""
    since = timezone.localdate() - dt.timedelta(days=days)
    return open_demands(user, action).filter(submitted_on__gte=since, text_normalized__regex=urgent_pattern())


DEMAND_ORDER = ("-submitted_on", "-id")


def demand_search(
    user: Any,
    *,
    org: Org | None = None,
    status: str = "",
    source: str = "",
    q: str = "",
    urgent: bool = False,
    days: int | None = None,
) -> QuerySet[Demand]:
    """The cadre's demand list: their scope, narrowed by union subtree, status ("open" = not yet
    reported), source, words, urgency and the last `days` days. Unknown status or source values are
    ignored rather than matching nothing."""
    qs = demands_for(user).select_related("org")
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in DemandStatus.values:
        qs = qs.filter(status=status)
    if source in DemandSource.values:
        qs = qs.filter(source=source)
    if q:  # a search key is folded like the analysed copy it searches (，→ , 臺 → 台)
        qs = qs.filter(text_normalized__icontains=to_simplified(tidy(q[:50])))
    if urgent:
        qs = qs.filter(text_normalized__regex=urgent_pattern())
    if days is not None:
        qs = qs.filter(submitted_on__gte=timezone.localdate() - dt.timedelta(days=days))
    return qs.order_by(*DEMAND_ORDER)


def demand_page(
    user: Any, *, cursor: str | None = None, size: int = DEFAULT_SIZE, strict: bool = False, **filters: Any
) -> Page[Demand]:
    """One keyset page of `demand_search` (newest first)."""
    return keyset_page(
        demand_search(user, **filters),
        order=DEMAND_ORDER,
        namespace="voice.demands",
        cursor=cursor,
        size=size,
        strict=strict,
    )


def my_demands(user: Any) -> QuerySet[Demand]:
    if not getattr(user, "is_authenticated", False):
        return Demand.objects.none()
    return Demand.objects.filter(submitter=user).select_related("org").prefetch_related("replies__answer__report")


def my_demand_page(user: Any, *, cursor: str | None = None, size: int = 20, strict: bool = False) -> Page[Demand]:
    return keyset_page(
        my_demands(user), order=DEMAND_ORDER, namespace="voice.mine", cursor=cursor, size=size, strict=strict
    )


def get_my_demand(user: Any, tracking_no: str) -> Demand:
    try:
        return my_demands(user).get(tracking_no=str(tracking_no).upper()[:20])
    except Demand.DoesNotExist:
        raise NotFound("未找到该诉求") from None


def get_demand_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Demand:
    try:
        return demands_for(user, action).select_related("org").get(pk=_pk(pk))
    except (Demand.DoesNotExist, NotFound):
        raise NotFound("未找到该诉求") from None


def issues_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Issue]:
    return Issue.objects.filter(scope_for(user).org_q(action, prefix="scope_org__"))


def get_issue_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Issue:
    try:
        return issues_for(user, action).select_related("scope_org", "merged_into").get(pk=_pk(pk))
    except (Issue.DoesNotExist, NotFound):
        raise NotFound("未找到该议题") from None


def issues_covering(user: Any, demand: Demand) -> QuerySet[Issue]:
    """Active issues a cadre may file this demand into: at levels that hold the demand's union."""
    levels = [demand.org, *org_ancestors(demand.org)]
    return (
        issues_for(user, Action.VOICE)
        .filter(status=IssueStatus.ACTIVE, scope_org__in=levels)
        .select_related("scope_org")
        .order_by("scope_org__depth", "-score")
    )


def active_issues(scope_org: Org) -> QuerySet[Issue]:
    return Issue.objects.filter(scope_org=scope_org, status=IssueStatus.ACTIVE).order_by("-score", "-size", "id")


ISSUE_ORDER = ("-score", "-size", "id")


def active_issue_page(
    scope_org: Org, *, cursor: str | None = None, size: int = DEFAULT_SIZE, strict: bool = False
) -> Page[Issue]:
    """One keyset page of an org's active issues, strongest first."""
    return keyset_page(
        active_issues(scope_org).select_related("scope_org"),
        order=ISSUE_ORDER,
        namespace=f"voice.issues.{scope_org.pk}",
        cursor=cursor,
        size=size,
        strict=strict,
    )


def issue_demands(issue: Issue) -> QuerySet[Demand]:
    return Demand.objects.filter(memberships__issue=issue).select_related("org").order_by(*DEMAND_ORDER)


def issue_demand_page(issue: Issue, *, cursor: str | None = None, size: int = DEFAULT_SIZE) -> Page[Demand]:
    return keyset_page(
        issue_demands(issue),
        order=DEMAND_ORDER,
        namespace=f"voice.issue.{issue.pk}",
        cursor=cursor,
        size=size,
        strict=False,
    )


def reports_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Report]:
    return Report.objects.filter(scope_for(user).org_q(action, prefix="org__"))


REPORT_ORDER = ("-created_at", "-id")


def report_page(
    user: Any, *, status: str = "", cursor: str | None = None, size: int = DEFAULT_SIZE, strict: bool = False
) -> Page[Report]:
    """The reports of the user's scope, newest first; `status` narrows to one state (unknown: ignored)."""
    qs = reports_for(user).select_related("org")
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    return keyset_page(qs, order=REPORT_ORDER, namespace="voice.reports", cursor=cursor, size=size, strict=strict)


def reports_with_issue(user: Any, issue: Issue) -> QuerySet[Report]:
    """The reports naming this issue that the user may open (a county's report stays hidden from a union)."""
    return reports_for(user).filter(items__issue=issue).distinct()


def visible_memberships(user: Any, demand: Demand) -> QuerySet[IssueMembership]:
    """The issues holding this demand, at the levels the user sees."""
    return (
        demand.memberships.filter(scope_for(user).org_q(Action.VIEW, prefix="scope_org__"))
        .select_related("issue", "scope_org")
        .order_by("scope_org__depth")
    )


def get_report_for_user(user: Any, pk: Any, action: Action = Action.VIEW) -> Report:
    try:
        return reports_for(user, action).select_related("org").get(pk=_pk(pk))
    except (Report.DoesNotExist, NotFound):
        raise NotFound("未找到该专报") from None


def runs_for(user: Any, action: Action = Action.VIEW) -> QuerySet[ClusterRun]:
    return ClusterRun.objects.filter(scope_for(user).org_q(action, prefix="scope_org__"))


def get_run_for_user(user: Any, pk: Any) -> ClusterRun:
    try:
        return runs_for(user).select_related("scope_org").get(pk=_pk(pk))
    except (ClusterRun.DoesNotExist, NotFound):
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


def person_key(submitter_id: int | None, member_id: int | None) -> str | None:
    """Who spoke, for counting distinct workers: the account, else the member; None = unknown (each
    unknown demand then counts as a person of its own). `person_key_expression` is the same in SQL."""
    if submitter_id:
        return f"u{submitter_id}"
    return f"m{member_id}" if member_id else None


def person_key_expression() -> Any:
    """Distinct workers: the account, else the member, else each demand counts alone (negative ids)."""
    return Coalesce(F("submitter_id"), F("member_id") + 1_000_000_000_000, -F("id"))


def demands_in_subtree(org: Org, since: dt.date | None = None) -> QuerySet[Demand]:
    """Every demand filed with the org or any union below it (no user scope: for jobs and services)."""
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
    days = _average_days_to_answer(replies)
    return {
        "demands": total,
        "answered": answered,
        "answered_share": (answered / total) if total else None,
        "avg_days_to_answer": days,
        "rated": n_rated,
        "ratings": counts,
        "satisfaction": ((counts[Rating.SATISFIED] + counts[Rating.BASICALLY]) / n_rated) if n_rated else None,
    }


def _average_days_to_answer(replies: QuerySet[DemandReply]) -> float | None:
    """From the day a worker spoke to the day the answer reached them: the answer's date, or — for a demand
    that joined the issue after the answer was in — the day it was delivered to them. Never negative."""
    total = count = 0
    rows = replies.values_list("demand__submitted_on", "answer__answered_on", "delivered_at")
    for spoke, answered, delivered in rows.iterator(chunk_size=5000):
        reached = answered if answered >= spoke else timezone.localdate(delivered)
        total += max(0, (reached - spoke).days)
        count += 1
    return round(total / count, 1) if count else None


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
