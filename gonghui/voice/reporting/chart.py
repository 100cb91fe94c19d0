"""The trend chart of a 专报: submissions per period for the strongest issues, as a PNG.

matplotlib's object API on the Agg canvas (no pyplot, no backend switch, no global figure state: safe in
a web worker), the installed CJK font registered once, math text off so a `$` in a label is just a dollar sign.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .content import ReportIssue, clean
from .fonts import cjk_fonts

LEGEND_LABEL_LIMIT = 16
MAX_TICKS = 12
COLOURS = ("#c0392b", "#1f5fa8", "#d68910", "#117a65", "#6c3483", "#566573", "#a04000", "#1a5276")


@lru_cache(maxsize=1)
def _font_family() -> str:
    """Register the CJK font file with matplotlib and give the family name to ask for."""
    font = cjk_fonts().sans
    font_manager.fontManager.addfont(font.path)
    names = {entry.name for entry in font_manager.fontManager.ttflist if entry.fname == font.path}
    if font.family in names:
        return font.family
    return font_manager.FontProperties(fname=font.path).get_name()


_NUMBER = re.compile(r"\d+")


def _numeric_key(period: str) -> tuple[str, tuple[int, ...]] | None:
    """ "2026-09" → ("-", (2026, 9)); "第45周" → ("第周", (45,)); None when the label has no number."""
    numbers = tuple(int(n) for n in _NUMBER.findall(period))
    return (_NUMBER.sub("", period), numbers) if numbers else None


def merged_periods(issues: list[ReportIssue]) -> list[str]:
    """All periods in time order. Labels of one shape with numbers in them (2026-09, 2026-W45, 第45周)
    are sorted by those numbers; other labels keep each issue's own order, a new one going in after the
    period that came before it in that issue."""
    labels = list(dict.fromkeys(clean(p.period, 20) for issue in issues for p in issue.trend))
    keys = [_numeric_key(label) for label in labels]
    if labels and all(keys) and len({k[0] for k in keys if k}) == 1:
        return sorted(labels, key=lambda label: _numeric_key(label) or ("", ()))
    order: list[str] = []
    for issue in issues:
        previous: str | None = None
        for point in issue.trend:
            period = clean(point.period, 20)
            if period not in order:
                order.insert(order.index(previous) + 1 if previous is not None else 0, period)
            previous = period
    return order


def trend_chart_png(issues: list[ReportIssue], *, top: int = 5) -> bytes:
    """A line per issue (the `top` strongest by rank), submissions per period; a note when no issue
    has a trend. Raises `MissingCJKFont` when no Chinese font is installed."""
    family = _font_family()
    chosen = sorted(issues, key=lambda i: i.rank)[: max(top, 0)]
    with_trend = [i for i in chosen if i.trend]
    periods = merged_periods(with_trend)
    with rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "text.parse_math": False,
        }
    ):
        figure = Figure(figsize=(6.4, 3.0), dpi=180)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        ax.set_title("主要议题诉求件数趋势", fontsize=11)
        if not periods:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "暂无趋势数据", ha="center", va="center", fontsize=12, transform=ax.transAxes)
        else:
            x = list(range(len(periods)))
            for n, issue in enumerate(with_trend):
                counts: dict[str, int] = {}
                for point in issue.trend:
                    key = clean(point.period, 20)
                    counts[key] = counts.get(key, 0) + max(int(point.count), 0)
                label = f"{issue.rank}. {clean(issue.label, LEGEND_LABEL_LIMIT)}"
                ax.plot(
                    x,
                    [counts.get(p, 0) for p in periods],
                    marker="o",
                    markersize=3,
                    linewidth=1.6,
                    color=COLOURS[n % len(COLOURS)],
                    label=label,
                )
            step = max(1, -(-len(periods) // MAX_TICKS))
            ax.set_xticks(x[::step], periods[::step], fontsize=8, rotation=30 if len(periods) > 6 else 0)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0)
            ax.set_ylabel("诉求件数", fontsize=9)
            ax.tick_params(axis="y", labelsize=8)
            ax.grid(axis="y", linewidth=0.4, alpha=0.6)
            ax.spines[["top", "right"]].set_visible(False)
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
