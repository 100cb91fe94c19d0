"""What a 专报 says, as plain data, and the one place where its text is made safe to print.

The caller (voice services) builds a `ReportContent` from the database; `present()` turns it into strings
ready for a page — every free text masked (ID and mobile numbers), stripped of characters that XML cannot
carry, and cut to a length the layout can hold. Both renderers read only the presented form.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from gonghui.core.dates import format_date
from gonghui.core.text import ID_PLACEHOLDER, mask_personal_numbers

DRAFT = "草稿"
NO_COMPARISON = "无可比数据"
NO_ISSUES = "暂无议题"

QUOTE_LIMIT = 200
QUOTES_PER_ISSUE = 3
LABEL_LIMIT = 60
KEYWORD_LIMIT = 20
KEYWORDS_PER_ISSUE = 10
REASON_LIMIT = 100
LINE_LIMIT = 200  # one-line fields: title, org, serial, 报送 body
TEXT_LIMIT = 20000  # paragraphs (summary, asks): long is fine, endless is not


@dataclass(frozen=True)
class TrendPoint:
    period: str  # "2026-09", "第45周" … in the order they happened
    count: int


@dataclass(frozen=True)
class ReportIssue:
    rank: int
    label: str
    keywords: list[str]
    submissions: int
    distinct_submitters: int
    distinct_unions: int
    growth: float | None  # ratio vs the previous period: 0.25 → +25%; None → 无可比数据
    urgent: bool
    urgency_reasons: list[str]
    quotes: list[str]  # anonymised by the caller; masked here again
    asks: str
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass(frozen=True)
class ReportContent:
    title: str
    org_name: str
    serial: str  # "〔2026〕第3期"
    prepared_on: date
    prepared_by: str  # org or department, never a person's phone
    summary: str
    period_start: date | None
    period_end: date | None
    total_demands: int
    total_submitters: int
    total_unions: int
    issues: list[ReportIssue]
    asks: str
    submitted_to: str = ""
    submitted_on: date | None = None
    status_label: str = DRAFT


# --- text safety ---------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (python-docx refuses them, lxml too) plus zero-width and bidi controls.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\u3000]+")
# Full-width digits would slip past the masks (which look for ASCII digits): fold them first.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ＋", "0123456789Xx+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Beyond core's masks: an ID number written in groups (530702 19900101 1234, 530702-1990-0101-1234) or
# any other 18-character run that reads like one — in a report to 党政 no such number is wanted.
_GROUPED_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}[ -]?\d{4}[ -]?\d{4}[ -]?\d{3}[\dXx](?![0-9A-Za-z])")


def clean(value: object, limit: int = LINE_LIMIT, *, multiline: bool = False) -> str:
    """Masked (ID / mobile numbers), printable, trimmed; longer than `limit` → cut with an ellipsis.

    Masking runs before the cut so a number can never be half-cut out of the mask's reach."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _UNPRINTABLE.sub("", text).translate(_FULLWIDTH_DIGITS)
    text = _GROUPED_ID.sub(ID_PLACEHOLDER, mask_personal_numbers(text))
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def paragraphs(value: object, limit: int = TEXT_LIMIT) -> list[str]:
    """A free text (summary, asks) as its paragraphs, cleaned."""
    text = clean(value, limit, multiline=True)
    return [p for p in text.split("\n") if p]


def format_growth(growth: float | None) -> str:
    """0.25 → "+25%", -0.1 → "-10%", 0 → "0%", None / NaN / ∞ → 无可比数据."""
    if growth is None or not math.isfinite(growth):
        return NO_COMPARISON
    percent = round(growth * 100)
    return f"{percent:+d}%" if percent else "0%"


def format_count(value: int) -> str:
    return str(int(value))


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (section numbers); beyond 99 plain digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


