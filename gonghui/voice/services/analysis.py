"""Finding the issues under an org: run the text pipeline, then fold its clusters into the stored issues.

The stored issues outlive any one run. A new cluster takes over the stored issue it overlaps most, so an
issue keeps its id, its reports and a name a cadre gave it. Demands a cadre placed by hand (merge, split,
move) and demands of issues already reported upward are pinned: no run moves them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.orgs.models import Org
from gonghui.voice.pipeline.types import ClusterResult, Document

from ..choices import DemandStatus, IssueStatus, RunStatus
from ..models import ClusterRun, Demand, Issue, IssueMembership
from ..selectors import demands_in_subtree, person_key
from .reports import reported_issues_sync
from .strength import refresh_issue_figures

DEFAULT_WINDOW_DAYS = 365
MIN_DEMANDS = 3
# A run still open after this long lost its worker (restart, crash): it must not block the org forever.
STALE_AFTER = dt.timedelta(hours=1)


@transaction.atomic
def run_request(*, actor: Any, scope_org: Org, since: dt.date | None = None) -> ClusterRun:
    if not scope_for(actor).allows(Action.VOICE, scope_org):
        raise NotFound("未找到该工会组织")
    since = since or timezone.localdate() - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    stale = ClusterRun.objects.filter(
        scope_org=scope_org,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__lt=timezone.now() - STALE_AFTER,
    )
    for dead in stale.select_for_update(of=("self",)):
        dead.status, dead.stage = RunStatus.FAILED, "失败"
        dead.message = "超过一小时未完成（后台任务可能中断），已允许重新分析"
        dead.save(update_fields=["status", "stage", "message"])
        audit.record(actor=actor, action="voice_run.abandon", obj=dead, org_id=scope_org.pk, after={"status": "failed"})
    try:
        with transaction.atomic():
            run = ClusterRun.objects.create(scope_org=scope_org, requested_by=actor, since=since, stage="排队中")
    except IntegrityError:
        raise Conflict("该单位已有一次议题分析正在进行，请等它完成") from None
    audit.record(actor=actor, action="voice_run.request", obj=run, org_id=scope_org.pk, after={"since": str(since)})
    return run


def run_start(*, actor: Any, scope_org: Org, since: dt.date | None = None) -> ClusterRun:
    """Request a run and hand it to the background worker once committed (core.jobs.start: the task is
    named, not imported, so services and tasks never import each other in a circle)."""
    from gonghui.core import jobs

    run = run_request(actor=actor, scope_org=scope_org, since=since)
    jobs.start("gonghui.voice.tasks.analyse_demands", run.pk, inline=False)
    return run


def run_fail_if_open(*, run_id: int, message: str) -> None:
    """A run whose process died without a word (killed, out of memory) is failed, so the union may rerun."""
    ClusterRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, message=message[:300], finished_at=timezone.now(), stage="失败"
    )


def _progress_writer(run_id: int) -> Callable[[float, str], None]:
    last = [-1]

    def write(fraction: float, stage: str) -> None:
        percent = max(0, min(95, int(fraction * 90)))
        if percent != last[0]:
            last[0] = percent
            ClusterRun.objects.filter(pk=run_id).update(progress=percent, stage=stage[:40])

    return write


def documents_under(scope_org: Org, since: dt.date | None) -> list[Document]:
    rows = (
        demands_in_subtree(scope_org, since)
        .order_by("id")
        .values_list("id", "text", "text_normalized", "submitter_id", "member_id", "org__code", "submitted_on")
    )
    return [
        Document(
            id=str(pk),
            text=text,
            normalized=normalized,
            submitter=person_key(user, member),
            union=code,
            submitted_on=when,
        )
        for pk, text, normalized, user, member, code, when in rows.iterator(chunk_size=5000)
    ]


def run_execute(*, run_id: int) -> ClusterRun:
    """The background job: analyse, then store. A failure is written on the run, never half-applied."""
    claimed = ClusterRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), stage="读取诉求"
    )
    run = ClusterRun.objects.select_related("scope_org", "requested_by").get(pk=run_id)
    if not claimed:
        return run
    try:
        # scikit-learn and the segmenter load here, in the job, not in every process importing services
        from gonghui.voice.pipeline.cluster import cluster_documents

        docs = documents_under(run.scope_org, run.since)
        if len(docs) < MIN_DEMANDS:
            raise DomainError(f"该范围内只有 {len(docs)} 条诉求，至少需要 {MIN_DEMANDS} 条才能分析议题")
        result = cluster_documents(docs, as_of=timezone.localdate(), progress=_progress_writer(run.pk))
        ClusterRun.objects.filter(pk=run.pk).update(progress=95, stage="保存议题")
        apply_result(run=run, result=result, docs=docs)
    except DomainError as exc:
        _fail(run, str(exc))
    except Exception:  # the cadre sees a plain message; the trace goes to the worker's log
        _fail(run, "分析时出现系统错误，请稍后重试或联系管理员")
        raise
    run.refresh_from_db()
    return run


def _fail(run: ClusterRun, message: str) -> None:
    ClusterRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, message=message[:300], finished_at=timezone.now(), stage="失败"
    )


@transaction.atomic
def apply_result(*, run: ClusterRun, result: ClusterResult, docs: list[Document]) -> None:
    scope = run.scope_org
    issues = {
        i.pk: i
        for i in Issue.objects.select_for_update(of=("self",)).filter(scope_org=scope, status=IssueStatus.ACTIVE)
    }
    rows = IssueMembership.objects.filter(scope_org=scope, issue__in=list(issues)).values_list(
        "demand_id", "issue_id", "pinned"
    )
    old_issue_of: dict[int, int] = {}
    pinned: dict[int, int] = {}
    for demand_id, issue_id, is_pinned in rows:
        old_issue_of[demand_id] = issue_id
        if is_pinned:
            pinned[demand_id] = issue_id
    clusters = [[int(m) for m in c.members] for c in result.issues]
    targets = _match(clusters, old_issue_of, pinned)

    IssueMembership.objects.filter(scope_org=scope, pinned=False).delete()
    kept: set[int] = set()
    new_rows: list[IssueMembership] = []
    # several clusters may continue one issue (a cadre merged them): the biggest describes it
    describer: dict[int, int] = {}
    for index, target in enumerate(targets):
        if target is not None and (target not in describer or len(clusters[index]) > len(clusters[describer[target]])):
            describer[target] = index
    for index, (cluster, found, target) in enumerate(zip(result.issues, clusters, targets, strict=True)):
        issue = issues.get(target) if target is not None else None
        if issue is None:
            issue = Issue.objects.create(scope_org=scope, label=found_label(cluster.label), last_run=run)
            issues[issue.pk] = issue
            describer[issue.pk] = index
        if describer[issue.pk] == index:
            if not issue.label_locked:
                issue.label = found_label(cluster.label)
            issue.last_run = run
            issue.keywords = list(cluster.keywords)[:10]
            issue.representatives = [int(r) for r in cluster.representatives]
            issue.save()
        kept.add(issue.pk)
        new_rows += [IssueMembership(issue=issue, demand_id=d, scope_org=scope) for d in found if d not in pinned]
    IssueMembership.objects.bulk_create(new_rows, batch_size=5000)
    still_pinned = set(pinned.values())
    retired = [pk for pk in issues if pk not in kept and pk not in still_pinned]
    Issue.objects.filter(pk__in=retired).update(status=IssueStatus.RETIRED, updated_at=timezone.now())
    live = [i for pk, i in issues.items() if pk not in retired]
    refresh_issue_figures(live, as_of=timezone.localdate())
    reported_issues_sync(issue_ids=[i.pk for i in live])
    Demand.objects.filter(Q(memberships__scope_org=scope), status=DemandStatus.RECEIVED).update(
        status=DemandStatus.CLUSTERED
    )
    ClusterRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        stage="完成",
        finished_at=timezone.now(),
        demand_count=len(docs),
        issue_count=len(live),
        noise=[int(n) for n in result.noise][:5000],
    )
    audit.record(
        actor=run.requested_by,
        action="voice_run.apply",
        obj=run,
        org_id=scope.pk,
        after={"demands": len(docs), "issues": len(live), "retired": len(retired), "noise": len(result.noise)},
    )


def found_label(label: str) -> str:
    return (label or "未命名议题")[:60]


def _match(clusters: list[list[int]], old_issue_of: dict[int, int], pinned: dict[int, int]) -> list[int | None]:
    """For each new cluster, the stored issue it continues (or None for a new issue).

    A cluster continues the stored issue most of its known demands were in. When several clusters point
    at one issue, the biggest overlap keeps it and the others start new issues — unless a cadre pinned
    demands of that cluster there (merged it in), which says the cadre wants them together.
    """
    best: list[tuple[int | None, int, bool]] = []
    for members in clusters:
        votes = Counter(old_issue_of[d] for d in members if d in old_issue_of)
        if not votes:
            best.append((None, 0, False))
            continue
        issue_id, overlap = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))
        known = sum(votes.values())
        if overlap * 2 < known:
            best.append((None, 0, False))
            continue
        has_pins = any(pinned.get(d) == issue_id for d in members)
        best.append((issue_id, overlap, has_pins))
    claimants: dict[int, list[int]] = defaultdict(list)
    for index, (claimed, _overlap, _pins) in enumerate(best):
        if claimed is not None:
            claimants[claimed].append(index)
    targets: list[int | None] = [None] * len(clusters)
    for stored, indexes in claimants.items():
        winner = max(indexes, key=lambda i: (best[i][1], -i))
        for i in indexes:
            if i == winner or best[i][2]:
                targets[i] = stored
    return targets
