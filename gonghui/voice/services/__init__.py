"""Every write of the voice loop. Views, the API and commands call these, nothing else writes."""

from .analysis import run_execute, run_request, run_start
from .intake import Upload, demand_enter, demand_submit
from .issues import issue_add_demand, issue_merge, issue_rename, issue_split
from .reports import (
    reply_rate,
    report_answer_and_feed_back,
    report_create,
    report_feed_back,
    report_record_answer,
    report_remove_issue,
    report_submit,
    report_update,
)

__all__ = [
    "Upload",
    "demand_enter",
    "demand_submit",
    "issue_add_demand",
    "issue_merge",
    "issue_rename",
    "issue_split",
    "reply_rate",
    "report_answer_and_feed_back",
    "report_create",
    "report_feed_back",
    "report_record_answer",
    "report_remove_issue",
    "report_submit",
    "report_update",
    "run_execute",
    "run_request",
    "run_start",
]
