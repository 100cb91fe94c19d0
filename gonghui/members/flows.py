"""The transition tables of joining and transfers, and their review chains (core.workflow, core.review).

入会申请  待审批 ──通过，报上级审核──▶ 待审批 (next level)      (levels: GONGHUI_REVIEW_LEVELS["join"],
          待审批 ──批准入会──────────▶ 已通过                    default one level at the union)
          待审批 ──退回修改──────────▶ 退回修改 ──申请人重新提交──▶ 待审批 (the chain restarts)
          待审批 ──驳回──────────────▶ 已驳回
          待审批 / 退回修改 ──申请人撤回──▶ 已撤回

转会申请  待审批 ──同意转出 (转出工会)──▶ 转出方已同意 ──接收转入 (转入工会)──▶ 已通过
          待审批 / 转出方已同意 ──驳回 (当前这一方)──▶ 已驳回
          待审批 / 转出方已同意 ──撤回 (提出人或会员本人)──▶ 已撤回

Who may: a decision needs Action.APPROVE at the level's org; nobody passes (通过 / 同意转出 / 接收转入)
a request about their own member record or one they submitted (core.review). The services in
services/joining.py and transfers.py take the steps and write their side effects (the member record,
the move) right after.
"""

from __future__ import annotations

from typing import Any

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import review
from gonghui.core.workflow import Step, Workflow

from .choices import RequestState
from .models import JoinRequest, TransferRequest

S = RequestState

JOIN_CHAIN = review.Chain(
    kind="join",
    label="入会申请",
    levels=(review.Level("审批"),),
    scope=scope_for,
    # The member record a join request is about exists only once it is approved; before that the
    # applicant is known by the account that submitted it.
    subject_member=lambda req: req.member_id,
    submitted_by=lambda req: [req.user_id],
    configurable=True,
)


def _is_applicant(req: JoinRequest, user: Any) -> bool:
    return bool(req.user_id == getattr(user, "pk", None))


JOIN_FLOW = Workflow(
    name="join_request",
    model=JoinRequest,
    states=RequestState,
    scope=scope_for,
    not_found="未找到该申请",
    wrong_state="该申请{state}，不能重复处理",
    tones={S.PENDING: "warn", S.RETURNED: "info", S.APPROVED: "ok", S.REJECTED: "danger", S.CANCELLED: "plain"},
    steps=[
        Step(
            "advance",
            "通过，报上级审核",
            sources={S.PENDING},
            target=S.PENDING,
            action=Action.APPROVE,
            org=JOIN_CHAIN.current_org,
            guards=(JOIN_CHAIN.advance_guard,),
            audit="join_request.advance",
            comment="optional",
            comment_field="note",
            comment_label="审核意见",
        ),
        Step(
            "approve",
            "批准入会",
            sources={S.PENDING},
            target=S.APPROVED,
            action=Action.APPROVE,
            org=JOIN_CHAIN.current_org,
            guards=(JOIN_CHAIN.final_guard,),
            audit="join_request.approve",
            comment="optional",
            comment_field="note",
            comment_label="审核意见",
        ),
        Step(
            "return",
            "退回修改",
            sources={S.PENDING},
            target=S.RETURNED,
            action=Action.APPROVE,
            org=JOIN_CHAIN.current_org,
            guards=(JOIN_CHAIN.reviewer_guard,),
            audit="join_request.return",
            comment="required",
            comment_field="note",
            comment_label="需要修改的地方（申请人会看到）",
            tone="plain",
        ),
        Step(
            "reject",
            "驳回",
            sources={S.PENDING},
            target=S.REJECTED,
            action=Action.APPROVE,
            org=JOIN_CHAIN.current_org,
            guards=(JOIN_CHAIN.reviewer_guard,),
            audit="join_request.reject",
            comment="required",
            comment_field="note",
            comment_missing="驳回时请写明原因，申请人会看到",
            comment_label="驳回原因（申请人会看到）",
            tone="danger",
        ),
        Step(
            "resubmit",
            "修改后重新提交",
            sources={S.RETURNED},
            target=S.PENDING,
            who=_is_applicant,
            audit="join_request.resubmit",
        ),
        Step(
            "cancel",
            "撤回申请",
            sources={S.PENDING, S.RETURNED},
            target=S.CANCELLED,
            who=_is_applicant,
            audit="join_request.cancel",
            tone="plain",
        ),
    ],
)


