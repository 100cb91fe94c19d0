"""The cadre's work queues: join requests to approve or reject, transfers to release, accept or reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.accounts.scope import scope_for
from gonghui.core.errors import DomainError, NotFound

from .. import selectors
from ..forms import DecisionForm
from ..services import (
    join_request_approve,
    join_request_reject,
    transfer_accept,
    transfer_reject,
    transfer_release,
)
from .shared import require_cadre


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    require_cadre(request)
    return render(
        request,
        "members/queues.html",
        {
            "joins": list(selectors.join_queue(user=request.user)[:200]),
            "transfers": list(selectors.transfer_queue(user=request.user)[:200]),
            "scope": scope_for(request.user),
        },
    )


_JOIN_DONE = {"approve": "已批准{name}的入会申请", "reject": "已驳回{name}的入会申请"}
_TRANSFER_DONE = {
    "release": "已同意{name}转出，等待转入工会接收",
    "accept": "已接收{name}转入本工会",
    "reject": "已驳回{name}的转会申请",
}


def _note(request: HttpRequest) -> str:
    form = DecisionForm(request.POST)
    form.is_valid()
    return str(form.cleaned_data.get("note", ""))


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in _JOIN_DONE:
        raise Http404
    req = selectors.get_join_request_for_approver(user=request.user, pk=pk)
    if req is None:
        raise Http404
    try:
        # The service's state check (under a row lock) is the guard against a second click.
        if decision == "approve":
            join_request_approve(req=req, version=None, actor=request.user)
        else:
            join_request_reject(req=req, note=_note(request), version=None, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, f"{req.name}：{exc.message}")
    else:
        messages.success(request, _JOIN_DONE[decision].format(name=req.name))
    return redirect("members:queues")


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in _TRANSFER_DONE:
        raise Http404
    req = selectors.get_transfer_for_approver(user=request.user, pk=pk)
    if req is None:
        raise Http404
    name = req.member.name
    try:
        if decision == "release":
            transfer_release(req=req, version=None, actor=request.user)
        elif decision == "accept":
            transfer_accept(req=req, version=None, actor=request.user)
        else:
            transfer_reject(req=req, note=_note(request), version=None, actor=request.user)
    except NotFound:
        # Both unions see the request, but each step belongs to one of them.
        messages.error(request, f"{name}：这一步应由另一方工会办理")
    except DomainError as exc:
        messages.error(request, f"{name}：{exc.message}")
    else:
        messages.success(request, _TRANSFER_DONE[decision].format(name=name))
    return redirect("members:queues")
