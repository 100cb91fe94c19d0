"""Join-request and transfer queue routes: list what an approver may decide, and decide it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound

from .. import selectors, services
from ..choices import RequestState
from ..models import JoinRequest, TransferRequest
from .routers import router
from .schemas import (
    DecisionIn,
    JoinRequestOut,
    JoinRequestPage,
    MemberOut,
    ObjectId,
    QueueFilters,
    RejectIn,
    TransferOut,
    TransferPage,
    join_out,
    member_out_fresh,
    transfer_out,
    transfer_out_fresh,
)


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


def _decide_transfer(request: HttpRequest, transfer_id: int, step: Callable[..., Any], **decision: Any) -> TransferOut:
    """Run one step (release / accept / reject) and answer with the request as it now stands."""
    req = selectors.get_transfer_for_approver(user=caller(request), pk=transfer_id)
    if req is None:
        raise NotFound("未找到该申请")
    step(req=req, actor=caller(request), **decision)
    return transfer_out_fresh(req.pk)


@router.get(
    "/join-requests", response={200: JoinRequestPage, **ERRORS}, summary="入会申请队列", operation_id="join_list"
)
def join_list(request: HttpRequest, filters: Query[QueueFilters]) -> JoinRequestPage:
    state = filters.state.value if filters.state else RequestState.PENDING
    rows, cursor = _keyset(_join_requests(caller(request)).filter(state=state), filters.after, filters.limit)
    return JoinRequestPage(items=[join_out(r) for r in rows], next_cursor=cursor)


@router.post(
    "/join-requests/{request_id}/approve",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="批准入会（建立会员档案）",
    operation_id="join_approve",
)
def join_approve(request: HttpRequest, request_id: ObjectId, payload: DecisionIn) -> MemberOut:
    req = _join_request(request, request_id)
    member = services.join_request_approve(req=req, version=payload.version, actor=caller(request))
    return member_out_fresh(member.pk)


@router.post(
    "/join-requests/{request_id}/reject",
    response={200: JoinRequestOut, **WRITE_ERRORS},
    summary="驳回入会申请",
    operation_id="join_reject",
)
def join_reject(request: HttpRequest, request_id: ObjectId, payload: RejectIn) -> JoinRequestOut:
    req = _join_request(request, request_id)
    req = services.join_request_reject(req=req, note=payload.note, version=payload.version, actor=caller(request))
    return join_out(JoinRequest.objects.select_related("org").get(pk=req.pk))


@router.get("/transfers", response={200: TransferPage, **ERRORS}, summary="转会队列", operation_id="transfer_list")
def transfer_list(request: HttpRequest, filters: Query[QueueFilters]) -> TransferPage:
    qs = _transfers(caller(request))
    if filters.state:
        qs = qs.filter(state=filters.state.value)
    else:
        qs = qs.filter(state__in=[RequestState.PENDING, RequestState.RELEASED])
    rows, cursor = _keyset(qs, filters.after, filters.limit)
    return TransferPage(items=[transfer_out(t) for t in rows], next_cursor=cursor)


@router.post(
    "/transfers/{transfer_id}/release",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="转出方同意转出",
    operation_id="transfer_release",
)
def transfer_release(request: HttpRequest, transfer_id: ObjectId, payload: DecisionIn) -> TransferOut:
    return _decide_transfer(request, transfer_id, services.transfer_release, version=payload.version)


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="转入方接收（会员随即转入）",
    operation_id="transfer_accept",
)
def transfer_accept(request: HttpRequest, transfer_id: ObjectId, payload: DecisionIn) -> TransferOut:
    return _decide_transfer(request, transfer_id, services.transfer_accept, version=payload.version)


@router.post(
    "/transfers/{transfer_id}/reject",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="驳回转会申请",
    operation_id="transfer_reject",
)
def transfer_reject(request: HttpRequest, transfer_id: ObjectId, payload: RejectIn) -> TransferOut:
    return _decide_transfer(request, transfer_id, services.transfer_reject, note=payload.note, version=payload.version)
