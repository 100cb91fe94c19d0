"""What a 专报 says, gathered from the database; frozen as JSON once the report is sent.

Quotes are the issues' representative demands as the workers wrote them (`core.text.as_shown`: their
punctuation kept, ID and mobile numbers masked), never with a name: the workers behind a report stay
anonymous.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gonghui.core.text import as_shown

from .models import Demand, Issue, Report
from .reporting import ReportContent, ReportIssue, TrendPoint
from .selectors import person_key_expression

TREND_MONTHS = 6
QUOTES = 3


def _trend(issue: Issue, end: dt.date) -> list[TrendPoint]:
    start = (end.replace(day=1) - dt.timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    counts = {
        row["month"].strftime("%Y-%m") if row["month"] else "": row["n"]
        for row in Demand.objects.filter(memberships__issue=issue, submitted_on__gte=start)
        .annotate(month=TruncMonth("submitted_on"))
        .values("month")
        .annotate(n=Count("id"))
    }
    points = []
    month = start
    while month <= end:
        key = month.strftime("%Y-%m")
        points.append(TrendPoint(period=key, count=counts.get(key, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return points


def _quotes(issue: Issue) -> list[str]:
    """Workers' words as they wrote them (full-width punctuation and all), numbers masked (`as_shown`)."""
    ids = [int(r) for r in issue.representatives][: QUOTES * 2]
    texts = dict(Demand.objects.filter(pk__in=ids).values_list("pk", "text"))
    quotes = [texts[i] for i in ids if i in texts]
    if len(quotes) < QUOTES:
        extra = Demand.objects.filter(memberships__issue=issue).exclude(pk__in=ids).order_by("-submitted_on")
        quotes += list(extra.values_list("text", flat=True)[: QUOTES - len(quotes)])
    return [as_shown(q) for q in quotes[:QUOTES]]


def build_report_content(report: Report) -> ReportContent:
    today = report.submitted_on or timezone.localdate()
    items = list(report.items.select_related("issue").order_by("rank"))
    issue_ids = [item.issue_id for item in items]
    demands = Demand.objects.filter(memberships__issue_id__in=issue_ids).distinct()
    totals = Demand.objects.filter(pk__in=demands.values("pk")).aggregate(
        people=Count(person_key_expression(), distinct=True),
        unions=Count("org", distinct=True),
        n=Count("id"),
        first=Min("submitted_on"),
        last=Max("submitted_on"),
    )
    issues = [
        ReportIssue(
            rank=item.rank,
            label=item.issue.label,
            keywords=list(item.issue.keywords),
            submissions=item.issue.size,
            distinct_submitters=item.issue.distinct_submitters,
            distinct_unions=item.issue.distinct_unions,
            growth=item.issue.growth,
            urgent=item.issue.urgent > 0,
            urgency_reasons=list(item.issue.urgency_reasons),
            quotes=_quotes(item.issue),
            asks=item.asks,
            trend=_trend(item.issue, today),
        )
        for item in items
    ]
    return ReportContent(
        title=report.title,
        org_name=report.org.name,
        serial=f"〔{report.year}〕第{report.serial}期",
        prepared_on=today,
        prepared_by=report.org.name,
        summary=report.summary,
        period_start=totals["first"],
        period_end=totals["last"],
        total_demands=totals["n"] or 0,
        total_submitters=totals["people"] or 0,
        total_unions=totals["unions"] or 0,
        issues=issues,
        asks=report.asks,
        submitted_to=report.submitted_to,
        submitted_on=report.submitted_on,
        status_label=report.get_status_display(),
    )


def content_to_json(content: ReportContent) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(dataclasses.asdict(content))


def content_from_json(data: dict[str, Any]) -> ReportContent:
    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    issues = [
        ReportIssue(**{**i, "trend": [TrendPoint(**p) for p in i.get("trend", [])]}) for i in data.get("issues", [])
    ]
    return ReportContent(
        **{
            **data,
            "issues": issues,
            "prepared_on": day(data["prepared_on"]),
            "period_start": day(data.get("period_start")),
            "period_end": day(data.get("period_end")),
            "submitted_on": day(data.get("submitted_on")),
        }
    )


def report_content(report: Report) -> ReportContent:
    """A sent report prints as it was sent (with its current status); a draft prints from live data."""
    if report.snapshot:
        frozen = content_from_json(report.snapshot)
        return dataclasses.replace(frozen, status_label=report.get_status_display())
    return build_report_content(report)
