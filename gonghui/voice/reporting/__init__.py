"""打包反映: the 专报 (report to party and government) as .docx and .pdf, from plain data.

The caller builds a `ReportContent` (voice services, from the database); this package only prints it.
Every free text is masked again here (ID and mobile numbers) — see `content.present`.
"""

from .chart import trend_chart_png
from .content import ReportContent, ReportIssue, TrendPoint, format_growth
from .fonts import MissingCJKFont, cjk_fonts
from .pdf import render_html, render_pdf
from .word import render_docx

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
