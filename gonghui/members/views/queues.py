"""The cadre's work queues: join requests (通过 / 退回修改 / 驳回, level by level) and transfers (release,
accept, reject). The buttons are the workflow's `allowed` steps; the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.accounts.scope import scope_for
from gonghui.core.errors import DomainError, NotFound

from .. import selectors
from ..flows import JOIN_CHAIN, TRANSFER_CHAIN
from ..forms import DecisionForm
from ..services import transfer_accept, transfer_reject, transfer_release
from ..services.joining import decide_join
from .shared import require_cadre

QUEUE_LIMIT = 200


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    require_cadre(request)
    joins = list(selectors.join_queue(user=request.user)[:QUEUE_LIMIT])
    for r in joins:
        pos = JOIN_CHAIN.position(r)
        levels = JOIN_CHAIN.levels_on(r)
        # "初审（第1级，共3级）" when the chain has more than one level
        label = ""
        if pos is not None and len(levels) > 1:
            n = [i for i, _, _ in levels].index(pos.index) + 1
            label = f"{pos.level.name}（第{n}级，共{len(levels)}级）"
        setattr(r, "review_level", label)  # noqa: B010 (labels for this page only)
        setattr(r, "own_request", JOIN_CHAIN.own_refusal(r, request.user) is not None)  # noqa: B010
    transfers = list(selectors.transfer_queue(user=request.user)[:QUEUE_LIMIT])
    for t in transfers:
        setattr(t, "own_request", TRANSFER_CHAIN.own_refusal(t, request.user) is not None)  # noqa: B010
    return render(
        request,
        "members/queues.html",
        {
            "joins": joins,
            "transfers": transfers,
            "scope": scope_for(request.user),
        },
    )


# the URL's decision → (the review decision, what the page says when it is done)
_JOIN_DECISIONS = {
    "approve": ("approve", "已通过{name}的入会申请"),
    "return": ("return", "已把{name}的入会申请退回修改"),
    "reject": ("reject", "已驳回{name}的入会申请"),
}
_JOIN_DONE_FINAL = "已批准{name}的入会申请"
_JOIN_DONE_NEXT = "已通过{name}的入会申请（{level}），等待下一级审核"
_TRANSFER_DONE = {
    "release": "已同意{name}转出，等待转入工会接收",
    "accept": "已接收{name}转入本工会",
    "reject": "已驳回{name}的转会申请",
}
# Each button names the step it stands for: advance and approve both post "approve".
STEP_DECISION = {"advance": "approve", "approve": "approve", "return": "return", "reject": "reject"}


def _note(request: HttpRequest) -> str:
    form = DecisionForm(request.POST)
    form.is_valid()
    return str(form.cleaned_data.get("note", ""))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in _JOIN_DECISIONS:
        raise Http404
    req = selectors.get_join_request_for_approver(user=request.user, pk=pk)
    if req is None:
        raise Http404
    review_decision, done = _JOIN_DECISIONS[decision]
    pos = JOIN_CHAIN.position(req)
    try:
        # The service's checks (under a row lock: version, state, level, no self-approval) guard against
        # a second click, a stale page and a decision on one's own request.
        _locked, member = decide_join(
            req=req, decision=review_decision, version=_version(request), actor=request.user, note=_note(request)
        )
    except NotFound:
        messages.error(request, f"{req.name}：这一级应由上级工会审核")
    except DomainError as exc:
        messages.error(request, f"{req.name}：{exc.message}")
    else:
        if member is not None:
            done = _JOIN_DONE_FINAL
        elif review_decision == "approve":
            done = _JOIN_DONE_NEXT.replace("{level}", pos.level.name if pos else "")
        messages.success(request, done.format(name=req.name))
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
    version = _version(request)
    try:
        if decision == "release":
            transfer_release(req=req, version=version, actor=request.user)
        elif decision == "accept":
            transfer_accept(req=req, version=version, actor=request.user)
        else:
            transfer_reject(req=req, note=_note(request), version=version, actor=request.user)
    except NotFound:
        # Both unions see the request, but each step belongs to one of them.
        messages.error(request, f"{name}：这一步应由另一方工会办理")
    except DomainError as exc:
        messages.error(request, f"{name}：{exc.message}")
    else:
        messages.success(request, _TRANSFER_DONE[decision].format(name=name))
    return redirect("members:queues")
