"""An issue's figures (件数, 涉及职工, 涉及工会, 环比, 紧急, 强度) recomputed from its current demands.

Cadre edits change membership between runs, so the figures come from the stored memberships, through
the pipeline's own strength function: one formula for the CLI, the web and reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from gonghui.voice.pipeline.strength import measure, urgency_reasons

from ..models import Issue, IssueMembership
from ..selectors import person_key

PERIOD_DAYS = 30


def refresh_issue_figures(issues: Iterable[Issue], *, as_of: dt.date) -> None:
    by_pk = {i.pk: i for i in issues}
    if not by_pk:
        return
    docs: dict[int, list[tuple[str | None, str, dt.date, list[str]]]] = defaultdict(list)
    rows = IssueMembership.objects.filter(issue_id__in=list(by_pk)).values_list(
        "issue_id",
        "demand_id",
        "demand__text_normalized",
        "demand__submitter_id",
        "demand__member_id",
        "demand__org__code",
        "demand__submitted_on",
    )
    for issue_id, _demand, text, user, member, code, when in rows.iterator(chunk_size=5000):
        docs[issue_id].append((person_key(user, member), code, when, urgency_reasons(text)))
    for pk, issue in by_pk.items():
        rows_of_issue = docs.get(pk, [])
        s = measure(
            range(len(rows_of_issue)),
            submitters=[r[0] for r in rows_of_issue],
            unions=[r[1] for r in rows_of_issue],
            dates=[r[2] for r in rows_of_issue],
            reasons=[r[3] for r in rows_of_issue],
            as_of=as_of,
            period_days=PERIOD_DAYS,
        )
        issue.size = s.submissions
        issue.distinct_submitters = s.distinct_submitters
        issue.distinct_unions = s.distinct_unions
        issue.recent = s.recent
        issue.previous = s.previous
        issue.growth = s.growth
        issue.urgent = s.urgent
        issue.urgency_reasons = list(s.urgency_reasons)
        issue.score = s.score
    Issue.objects.bulk_update(
        list(by_pk.values()),
        [
            "size",
            "distinct_submitters",
            "distinct_unions",
            "recent",
            "previous",
            "growth",
            "urgent",
            "urgency_reasons",
            "score",
        ],
        batch_size=1000,
    )
