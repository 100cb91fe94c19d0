"""What waits for a cadre in members (gonghui.core.todo): join and transfer decisions (the review
chain's to-do selectors in members/flows.py), rosters checked and waiting for confirmation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gonghui.accounts.scope import Action
from gonghui.core.todo import TodoSource, register_sources

from .models import ImportJobState

# The review chain's to-do selectors list at most this many; the card then says "500+".
REVIEW_CAP = 500


def joins_waiting(user: Any) -> int:
    """Join requests whose next review level this user may decide now — the review chain's own answer
    (core.review.waiting_for: own requests left out, one level per person): two queries, the candidates
    and their review steps."""
    from .flows import joins_waiting_for

    return len(joins_waiting_for(user, limit=REVIEW_CAP))


def transfers_waiting(user: Any) -> int:
    from .flows import transfers_waiting_for

    return len(transfers_waiting_for(user, limit=REVIEW_CAP))


def imports_waiting(user: Any) -> int:
    from .imports.jobs import jobs_for

    return jobs_for(user).filter(state=ImportJobState.VALIDATED).count()


register_sources(
    [
        TodoSource(
            key="members.joins",
            label="入会申请待审批",
            hint="职工提交的入会申请，等您批准或驳回",
            action=Action.APPROVE,
            count=joins_waiting,
            cap=REVIEW_CAP,
            url=lambda: reverse("members:queues") + "#join-queue",
            tone="warn",
            order=10,
        ),
        TodoSource(
            key="members.transfers",
            label="转会申请待处理",
            hint="转出待同意、转入待接收的会员",
            action=Action.APPROVE,
            count=transfers_waiting,
            cap=REVIEW_CAP,
            url=lambda: reverse("members:queues") + "#transfer-queue",
            tone="warn",
            order=20,
        ),
        TodoSource(
            key="members.imports",
            label="名册待确认导入",
            hint="已检查通过的名册，确认后才会写入会员",
            action=Action.IMPORT,
            count=imports_waiting,
            url=lambda: reverse("members:import_upload") + "?state=validated",
            order=30,
        ),
    ]
)
