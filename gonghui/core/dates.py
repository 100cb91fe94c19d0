"""Dates as people write them on rosters, and as the UI shows them (2026年11月27日)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_PATTERNS = [
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_ONLY = [re.compile(r"^(\d{4})年(\d{1,2})月$"), re.compile(r"^(\d{4})[/\-.](\d{1,2})$")]


def parse_date(value: object) -> dt.date | None:
    """None for an empty cell; ValueError (Chinese message) for text that is no date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not text:
        return None
    text = re.sub(r"(\d)\s*00:00(:00)?$", r"\1", text)
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
    for pattern in _MONTH_ONLY:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), 1)
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"无法识别的日期“{text[:30]}”，请写成 2016-12-12 或 2016年12月12日")


def format_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""
