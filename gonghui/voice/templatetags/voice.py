"""Template filters of the voice pages: figures written the way the reports write them."""

from __future__ import annotations

from django import template

from ..reporting.content import format_growth

register = template.Library()


@register.filter
def growth(value: float | None) -> str:
    """环比 as in the 专报: 0.25 → +25%, None → 无可比数据."""
    return format_growth(value)
