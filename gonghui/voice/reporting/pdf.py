"""The 专报 as PDF: the HTML template voice/report_pdf.html (Django's engine, autoescaped) printed by
WeasyPrint with the installed CJK font named in the CSS. Only data: URLs are fetched — the document can
never reach the network or the file system, whatever a text says."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from .chart import trend_chart_png
from .content import NO_ISSUES, TABLE_HEADERS, ReportContent, present, table_row
from .fonts import cjk_fonts

TEMPLATE = "voice/report_pdf.html"


def render_html(content: ReportContent, *, chart_png: bytes | None = None) -> str:
    """The HTML the PDF is printed from (exposed for tests and previews)."""
    view = present(content)
    fonts = cjk_fonts()
    png = chart_png if chart_png is not None else trend_chart_png(content.issues)
    context = {
        "report": view,
        "headers": TABLE_HEADERS,
        "rows": [table_row(issue) for issue in view.issues],
        "no_issues": NO_ISSUES,
        "chart_src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        "serif_stack": fonts.css_serif_stack,
        "sans_stack": fonts.css_sans_stack,
    }
    return render_to_string(TEMPLATE, context)


def render_pdf(content: ReportContent) -> bytes:
    """The 专报 as PDF bytes. Raises `MissingCJKFont` when no Chinese font is installed."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(content)
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)
