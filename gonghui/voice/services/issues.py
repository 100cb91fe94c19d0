"""A cadre's hand on the issues: rename, merge, split. Every edit is pinned so the next run keeps it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit, workflow
from gonghui.core.errors import DomainError, NotFound, StaleVersion
from gonghui.core.text import tidy

from ..choices import DemandStatus, IssueStatus, ReportStatus
from ..flows import ISSUE_FLOW
from ..models import Demand, Issue, IssueMembership, ReportItem
from .reports import reported_issues_sync
from .strength import refresh_issue_figures

MAX_LABEL = 60


def _lock(issue: Issue, actor: Any, version: int | None = None) -> Issue:
    locked = Issue.objects.select_for_update(of=("self",)).select_related("scope_org").get(pk=issue.pk)
    if not scope_for(actor).allows(Action.VOICE, locked.scope_org):
        raise NotFound("未找到该议题")
    if version is not None and locked.version != version:
        raise StaleVersion()
    if locked.status != IssueStatus.ACTIVE:
        raise DomainError(f"该议题{locked.get_status_display()}，不能再修改", field="issue")
    return locked


def clean_label(label: str) -> str:
    value = tidy(label)
    if not value:
        raise DomainError("请填写议题名称", field="label")
    if len(value) > MAX_LABEL:
        raise DomainError(f"议题名称最多 {MAX_LABEL} 字", field="label")
    return value


@transaction.atomic
def issue_rename(*, actor: Any, issue: Issue, label: str, version: int | None = None) -> Issue:
    locked = _lock(issue, actor, version)
    before = locked.label
    locked.label = clean_label(label)
    locked.label_locked = True
    locked.version = F("version") + 1
    locked.save(update_fields=["label", "label_locked", "version", "updated_at"])
    locked.refresh_from_db()
    audit.record(
        actor=actor,
        action="issue.rename",
        obj=locked,
        org_id=locked.scope_org_id,
        before={"label": before},
        after={"label": locked.label},
    )
    return locked


def _reported(issue_ids: list[int]) -> bool:
    return ReportItem.objects.filter(issue_id__in=issue_ids).exclude(report__status=ReportStatus.DRAFT).exists()


@transaction.atomic
def issue_merge(*, actor: Any, target: Issue, sources: list[Issue]) -> Issue:
    """Fold `sources` into `target`; their demands stay together through later runs."""
    into = _lock(target, actor)
    others = [_lock(s, actor) for s in sources if s.pk != target.pk]
    if not others:
        raise DomainError("请至少选择两个议题进行合并", field="issues")
    if any(o.scope_org_id != into.scope_org_id for o in others):
        raise DomainError("只能合并同一层级的议题", field="issues")
    if _reported([o.pk for o in others]):
        raise DomainError("已随专报报送的议题不能再并入其他议题", field="issues")
    _follow_into_drafts([o.pk for o in others], into)
    IssueMembership.objects.filter(issue__in=others).update(issue=into, pinned=True)
    IssueMembership.objects.filter(issue=into).update(pinned=True)
    for other in others:  # 有效 → 已合并, each with its state-change row and audit event
        workflow.run(
            ISSUE_FLOW,
            other,
            step="merge_into",
            actor=actor,
            version=None,
            values={"merged_into": into},
            audit_after={"into": into.pk, "label": into.label},
        )
    into.version = F("version") + 1
    into.save(update_fields=["version", "updated_at"])
    into.refresh_from_db()
    refresh_issue_figures([into], as_of=timezone.localdate())
    reported_issues_sync(issue_ids=[into.pk])
    audit.record(
        actor=actor,
        action="issue.merge",
        obj=into,
        org_id=into.scope_org_id,
        after={"merged": [o.pk for o in others], "labels": [o.label for o in others]},
    )
    return into


def _follow_into_drafts(merged: list[int], into: Issue) -> None:
    """Draft reports that named a merged issue now name the issue it went into (once per report)."""
    for item in ReportItem.objects.select_for_update().filter(issue_id__in=merged, report__status=ReportStatus.DRAFT):
        if ReportItem.objects.filter(report_id=item.report_id, issue=into).exists():
            item.delete()
        else:
            item.issue = into
            item.save(update_fields=["issue"])


@transaction.atomic
def issue_split(
    *, actor: Any, issue: Issue, demand_ids: list[int], label: str = "", into: Issue | None = None
) -> Issue:
    """Move some demands out of `issue`: into a new issue named `label`, or into an existing one."""
    source = _lock(issue, actor)
    chosen = set(
        IssueMembership.objects.filter(issue=source, demand_id__in=[int(d) for d in demand_ids]).values_list(
            "demand_id", flat=True
        )
    )
    if not chosen:
        raise DomainError("请勾选要拆出的诉求", field="demands")
    if len(chosen) == IssueMembership.objects.filter(issue=source).count() and into is None:
        raise DomainError("不能把全部诉求都拆出去；如要改名请直接改议题名称", field="demands")
    if _reported([source.pk]):
        raise DomainError("已随专报报送的议题不能再拆分", field="issue")
    if into is not None:
        target = _lock(into, actor)
        if target.scope_org_id != source.scope_org_id or target.pk == source.pk:
            raise DomainError("只能移到同一层级的另一个议题", field="into")
    else:
        target = Issue.objects.create(scope_org=source.scope_org, label=clean_label(label), label_locked=True)
    IssueMembership.objects.filter(issue=source, demand_id__in=chosen).update(issue=target, pinned=True)
    IssueMembership.objects.filter(issue=source).update(pinned=True)
    source.representatives = [r for r in source.representatives if r not in chosen]
    target.representatives = sorted(chosen)[:5] if into is None else target.representatives
    for obj in (source, target):
        obj.version = F("version") + 1
        obj.save()
        obj.refresh_from_db()
    refresh_issue_figures([source, target], as_of=timezone.localdate())
    reported_issues_sync(issue_ids=[target.pk])
    audit.record(
        actor=actor,
        action="issue.split",
        obj=source,
        org_id=source.scope_org_id,
        after={"moved": sorted(chosen), "into": target.pk, "label": target.label},
    )
    return target


@transaction.atomic
def issue_add_demand(*, actor: Any, issue: Issue, demand: Demand) -> Issue:
    """Put one demand into an issue by hand (one the analysis left aside, or one heard after the report
    went up); pinned like every cadre edit. A demand already in another issue of that level moves."""
    target = _lock(issue, actor)
    if not demand.org.path.startswith(target.scope_org.path):
        raise NotFound("未找到该诉求")
    if not scope_for(actor).allows(Action.VOICE, demand.org):
        raise NotFound("未找到该诉求")
    current = IssueMembership.objects.select_for_update().filter(demand=demand, scope_org=target.scope_org).first()
    if current is not None and current.issue_id == target.pk:
        return target
    left: list[Issue] = []
    if current is not None:
        if _reported([current.issue_id]):
            raise DomainError("这条诉求所在的议题已随专报报送，不能再移出", field="issue")
        left = [current.issue]
        current.issue = target
        current.pinned = True
        current.save(update_fields=["issue", "pinned"])
    else:
        IssueMembership.objects.create(issue=target, demand=demand, scope_org=target.scope_org, pinned=True)
    Demand.objects.filter(pk=demand.pk, status=DemandStatus.RECEIVED).update(status=DemandStatus.CLUSTERED)
    target.version = F("version") + 1
    target.save(update_fields=["version", "updated_at"])
    target.refresh_from_db()
    refresh_issue_figures([target, *left], as_of=timezone.localdate())
    reported_issues_sync(issue_ids=[target.pk])
    audit.record(
        actor=actor,
        action="issue.add_demand",
        obj=target,
        org_id=target.scope_org_id,
        after={"demand": demand.pk, "from": left[0].pk if left else None},
    )
    return target