# --- presented form ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueView:
    ordinal: str  # （一）
    rank: str
    label: str
    keywords: list[str]
    submissions: str
    submitters: str
    unions: str
    growth: str
    urgent: bool
    urgent_mark: str  # "紧急" or ""
    urgency_reasons: list[str]
    quotes: list[str]
    asks: list[str]


@dataclass(frozen=True)
class ReportView:
    masthead: str
    title: str
    serial: str
    org_name: str
    prepared_by: str
    prepared_on: str
    period: str
    status: str
    is_draft: bool
    summary: list[str]
    totals: list[tuple[str, str]]  # (label, value)
    totals_sentence: str
    issues: list[IssueView]
    asks: list[str]
    submitted_line: str  # "报送：…" or ""


def _issue_view(position: int, issue: ReportIssue) -> IssueView:
    keywords = [k for k in (clean(k, KEYWORD_LIMIT) for k in issue.keywords) if k]
    quotes = [q for q in (clean(q, QUOTE_LIMIT) for q in issue.quotes) if q]
    reasons = [r for r in (clean(r, REASON_LIMIT) for r in issue.urgency_reasons) if r]
    return IssueView(
        ordinal=f"（{cn_numeral(position)}）",
        rank=str(int(issue.rank)),
        label=clean(issue.label, LABEL_LIMIT) or "（未命名议题）",
        keywords=keywords[:KEYWORDS_PER_ISSUE],
        submissions=format_count(issue.submissions),
        submitters=format_count(issue.distinct_submitters),
        unions=format_count(issue.distinct_unions),
        growth=format_growth(issue.growth),
        urgent=bool(issue.urgent),
        urgent_mark="紧急" if issue.urgent else "",
        urgency_reasons=reasons,
        quotes=quotes[:QUOTES_PER_ISSUE],
        asks=paragraphs(issue.asks),
    )


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{format_date(start)}至{format_date(end)}"
    if start:
        return f"{format_date(start)}以来"
    if end:
        return f"截至{format_date(end)}"
    return "全部时间"


def present(content: ReportContent) -> ReportView:
    org_name = clean(content.org_name)
    status = clean(content.status_label, 20) or DRAFT
    submitted_line = ""
    if content.submitted_to or content.submitted_on:
        target = clean(content.submitted_to) or "（未填写报送对象）"
        when = f"（{format_date(content.submitted_on)}）" if content.submitted_on else ""
        submitted_line = f"报送：{target}{when}"
    return ReportView(
        masthead=f"{org_name}专报" if org_name else "专报",
        title=clean(content.title) or "专报",
        serial=clean(content.serial),
        org_name=org_name,
        prepared_by=clean(content.prepared_by) or org_name,
        prepared_on=format_date(content.prepared_on),
        period=_period(content.period_start, content.period_end),
        status=status,
        is_draft=status == DRAFT,
        summary=paragraphs(content.summary),
        totals=[
            ("诉求件数", format_count(content.total_demands)),
            ("涉及职工", format_count(content.total_submitters)),
            ("涉及工会", format_count(content.total_unions)),
            ("议题数", format_count(len(content.issues))),
        ],
        totals_sentence=(
            f"本期共汇集职工诉求{format_count(content.total_demands)}件，"
            f"涉及职工{format_count(content.total_submitters)}人、"
            f"工会{format_count(content.total_unions)}个，"
            f"归纳为{len(content.issues)}个议题。"
        ),
        issues=[_issue_view(n, i) for n, i in enumerate(sorted(content.issues, key=lambda i: i.rank), 1)],
        asks=paragraphs(content.asks),
        submitted_line=submitted_line,
    )


TABLE_HEADERS = ("排序", "议题", "诉求件数", "涉及职工", "涉及工会", "环比", "紧急")


def table_row(issue: IssueView) -> tuple[str, ...]:
    return (
        issue.rank,
        issue.label,
        issue.submissions,
        issue.submitters,
        issue.unions,
        issue.growth,
        issue.urgent_mark,
    )
