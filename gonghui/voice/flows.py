"""The transition tables of the voice loop (core.workflow).

专报  草稿 ──报送 (Action.VOICE at the report's union)──▶ 已报送 ──记录答复──▶ 已答复 ──反馈到职工 (the
      background job, on behalf of the platform)──▶ 已反馈
议题  有效 ──并入另一议题 (Action.VOICE at the issue's level)──▶ 已合并

The services in services/reports.py and issues.py take the steps; their side effects (freezing the
content, marking demands, the answer, the replies and messages) are written out there, next to the step.
"""

from __future__ import annotations

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.workflow import Step, Workflow

from .choices import IssueStatus, ReportStatus
from .models import Issue, Report

R = ReportStatus

REPORT_FLOW = Workflow(
    name="report",
    model=Report,
    states=ReportStatus,
    field="status",
    scope=scope_for,
    not_found="未找到该专报",
    wrong_state="该专报{state}，不能进行这一步",
    tones={R.DRAFT: "plain", R.SUBMITTED: "warn", R.ANSWERED: "info", R.FED_BACK: "ok"},
    steps=[
        Step("submit", "报送", sources={R.DRAFT}, target=R.SUBMITTED, action=Action.VOICE, audit="report.submit"),
        Step(
            "answer", "记录答复", sources={R.SUBMITTED}, target=R.ANSWERED, action=Action.VOICE, audit="report.answer"
        ),
        # taken by the background job once the answer is recorded; nobody's button
        Step(
            "feed_back",
            "反馈到职工",
            sources={R.ANSWERED},
            target=R.FED_BACK,
            who=lambda report, user: False,
            audit="report.feed_back",
        ),
    ],
)

ISSUE_FLOW = Workflow(
    name="issue",
    model=Issue,
    states=IssueStatus,
    field="status",
    scope=scope_for,
    not_found="未找到该议题",
    wrong_state="该议题{state}，不能再修改",
    tones={IssueStatus.ACTIVE: "ok", IssueStatus.MERGED: "plain", IssueStatus.RETIRED: "plain"},
    steps=[
        Step(
            "merge_into",
            "并入另一议题",
            sources={IssueStatus.ACTIVE},
            target=IssueStatus.MERGED,
            action=Action.VOICE,
            org="scope_org",
            audit="issue.merged_into",
        ),
    ],
)
