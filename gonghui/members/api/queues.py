"""Join-request and transfer queue routes: list what an approver may decide, and decide it.

Every answer carries `actions`: the steps the caller may take on the request now (the workflow's
`allowed`), so a client shows the same buttons as the pages. Every body is strict (core.strict): a JSON
array, string or number where an object is expected, an unknown key or a wrong type is a 422 and
nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from pydantic import Strict

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action, scope_for
from gonghui.core import workflow
from gonghui.core.errors import NotFound
from gonghui.core.strict import StrictSchema

from .. import selectors, services
from ..choices import RequestState
from ..flows import JOIN_CHAIN, JOIN_FLOW, TRANSFER_FLOW
from ..models import JoinRequest, TransferRequest
from ..services.joining import decide_join, join_request_reject, join_request_return
from .routers import router
from .schemas import (
    MAX_VERSION,
    JoinRequestOut,
    MemberOut,
    ObjectId,
    QueueFilters,
    TransferOut,
    join_out,
    member_out_fresh,
    transfer_out,
)

StrictInt = Annotated[int, Strict()]
StrictStr = Annotated[str, Strict()]


class DecisionIn(StrictSchema):
    version: StrictInt | None = Field(
        None, ge=1, le=MAX_VERSION, description="读取时的 version；已被他人处理时返回 409"
    )
    note: StrictStr = Field("", max_length=200, description="审核意见（可不填）")


class NoteIn(StrictSchema):
    note: StrictStr = Field(..., min_length=1, max_length=200, description="原因，申请人会看到")
    version: StrictInt | None = Field(None, ge=1, le=MAX_VERSION)


class ReleaseIn(StrictSchema):
    version: StrictInt | None = Field(None, ge=1, le=MAX_VERSION)


class JoinQueueItem(JoinRequestOut):
    review_level: str = Field(description="当前待审核的环节（如 初审）；审核结束后为空")
    actions: list[str] = Field(description="当前账号现在可以办理的步骤：advance / approve / return / reject …")


class JoinQueuePage(Schema):
    items: list[JoinQueueItem]
    next_cursor: int | None


class TransferQueueItem(TransferOut):
    actions: list[str] = Field(description="当前账号现在可以办理的步骤：release / accept / reject …")


class TransferQueuePage(Schema):
    items: list[TransferQueueItem]
    next_cursor: int | None


def join_item(r: JoinRequest, user: Any) -> JoinQueueItem:
    pos = JOIN_CHAIN.position(r) if r.state == RequestState.PENDING else None
    return JoinQueueItem(
        **join_out(r).model_dump(),
        review_level=pos.level.name if pos else "",
        actions=workflow.allowed_names(JOIN_FLOW, r, user),
    )


def transfer_item(t: TransferRequest, user: Any) -> TransferQueueItem:
    return TransferQueueItem(**transfer_out(t).model_dump(), actions=workflow.allowed_names(TRANSFER_FLOW, t, user))


def _keyset(qs: QuerySet[Any], after: int | None, limit: int) -> tuple[list[Any], int | None]:
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def _join_requests(user: Any) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(scope_for(user).org_q(Action.APPROVE, prefix="org__")).select_related("org")


def _transfers(user: Any) -> QuerySet[TransferRequest]:
    scope = scope_for(user)
    visible = scope.org_q(Action.APPROVE, prefix="from_org__") | scope.org_q(Action.APPROVE, prefix="to_org__")
    return TransferRequest.objects.filter(visible).select_related("member", "from_org", "to_org")


def _join_request(request: HttpRequest, request_id: int) -> JoinRequest:
    req = selectors.get_join_request_for_approver(user=caller(request), pk=request_id)
    if req is None:
        raise NotFound("未找到该申请")
    return req


def _join_fresh(pk: int, user: Any) -> JoinQueueItem:
    return join_item(JoinRequest.objects.select_related("org").get(pk=pk), user)


def _decide_transfer(
    request: HttpRequest, transfer_id: int, step: Callable[..., Any], **decision: Any
) -> TransferQueueItem:
    """Run one step (release / accept / reject) and answer with the request as it now stands."""
    user = caller(request)
    req = selectors.get_transfer_for_approver(user=user, pk=transfer_id)
    if req is None:
        raise NotFound("未找到该申请")
    step(req=req, actor=user, **decision)
    fresh = TransferRequest.objects.select_related("member", "from_org", "to_org").get(pk=req.pk)
    return transfer_item(fresh, user)


@router.get("/join-requests", response={200: JoinQueuePage, **ERRORS}, summary="入会申请队列", operation_id="join_list")
def join_list(request: HttpRequest, filters: Query[QueueFilters]) -> JoinQueuePage:
    user = caller(request)
    state = filters.state.value if filters.state else RequestState.PENDING
    rows, cursor = _keyset(_join_requests(user).filter(state=state), filters.after, filters.limit)
    return JoinQueuePage(items=[join_item(r, user) for r in rows], next_cursor=cursor)


@router.post(
    "/join-requests/{request_id}/approve",
    response={200: MemberOut, 202: JoinQueueItem, **WRITE_ERRORS},
    summary="通过入会申请（最后一级通过即建立会员档案；之前各级返回 202 与申请现状）",
    operation_id="join_approve",
)
def join_approve(request: HttpRequest, request_id: ObjectId, payload: DecisionIn) -> Any:
    user = caller(request)
    req = _join_request(request, request_id)
    locked, member = decide_join(req=req, decision="approve", version=payload.version, actor=user, note=payload.note)
    if member is None:
        return Status(202, _join_fresh(locked.pk, user))
    return member_out_fresh(member.pk)


@router.post(
    "/join-requests/{request_id}/return",
    response={200: JoinQueueItem, **WRITE_ERRORS},
    summary="退回入会申请修改（申请人修改后重新提交，审核从第一级重新开始）",
    operation_id="join_return",
)
def join_return(request: HttpRequest, request_id: ObjectId, payload: NoteIn) -> JoinQueueItem:
    user = caller(request)
    req = _join_request(request, request_id)
    join_request_return(req=req, note=payload.note, version=payload.version, actor=user)
    return _join_fresh(req.pk, user)


@router.post(
    "/join-requests/{request_id}/reject",
    response={200: JoinQueueItem, **WRITE_ERRORS},
    summary="驳回入会申请",
    operation_id="join_reject",
)
def join_reject(request: HttpRequest, request_id: ObjectId, payload: NoteIn) -> JoinQueueItem:
    user = caller(request)
    req = _join_request(request, request_id)
    join_request_reject(req=req, note=payload.note, version=payload.version, actor=user)
    return _join_fresh(req.pk, user)


@router.get("/transfers", response={200: TransferQueuePage, **ERRORS}, summary="转会队列", operation_id="transfer_list")
def transfer_list(request: HttpRequest, filters: Query[QueueFilters]) -> TransferQueuePage:
    user = caller(request)
    qs = _transfers(user)
    if filters.state:
        qs = qs.filter(state=filters.state.value)
    else:
        qs = qs.filter(state__in=[RequestState.PENDING, RequestState.RELEASED])
    rows, cursor = _keyset(qs, filters.after, filters.limit)
    return TransferQueuePage(items=[transfer_item(t, user) for t in rows], next_cursor=cursor)


@router.post(
    "/transfers/{transfer_id}/release",
    response={200: TransferQueueItem, **WRITE_ERRORS},
    summary="转出方同意转出",
    operation_id="transfer_release",
)
def transfer_release(request: HttpRequest, transfer_id: ObjectId, payload: ReleaseIn) -> TransferQueueItem:
    return _decide_transfer(request, transfer_id, services.transfer_release, version=payload.version)


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferQueueItem, **WRITE_ERRORS},
    summary="转入方接收（会员随即转入）",
    operation_id="transfer_accept",
)
def transfer_accept(request: HttpRequest, transfer_id: ObjectId, payload: ReleaseIn) -> TransferQueueItem:
    return _decide_transfer(request, transfer_id, services.transfer_accept, version=payload.version)


@router.post(
    "/transfers/{transfer_id}/reject",
    response={200: TransferQueueItem, **WRITE_ERRORS},
    summary="驳回转会申请",
    operation_id="transfer_reject",
)
def transfer_reject(request: HttpRequest, transfer_id: ObjectId, payload: NoteIn) -> TransferQueueItem:
    return _decide_transfer(request, transfer_id, services.transfer_reject, note=payload.note, version=payload.version)
