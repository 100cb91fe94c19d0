"""打包反映: the 专报 (report to party and government) as .docx and .pdf, from plain data.

The caller builds a `ReportContent` (voice services, from the database); this package only prints it.
Every free text is masked again here (ID and mobile numbers) — see `content.present`.

The printers bring python-docx, matplotlib and WeasyPrint: each name below loads its module on first
use, so importing `reporting.content` (every voice page does) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chart import trend_chart_png
    from .content import ReportContent, ReportIssue, TrendPoint, format_growth
    from .fonts import MissingCJKFont, cjk_fonts
    from .pdf import render_html, render_pdf
    from .word import render_docx

_WHERE = {
    "trend_chart_png": "chart",
    "ReportContent": "content",
    "ReportIssue": "content",
    "TrendPoint": "content",
    "format_growth": "content",
    "MissingCJKFont": "fonts",
    "cjk_fonts": "fonts",
    "render_html": "pdf",
    "render_pdf": "pdf",
    "render_docx": "word",
}

__all__ = [
    "MissingCJKFont",
    "ReportContent",
    "ReportIssue",
    "TrendPoint",
    "cjk_fonts",
    "format_growth",
    "render_docx",
    "render_html",
    "render_pdf",
    "trend_chart_png",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
