"""What waits for a cadre (and a leader) in the voice loop (gonghui.core.todo): demands not yet taken
up, urgent ones among them, 专报 sent and waiting for the answer, answers not yet passed back down.
Each count is one query over the user's scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gonghui.accounts.scope import Action
from gonghui.core.todo import TodoSource, register_sources

from .choices import ReportStatus
from .selectors import URGENT_DAYS, open_demands, reports_for, urgent_demands


def demands_waiting(user: Any) -> int:
    return open_demands(user, Action.VOICE).count()


def urgent_waiting(user: Any) -> int:
    return urgent_demands(user, Action.VIEW).count()


def reports_waiting(user: Any) -> int:
    return reports_for(user).filter(status=ReportStatus.SUBMITTED).count()


def feedback_waiting(user: Any) -> int:
    return reports_for(user, Action.VOICE).filter(status=ReportStatus.ANSWERED).count()


register_sources(
    [
        TodoSource(
            key="voice.urgent",
            within="voice.demands",  # urgent demands are open demands too
            label="紧急诉求未办结",
            hint=f"近{URGENT_DAYS}天反映的欠薪、工伤、安全隐患、职业病或人身安全问题，尚未向党政反映",
            action=Action.VIEW,
            count=urgent_waiting,
            url=lambda: reverse("voice:demands") + f"?status=open&urgent=1&days={URGENT_DAYS}",
            tone="danger",
            order=5,
        ),
        TodoSource(
            key="voice.demands",
            label="职工诉求待办理",
            hint="已受理、尚未向党政反映的诉求和建议",
            action=Action.VOICE,
            count=demands_waiting,
            url=lambda: reverse("voice:demands") + "?status=open",
            order=40,
        ),
        TodoSource(
            key="voice.reports",
            label="专报等待党政答复",
            hint="已报送，答复到了请及时登记",
            action=Action.VIEW,
            count=reports_waiting,
            url=lambda: reverse("voice:reports") + f"?status={ReportStatus.SUBMITTED}",
            order=50,
        ),
        TodoSource(
            key="voice.feedback",
            label="答复待反馈职工",
            hint="党政答复已登记，正在逐一告知反映过的职工",
            action=Action.VOICE,
            count=feedback_waiting,
            url=lambda: reverse("voice:reports") + f"?status={ReportStatus.ANSWERED}",
            order=60,
        ),
    ]
)
