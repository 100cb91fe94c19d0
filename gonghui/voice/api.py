"""Voice routes of the JSON API: a worker files a demand and follows it (answers, rating); a cadre
records what was heard and reads the issues and reports of their scope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action
from gonghui.core.errors import NotFound
from gonghui.core.text import as_shown, tidy
from gonghui.orgs.selectors import get_org_for_user

from . import selectors, services
from .choices import DemandCategory, DemandKind, DemandSource, Rating
from .limits import DEMAND_TEXT, RATING_COMMENT, SPEAKER_NAME
from .models import Demand, Issue, Report

router = Router(tags=["职工诉求"])
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
TrackingNo = Annotated[str, Path(min_length=8, max_length=20)]


class DemandIn(Schema):
    # the schema only caps the payload; the service judges the length and says so in Chinese
    text: str = Field(max_length=2 * DEMAND_TEXT.max, description=f"诉求或建议的内容（{DEMAND_TEXT.help}）")
    kind: DemandKind = DemandKind.DEMAND
    category: DemandCategory | None = None
    is_anonymous: bool = False


class EnteredDemandIn(DemandIn):
    source: DemandSource = Field(description="走访、热线、座谈会（干部代录不能选职工自报）")
    speaker_name: str = Field("", max_length=SPEAKER_NAME.max)
    submitted_on: dt.date | None = None


class ReplyOut(Schema):
    id: int
    body: str = Field(description="答复单位")
    text: str
    answered_on: dt.date
    rating: str
    rating_label: str


class DemandOut(Schema):
    id: int
    tracking_no: str
    kind: str
    text: str
    org_name: str
    submitted_on: dt.date
    status: str
    status_label: str
    replies: list[ReplyOut]


class RatingIn(Schema):
    rating: Rating
    comment: str = Field("", max_length=RATING_COMMENT.max)


class IssueOut(Schema):
    id: int
    label: str
    keywords: list[str]
    level_code: str
    size: int
    distinct_submitters: int
    distinct_unions: int
    growth: float | None
    urgent: int
    urgency_reasons: list[str]
    score: float
    status: str


class ReportOut(Schema):
    id: int
    title: str
    serial: str
    org_name: str
    status: str
    status_label: str
    issues: list[IssueOut]
    submitted_to: str
    submitted_on: dt.date | None
    answer_body: str | None
    answer_text: str | None


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=1000, description="上一页返回的 next_cursor；不填为第一页")
    limit: int = Field(50, ge=1, le=200, description="每页条数（1–200）")


class IssueFilters(PageQuery):
    org: str = Field("", max_length=20, description="层级（组织代码）；不填为本人所在的最高层级")


class DemandPage(Schema):
    items: list[DemandOut]
    next_cursor: str | None = Field(description="下一页传入 cursor=该值；没有下一页时为 null")


class IssuePage(Schema):
    items: list[IssueOut]
    next_cursor: str | None = Field(description="下一页传入 cursor=该值；没有下一页时为 null")


def _demand_out(d: Demand, *, own: bool) -> DemandOut:
    return DemandOut(
        id=d.pk,
        tracking_no=d.tracking_no,
        kind=d.kind,
        text=d.text if own else as_shown(d.text),  # as typed; numbers masked for cadres
        org_name=d.org.name,
        submitted_on=d.submitted_on,
        status=d.status,
        status_label=d.get_status_display(),
        replies=[
            ReplyOut(
                id=r.pk,
                body=r.answer.body,
                text=r.answer.text,
                answered_on=r.answer.answered_on,
                rating=r.rating,
                rating_label=r.get_rating_display() if r.rating else "",
            )
            for r in d.replies.all()
        ],
    )


def _issue_out(i: Issue) -> IssueOut:
    return IssueOut(
        id=i.pk,
        label=i.label,
        keywords=list(i.keywords),
        level_code=i.scope_org.code,
        size=i.size,
        distinct_submitters=i.distinct_submitters,
        distinct_unions=i.distinct_unions,
        growth=i.growth,
        urgent=i.urgent,
        urgency_reasons=list(i.urgency_reasons),
        score=i.score,
        status=i.status,
    )


@router.post(
    "/demands", response={201: DemandOut, **WRITE_ERRORS}, summary="职工提交诉求", operation_id="demand_submit"
)
def demand_submit(request: HttpRequest, payload: DemandIn) -> Status[DemandOut]:
    d = services.demand_submit(
        user=caller(request),
        text=payload.text,
        kind=payload.kind.value,
        category=payload.category.value if payload.category else "",
        is_anonymous=payload.is_anonymous,
    )
    return Status(201, _demand_out(selectors.get_my_demand(caller(request), d.tracking_no), own=True))


@router.get(
    "/demands/mine", response={200: DemandPage, **ERRORS}, summary="我的诉求（分页）", operation_id="demand_mine"
)
def demand_mine(request: HttpRequest, filters: Query[PageQuery]) -> DemandPage:
    page = selectors.my_demand_page(caller(request), cursor=filters.cursor, size=filters.limit, strict=True)
    return DemandPage(items=[_demand_out(d, own=True) for d in page.items], next_cursor=page.next_cursor)


@router.post(
    "/demands/mine/{tracking_no}/replies/{reply_id}/rating",
    response={200: ReplyOut, **WRITE_ERRORS},
    summary="评价答复（满意 / 基本满意 / 不满意）",
    operation_id="reply_rate",
)
def reply_rate(request: HttpRequest, tracking_no: TrackingNo, reply_id: ObjectId, payload: RatingIn) -> ReplyOut:
    demand = selectors.get_my_demand(caller(request), tracking_no)
    reply = demand.replies.filter(pk=reply_id).select_related("answer").first()
    if reply is None:
        raise NotFound("未找到该答复")
    r = services.reply_rate(user=caller(request), reply=reply, rating=payload.rating.value, comment=payload.comment)
    return ReplyOut(
        id=r.pk,
        body=reply.answer.body,
        text=reply.answer.text,
        answered_on=reply.answer.answered_on,
        rating=r.rating,
        rating_label=r.get_rating_display(),
    )


@router.post(
    "/orgs/{code}/demands",
    response={201: DemandOut, **WRITE_ERRORS},
    summary="干部代录诉求（走访、热线、座谈会）",
    operation_id="demand_enter",
)
def demand_enter(
    request: HttpRequest, code: Annotated[str, Path(max_length=20)], payload: EnteredDemandIn
) -> Status[DemandOut]:
    user = caller(request)
    org = get_org_for_user(user, Action.VOICE, code=tidy(code))
    d = services.demand_enter(
        actor=user,
        org=org,
        text=payload.text,
        source=payload.source.value,
        kind=payload.kind.value,
        category=payload.category.value if payload.category else "",
        speaker_name=payload.speaker_name,
        is_anonymous=payload.is_anonymous,
        submitted_on=payload.submitted_on,
    )
    return Status(201, _demand_out(selectors.get_demand_for_user(user, d.pk), own=False))


@router.get(
    "/issues",
    response={200: IssuePage, **ERRORS},
    summary="某一层级的议题（按强度排序，分页）",
    operation_id="issue_list",
)
def issue_list(request: HttpRequest, filters: Query[IssueFilters]) -> IssuePage:
    user = caller(request)
    org = get_org_for_user(user, Action.VIEW, code=tidy(filters.org)) if filters.org else selectors.top_org(user)
    page = selectors.active_issue_page(org, cursor=filters.cursor, size=filters.limit, strict=True)
    return IssuePage(items=[_issue_out(i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/issues/{issue_id}", response={200: IssueOut, **ERRORS}, summary="读取议题", operation_id="issue_get")
def issue_get(request: HttpRequest, issue_id: ObjectId) -> IssueOut:
    return _issue_out(selectors.get_issue_for_user(caller(request), issue_id))


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="读取专报", operation_id="report_get")
def report_get(request: HttpRequest, report_id: ObjectId) -> ReportOut:
    r: Report = selectors.get_report_for_user(caller(request), report_id)
    answer = getattr(r, "answer", None)
    items = r.items.select_related("issue", "issue__scope_org").order_by("rank")
    return ReportOut(
        id=r.pk,
        title=r.title,
        serial=f"〔{r.year}〕第{r.serial}期",
        org_name=r.org.name,
        status=r.status,
        status_label=r.get_status_display(),
        issues=[_issue_out(item.issue) for item in items],
        submitted_to=r.submitted_to,
        submitted_on=r.submitted_on,
        answer_body=answer.body if answer else None,
        answer_text=answer.text if answer else None,
    )