def _deciding_org(t: TransferRequest) -> Any:
    """Before release the sending union decides; after it, the receiving one."""
    return t.from_org if t.state == S.PENDING else t.to_org


def _may_cancel_transfer(t: TransferRequest, user: Any) -> bool:
    return bool(t.requested_by_id == getattr(user, "pk", None) or getattr(user, "member_id", None) == t.member_id)


TRANSFER_CHAIN = review.Chain(
    kind="transfer",
    label="转会申请",
    levels=(review.Level("转出审核", org="from_org"), review.Level("转入接收", org="to_org")),
    scope=scope_for,
    subject_member=lambda t: t.member_id,
    submitted_by=lambda t: [t.requested_by_id],
    # Within one county its cadre often holds both sides; the two unions are the two pairs of eyes.
    distinct_reviewers=False,
    level_of=lambda t: 0 if t.state == S.PENDING else 1,
    advance_step="release",
    approve_step="accept",
)

TRANSFER_FLOW = Workflow(
    name="transfer",
    model=TransferRequest,
    states=RequestState,
    scope=scope_for,
    not_found="未找到该申请",
    wrong_state="该申请当前状态为“{state}”，不能再办理此步",
    tones={S.PENDING: "warn", S.RELEASED: "info", S.APPROVED: "ok", S.REJECTED: "danger", S.CANCELLED: "plain"},
    steps=[
        Step(
            "release",
            "同意转出",
            sources={S.PENDING},
            target=S.RELEASED,
            action=Action.APPROVE,
            org="from_org",
            guards=(TRANSFER_CHAIN.advance_guard,),
            audit="transfer.release",
        ),
        Step(
            "accept",
            "接收转入",
            sources={S.RELEASED},
            target=S.APPROVED,
            action=Action.APPROVE,
            org="to_org",
            guards=(TRANSFER_CHAIN.final_guard,),
            audit="transfer.accept",
        ),
        Step(
            "reject",
            "驳回",
            sources={S.PENDING, S.RELEASED},
            target=S.REJECTED,
            action=Action.APPROVE,
            org=_deciding_org,
            guards=(TRANSFER_CHAIN.reviewer_guard,),
            audit="transfer.reject",
            comment="required",
            comment_field="note",
            comment_missing="驳回时请写明原因",
            comment_label="驳回原因",
            tone="danger",
        ),
        Step(
            "cancel",
            "撤回申请",
            sources={S.PENDING, S.RELEASED},
            target=S.CANCELLED,
            who=_may_cancel_transfer,
            audit="transfer.cancel",
            tone="plain",
        ),
    ],
)


# ---------------------------------------------------------------- to-do sources (gonghui.core.todo)


def joins_waiting_for(user: Any, *, limit: int = 500) -> list[JoinRequest]:
    """Join requests whose next level this user may decide now (own requests left out)."""
    q = scope_for(user).org_q(Action.APPROVE, prefix="org__")
    candidates = JoinRequest.objects.filter(q, state=S.PENDING).select_related("org").order_by("id")
    return review.waiting_for(JOIN_CHAIN, user, candidates, limit=limit)


def transfers_waiting_for(user: Any, *, limit: int = 500) -> list[TransferRequest]:
    """Transfers whose next side this user holds (release or accept), own requests left out."""
    from django.db.models import Q

    scope = scope_for(user)
    q = (scope.org_q(Action.APPROVE, prefix="from_org__") & Q(state=S.PENDING)) | (
        scope.org_q(Action.APPROVE, prefix="to_org__") & Q(state=S.RELEASED)
    )
    candidates = TransferRequest.objects.filter(q).select_related("member", "from_org", "to_org").order_by("id")
    return review.waiting_for(TRANSFER_CHAIN, user, candidates, limit=limit)
