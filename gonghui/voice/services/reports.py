"""专报: issues packed into a report (草稿 → 已报送 → 已答复 → 已反馈), and the answer carried back down."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit, workflow
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.notify import notify_many
from gonghui.core.text import mask_personal_numbers, tidy_text
from gonghui.orgs.models import Org

from ..choices import DemandStatus, IssueStatus, ReportStatus
from ..flows import REPORT_FLOW
from ..models import Answer, Demand, DemandReply, Issue, IssueMembership, Report, ReportItem

MAX_ISSUES = 20
MAX_LONG_TEXT = 5000


def _long_text(value: str, field: str, label: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_LONG_TEXT:
        raise DomainError(f"{label}最多 {MAX_LONG_TEXT} 字", field=field)
    return text


def _line(value: str, field: str, label: str, *, required: bool, limit: int = 120) -> str:
    text = tidy_text(value)  # read by people: full-width punctuation（，）stays
    if required and not text:
        raise DomainError(f"请填写{label}", field=field)
    if len(text) > limit:
        raise DomainError(f"{label}最多 {limit} 字", field=field)
    return text


def _lock(report: Report, actor: Any, version: int | None, *, expect: str) -> Report:
    locked = Report.objects.select_for_update(of=("self",)).select_related("org").get(pk=report.pk)
    if not scope_for(actor).allows(Action.VOICE, locked.org):
        raise NotFound("未找到该专报")
    if version is not None and locked.version != version:
        raise StaleVersion()
    if locked.status != expect:
        raise DomainError(f"该专报{locked.get_status_display()}，不能进行这一步", field="status")
    return locked


REPEAT_WINDOW = dt.timedelta(minutes=10)
DEFAULT_TITLE = "关于职工群众反映集中问题的专报"


def _recent_twin(*, actor: Any, org: Org, issues: list[Issue], title: str) -> Report | None:
    """A draft this cadre made with this title from exactly these issues a few minutes ago and has not
    edited since."""
    # one draft at a time per cadre, so a resubmission racing its original sees it
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    wanted = sorted(i.pk for i in issues)
    since = timezone.now() - REPEAT_WINDOW
    for report in Report.objects.filter(
        org=org, created_by=actor, status=ReportStatus.DRAFT, created_at__gte=since, version=1, title=title
    ).order_by("-id")[:5]:
        if sorted(report.items.values_list("issue_id", flat=True)) == wanted:
            return report
    return None


@transaction.atomic
def report_create(*, actor: Any, org: Org, issues: list[Issue], title: str = "", form_token: str = "") -> Report:
    """A draft from the chosen issues; the same form sent twice (`form_token`), or the same issues chosen
    again by the same cadre within minutes while that draft is untouched (browser back, then 生成 again),
    gives back the first draft."""
    from gonghui.core.form_tokens import form_token_claim

    from ..limits import REPORT_CREATE_TOKEN

    scope = scope_for(actor)
    if not scope.allows(Action.VOICE, org):
        raise NotFound("未找到该工会组织")
    claim = form_token_claim(token=form_token, purpose=REPORT_CREATE_TOKEN, user=actor)
    if claim.earlier_id is not None:
        return Report.objects.get(pk=claim.earlier_id)
    chosen = list(dict.fromkeys(issues))
    if not chosen:
        raise DomainError("请至少选择一个议题", field="issues")
    if len(chosen) > MAX_ISSUES:
        raise DomainError(f"一份专报最多 {MAX_ISSUES} 个议题", field="issues")
    for issue in chosen:
        if not issue.scope_org.path.startswith(org.path) or not scope.allows(Action.VOICE, issue.scope_org):
            raise NotFound("未找到该议题")
        if issue.status != IssueStatus.ACTIVE:
            raise DomainError(f"议题“{issue.label}”{issue.get_status_display()}，不能写入专报", field="issues")
    title = _line(title, "title", "标题", required=False) or DEFAULT_TITLE
    twin = _recent_twin(actor=actor, org=org, issues=chosen, title=title)
    if twin is not None:
        claim.done(twin)
        return twin
    year = timezone.localdate().year
    for _ in range(3):
        serial = (Report.objects.filter(org=org, year=year).aggregate(m=Max("serial"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    org=org,
                    year=year,
                    serial=serial,
                    title=title,
                    created_by=actor,
                )
            break
        except IntegrityError:  # two cadres took the same serial at once: take the next
            continue
    else:
        raise Conflict("期号冲突，请重试")
    ordered = sorted(chosen, key=lambda i: (-i.score, -i.size, i.pk))
    ReportItem.objects.bulk_create(
        [ReportItem(report=report, issue=issue, rank=n) for n, issue in enumerate(ordered, start=1)]
    )
    claim.done(report)
    audit.record(actor=actor, action="report.create", obj=report, after={"issues": [i.pk for i in ordered]})
    return report


@transaction.atomic
def report_update(
    *,
    actor: Any,
    report: Report,
    version: int,
    title: str,
    summary: str,
    asks: str,
    item_asks: dict[int, str] | None = None,
) -> Report:
    locked = _lock(report, actor, version, expect=ReportStatus.DRAFT)
    before = audit.snapshot(locked, ["title", "summary", "asks"]) | _item_asks(locked)
    locked.title = _line(title, "title", "标题", required=True)
    locked.summary = _long_text(summary, "summary", "导语")
    locked.asks = _long_text(asks, "asks", "意见建议")
    for item in locked.items.all():
        if item_asks and item.issue_id in item_asks:
            item.asks = _long_text(item_asks[item.issue_id], f"asks_{item.issue_id}", "议题建议")
            item.save(update_fields=["asks"])
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(locked, ["title", "summary", "asks"]) | _item_asks(locked))
    audit.record(actor=actor, action="report.update", obj=locked, before=old, after=new)
    return locked


@transaction.atomic
def report_remove_issue(*, actor: Any, report: Report, issue_id: int, version: int) -> Report:
    """Take one issue out of a draft; the others close ranks."""
    locked = _lock(report, actor, version, expect=ReportStatus.DRAFT)
    items = list(locked.items.order_by("rank"))
    gone = next((i for i in items if i.issue_id == issue_id), None)
    if gone is None:
        raise NotFound("未找到该议题")
    if len(items) == 1:
        raise DomainError("专报至少要有一个议题；不需要这份草稿的话，重新生成即可", field="issues")
    label = gone.issue.label
    gone.delete()
    for rank, item in enumerate((i for i in items if i.pk != gone.pk), start=1):
        if item.rank != rank:
            item.rank = rank
            item.save(update_fields=["rank"])
    locked.version = F("version") + 1
    locked.save(update_fields=["version"])
    locked.refresh_from_db()
    audit.record(actor=actor, action="report.remove_issue", obj=locked, before={"issue": issue_id, "label": label})
    return locked


def _item_asks(report: Report) -> dict[str, Any]:
    return {f"asks_{issue_id}": asks for issue_id, asks in report.items.values_list("issue_id", "asks")}


@transaction.atomic
def report_submit(
    *, actor: Any, report: Report, version: int, submitted_to: str, submitted_on: dt.date | None = None
) -> Report:
    """已报送: the content is frozen as sent, and its demands can no longer be moved by any run."""
    from ..report_content import build_report_content, content_to_json

    locked = _lock(report, actor, version, expect=ReportStatus.DRAFT)
    when = submitted_on or timezone.localdate()
    if when > timezone.localdate():
        raise DomainError("报送日期不能晚于今天", field="submitted_on")
    if when < timezone.localdate(locked.created_at):
        raise DomainError("报送日期不能早于专报草稿生成的日期", field="submitted_on")
    for item in locked.items.select_related("issue"):
        if item.issue.status != IssueStatus.ACTIVE or not item.issue.memberships.exists():
            raise DomainError(
                f"议题“{item.issue.label}”{item.issue.get_status_display()}或已没有诉求，请重新生成专报", field="issues"
            )
    # the content is frozen as it will read once sent: built with the new status and recipient
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_to = _line(submitted_to, "submitted_to", "报送对象（党委或政府部门）", required=True)
    locked.submitted_on = when
    issue_ids = list(locked.items.values_list("issue_id", flat=True))
    IssueMembership.objects.filter(issue_id__in=issue_ids).update(pinned=True)
    Demand.objects.filter(
        memberships__issue_id__in=issue_ids, status__in=[DemandStatus.RECEIVED, DemandStatus.CLUSTERED]
    ).update(status=DemandStatus.REPORTED)
    snapshot = content_to_json(build_report_content(locked))
    return workflow.run(
        REPORT_FLOW,
        locked,
        step="submit",
        actor=actor,
        version=version,
        values={"submitted_to": locked.submitted_to, "submitted_on": when, "snapshot": snapshot},
        audit_after={"submitted_to": locked.submitted_to, "submitted_on": str(when), "issues": issue_ids},
    )


@transaction.atomic
def report_record_answer(
    *, actor: Any, report: Report, version: int, body: str, text: str, answered_on: dt.date | None = None
) -> Answer:
    """已答复: the answer is written down; passing it to every worker follows (report_feed_back)."""
    locked = _lock(report, actor, version, expect=ReportStatus.SUBMITTED)
    when = answered_on or timezone.localdate()
    if when > timezone.localdate():
        raise DomainError("答复日期不能晚于今天", field="answered_on")
    if locked.submitted_on and when < locked.submitted_on:
        raise DomainError("答复日期不能早于报送日期", field="answered_on")
    answer_text = _long_text(text, "text", "答复内容")
    if not answer_text:
        raise DomainError("请填写答复内容", field="text")
    answer = Answer.objects.create(
        report=locked,
        body=_line(body, "body", "答复单位", required=True),
        text=answer_text,
        answered_on=when,
        recorded_by=actor,
    )
    workflow.run(
        REPORT_FLOW,
        locked,
        step="answer",
        actor=actor,
        version=version,
        audit_after={"body": answer.body, "on": str(when)},
    )
    return answer


def report_answer_and_feed_back(
    *, actor: Any, report: Report, version: int, body: str, text: str, answered_on: dt.date | None = None
) -> Answer:
    """Record the answer, then hand the fan-out to the background worker."""
    from ..tasks import feed_back_answer

    answer = report_record_answer(
        actor=actor, report=report, version=version, body=body, text=text, answered_on=answered_on
    )
    feed_back_answer.enqueue(report.pk)
    return answer


@transaction.atomic
def report_feed_back(*, report_id: int) -> Report:
    """已反馈: every demand behind every issue of the report gets the answer; every worker a message.

    Safe to run twice: a demand gets one reply per answer (unique), a second run adds only demands that
    joined the issues since.
    """
    report = Report.objects.select_for_update(of=("self",)).select_related("org").get(pk=report_id)
    if report.status not in (ReportStatus.ANSWERED, ReportStatus.FED_BACK):
        raise DomainError("专报还没有答复，不能反馈", field="status")
    answer = Answer.objects.get(report=report)
    issue_ids = list(report.items.values_list("issue_id", flat=True))
    demands = Demand.objects.filter(memberships__issue_id__in=issue_ids).distinct()
    already = set(DemandReply.objects.filter(answer=answer).values_list("demand_id", flat=True))
    fresh = [d for d in demands.select_related("submitter") if d.pk not in already]
    DemandReply.objects.bulk_create([DemandReply(demand=d, answer=answer) for d in fresh], ignore_conflicts=True)
    Demand.objects.filter(pk__in=[d.pk for d in fresh]).update(status=DemandStatus.ANSWERED)
    reached = notify_many(
        [d.submitter for d in fresh if d.submitter_id],
        title="您反映的诉求有了答复",
        body=f"{answer.body}：{answer.text[:120]}",
        url="/voice/mine/",
    )
    figures = {"demands": len(fresh), "workers_notified": reached}
    if report.status == ReportStatus.ANSWERED:
        # 已答复 → 已反馈: a step the platform takes (the background job), named after who recorded the answer
        return workflow.run(
            REPORT_FLOW,
            report,
            step="feed_back",
            actor=answer.recorded_by,
            version=None,
            system=True,
            values={"fed_back_at": timezone.now(), "workers_reached": F("workers_reached") + reached},
            audit_after=figures,
        )
    # already fed back: late joiners get the answer too; the status stays
    report.workers_reached = F("workers_reached") + reached
    workflow.bump_version(report, "workers_reached")
    audit.record(actor=answer.recorded_by, action="report.feed_back", obj=report, after=figures)
    return report


def reported_issues_sync(*, issue_ids: list[int]) -> None:
    """Demands that joined issues already sent up (a later run, a merge, a cadre's hand) are marked
    已向党政反映 and pinned like the rest; where the answer is already in, it reaches them too."""
    ids = sorted(set(issue_ids))
    if not ids:
        return
    sent = ReportItem.objects.filter(issue_id__in=ids).exclude(report__status=ReportStatus.DRAFT)
    sent_issue_ids = sorted(set(sent.values_list("issue_id", flat=True)))
    if not sent_issue_ids:
        return
    IssueMembership.objects.filter(issue_id__in=sent_issue_ids, pinned=False).update(pinned=True)
    Demand.objects.filter(
        memberships__issue_id__in=sent_issue_ids, status__in=[DemandStatus.RECEIVED, DemandStatus.CLUSTERED]
    ).update(status=DemandStatus.REPORTED)
    answered = sent.filter(report__status__in=[ReportStatus.ANSWERED, ReportStatus.FED_BACK])
    for report_id in sorted(set(answered.values_list("report_id", flat=True))):
        report_feed_back(report_id=report_id)


@transaction.atomic
def reply_rate(*, user: Any, reply: DemandReply, rating: str, comment: str = "") -> DemandReply:
    from ..choices import Rating

    locked = DemandReply.objects.select_for_update(of=("self",)).select_related("demand").get(pk=reply.pk)
    if locked.demand.submitter_id != getattr(user, "pk", None):
        raise NotFound("未找到该答复")
    if rating not in Rating.values:
        raise DomainError("请选择满意、基本满意或不满意", field="rating")
    from ..limits import RATING_COMMENT

    before = {"rating": locked.rating, "comment": locked.comment}
    # shown to cadres and kept in the audit trail: an ID or mobile number typed in is masked first; the
    # worker's punctuation（，。）stays
    after = {
        "rating": rating,
        "comment": mask_personal_numbers(RATING_COMMENT.check(tidy_text(comment), field="comment")),
    }
    if after == before:  # the same rating sent again (a double tap, twenty parallel posts): nothing to write
        return locked
    locked.rating, locked.comment = after["rating"], after["comment"]
    locked.rated_at = timezone.now()
    locked.save(update_fields=["rating", "comment", "rated_at"])
    audit.record(
        actor=user,
        action="reply.rate",
        obj=locked,
        org_id=locked.demand.org_id,
        before=before,
        after=after,
    )
    return locked
