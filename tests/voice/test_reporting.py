"""The 专报 renderers: open the .docx with python-docx and the PDF with pypdf and read what a person would
see — title, counts, quotes, draft mark, Chinese fonts, the chart — and check that no ID or mobile number
and no injected markup ever gets through. These tests need a CJK font (scripts/system-deps.sh installs
fonts-noto-cjk); without one they fail and say so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from gonghui.voice.reporting import (
    MissingCJKFont,
    ReportContent,
    ReportIssue,
    TrendPoint,
    cjk_fonts,
    format_growth,
    render_docx,
    render_html,
    render_pdf,
    trend_chart_png,
)
from gonghui.voice.reporting import chart as chart_module
from gonghui.voice.reporting import fonts as fonts_module
from gonghui.voice.reporting.chart import merged_periods
from gonghui.voice.reporting.content import QUOTE_LIMIT, clean

from ..factories import make_id_number

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ID_NUMBER = make_id_number("530702", dt.date(1990, 1, 1), "M", 123)
MOBILE = "13912345678"


@pytest.fixture(scope="module", autouse=True)
def _cjk_font_installed() -> None:
    try:
        cjk_fonts()
    except MissingCJKFont as exc:
        pytest.fail(f"{exc} — the report tests print Chinese and need it (scripts/system-deps.sh).")


def issue(rank: int = 1, **kw: object) -> ReportIssue:
    values: dict[str, object] = {
        "rank": rank,
        "label": f"议题{rank}拖欠加班工资",
        "keywords": ["加班费", "拖欠", "工资"],
        "submissions": 30 + rank,
        "distinct_submitters": 20 + rank,
        "distinct_unions": 4 + rank,
        "growth": 0.25,
        "urgent": rank == 1,
        "urgency_reasons": ["涉及欠薪", "春节前集中反映"] if rank == 1 else [],
        "quotes": [f"第{rank}条原声：加班三个月没拿到加班费", f"第{rank}条原声：希望工会帮忙讨薪"],
        "asks": f"建议劳动监察部门对议题{rank}开展专项检查",
        "trend": [TrendPoint("2026-09", rank), TrendPoint("2026-10", 2 * rank), TrendPoint("2026-11", 3 * rank)],
    }
    values.update(kw)
    return ReportIssue(**values)  # type: ignore[arg-type]


def report(**kw: object) -> ReportContent:
    values: dict[str, object] = {
        "title": "关于职工反映加班工资问题的专报",
        "org_name": "丽江市总工会",
        "serial": "〔2026〕第3期",
        "prepared_on": dt.date(2026, 11, 27),
        "prepared_by": "丽江市总工会权益保障部",
        "summary": "今年以来，全市各级工会通过网上诉求平台广泛听取职工意见，现将集中反映的问题报告如下。",
        "period_start": dt.date(2026, 9, 1),
        "period_end": dt.date(2026, 11, 30),
        "total_demands": 512,
        "total_submitters": 377,
        "total_unions": 41,
        "issues": [issue(1), issue(2, growth=-0.1, urgent=False), issue(3, growth=None, urgent=False)],
        "asks": "建议市政府将职工加班工资支付纳入专项督查。",
    }
    values.update(kw)
    return ReportContent(**values)  # type: ignore[arg-type]


SUBMITTED = {
    "status_label": "已报送",
    "submitted_to": "中共丽江市委办公室",
    "submitted_on": dt.date(2026, 12, 1),
}


# --- reading the documents back ------------------------------------------------------------------------


def docx_text(blob: bytes) -> str:
    """Every w:t of the body, headers and footers, one paragraph a line."""
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in sorted(z.namelist()):
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for para in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para)
                    out.append("".join(texts))
    import html

    return html.unescape("\n".join(out))


def docx_raw(blob: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def pdf_text(blob: bytes) -> str:
    reader = PdfReader(io.BytesIO(blob))
    return "\n".join(page.extract_text() for page in reader.pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def draft_docx() -> bytes:
    return render_docx(report())


@pytest.fixture(scope="module")
def draft_pdf() -> bytes:
    return render_pdf(report())


# --- .docx ---------------------------------------------------------------------------------------------


def test_docx_says_what_the_report_says(draft_docx: bytes) -> None:
    text = docx_text(draft_docx)
    assert "关于职工反映加班工资问题的专报" in text
    assert "〔2026〕第3期" in text
    assert "丽江市总工会专报" in text
    assert "2026年11月27日" in text
    assert "2026年9月1日至2026年11月30日" in text
    assert "今年以来，全市各级工会" in text
    assert "本期共汇集职工诉求512件，涉及职工377人、工会41个，归纳为3个议题。" in text
    for rank in (1, 2, 3):
        assert f"议题{rank}拖欠加班工资" in text
        assert f"“第{rank}条原声：加班三个月没拿到加班费”" in text
        assert f"建议劳动监察部门对议题{rank}开展专项检查" in text
    assert "关键词：加班费、拖欠、工资" in text
    assert "环比+25%" in text and "环比-10%" in text and "环比无可比数据" in text
    assert "紧急：涉及欠薪；春节前集中反映" in text
    assert "建议市政府将职工加班工资支付纳入专项督查。" in text


def test_docx_summary_table_has_the_counts(draft_docx: bytes) -> None:
    doc = Document(io.BytesIO(draft_docx))
    assert len(doc.tables) == 1
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["排序", "议题", "诉求件数", "涉及职工", "涉及工会", "环比", "紧急"]
    assert rows[1] == ["1", "议题1拖欠加班工资", "31", "21", "5", "+25%", "紧急"]
    assert rows[2] == ["2", "议题2拖欠加班工资", "32", "22", "6", "-10%", ""]
    assert rows[3] == ["3", "议题3拖欠加班工资", "33", "23", "7", "无可比数据", ""]


def test_docx_issues_come_in_rank_order_whatever_the_input_order() -> None:
    blob = render_docx(report(issues=[issue(2), issue(1)]))
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(blob)).tables[0].rows]
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    text = docx_text(blob)
    assert text.index("（一）议题1") < text.index("（二）议题2")


def test_docx_draft_carries_a_visible_mark(draft_docx: bytes) -> None:
    text = docx_text(draft_docx)
    assert "【草稿】" in text
    assert "状态：草稿" in text
    doc = Document(io.BytesIO(draft_docx))
    assert "草稿" in "".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "报送：" not in text


def test_docx_submitted_has_no_draft_mark_and_a_submission_line() -> None:
    blob = render_docx(report(**SUBMITTED))
    text = docx_text(blob)
    assert "草稿" not in text
    assert "状态：已报送" in text
    assert "报送：中共丽江市委办公室（2026年12月1日）" in text


def test_docx_sets_east_asian_fonts_on_styles_and_runs(draft_docx: bytes) -> None:
    doc = Document(io.BytesIO(draft_docx))
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    runs += [r for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert len(runs) > 30
    for run in runs:
        rpr = run._r.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
    # the font table lets a reader without 仿宋 substitute a GB2312 font instead of printing boxes
    assert re.search(r'w:name="仿宋".*?w:charset w:val="86"', docx_raw(draft_docx), flags=re.S)


def test_docx_is_a4_with_page_numbers(draft_docx: bytes) -> None:
    doc = Document(io.BytesIO(draft_docx))
    section = doc.sections[0]
    assert section.page_width is not None and abs(section.page_width - Mm(210)) < Mm(1)
    assert section.page_height is not None and abs(section.page_height - Mm(297)) < Mm(1)
    assert 'w:instr="PAGE"' in docx_raw(draft_docx)


def test_docx_embeds_the_chart(draft_docx: bytes) -> None:
    doc = Document(io.BytesIO(draft_docx))
    assert len(doc.inline_shapes) == 1
    with zipfile.ZipFile(io.BytesIO(draft_docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert media and z.read(media[0]).startswith(PNG_MAGIC)


# --- .pdf ----------------------------------------------------------------------------------------------


def test_pdf_chinese_is_real_text(draft_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(draft_pdf))
    assert len(reader.pages) >= 1
    text = pdf_text(draft_pdf)
    flat = compact(text)
    assert "关于职工反映加班工资问题的专报" in flat
    assert "〔2026〕第3期" in flat
    assert "2026年11月27日" in flat
    for rank in (1, 2, 3):
        assert f"议题{rank}拖欠加班工资" in flat
        assert f"“第{rank}条原声：加班三个月没拿到加班费”" in flat
    # the table rows: rank, label, submissions, submitters, unions, growth, urgency
    assert "1议题1拖欠加班工资31215+25%紧急" in flat
    assert "2议题2拖欠加班工资32226-10%" in flat
    assert "3议题3拖欠加班工资33237无可比数据" in flat
    assert "本期共汇集职工诉求512件，涉及职工377人、工会41个" in flat
    assert "□" not in text and "\ufffd" not in text


def test_pdf_embeds_a_cjk_font_and_the_chart(draft_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(draft_pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    assert any("CJK" in f or "Hei" in f or "Source" in f for f in fonts), fonts
    images = [img for page in reader.pages for img in page.images]
    assert images
    assert any(img.image is not None and img.image.size[0] > 600 for img in images)  # the chart, full size


def test_pdf_draft_mark_and_page_numbers(draft_pdf: bytes) -> None:
    flat = compact(pdf_text(draft_pdf))
    assert "【草稿】" in flat and "状态：草稿" in flat
    pages = len(PdfReader(io.BytesIO(draft_pdf)).pages)
    assert f"—1/{pages}—" in flat


def test_pdf_submitted_has_no_draft_mark_and_a_submission_line() -> None:
    flat = compact(pdf_text(render_pdf(report(**SUBMITTED))))
    assert "草稿" not in flat
    assert "状态：已报送" in flat
    assert "报送：中共丽江市委办公室（2026年12月1日）" in flat


# --- safety --------------------------------------------------------------------------------------------


def test_id_and_mobile_numbers_never_reach_either_document() -> None:
    fullwidth_mobile = "１３９８７６５４３２１"
    leaky = f"我叫张三，身份证{ID_NUMBER}，手机{MOBILE}，也可打+86 139-8765-4321 或 {fullwidth_mobile}"
    content = report(
        summary=leaky,
        asks=leaky,
        issues=[issue(1, label=f"欠薪{MOBILE}", quotes=[leaky], asks=leaky, urgency_reasons=[leaky])],
    )
    docx_blob, pdf_blob = render_docx(content), render_pdf(content)
    for text in (docx_raw(docx_blob), docx_text(docx_blob), compact(pdf_text(pdf_blob))):
        assert ID_NUMBER not in text
        assert MOBILE not in text
        assert "13987654321" not in text and fullwidth_mobile not in text
        assert "[身份证号]" in text and "[手机号]" in text
    assert ID_NUMBER not in render_html(content)


def test_hostile_strings_render_as_literal_text() -> None:
    script = "<script>alert(1)</script>"
    template = "{{ report.title }}{% now 'Y' %}"
    img = "<img src=x onerror=alert(2)>"
    formula = "=cmd|' /C calc'!A0"
    content = report(
        title=f"专报{script}",
        summary=template,
        asks=formula,
        issues=[
            issue(1, label=f"议题{script}", quotes=[template, formula], keywords=["<i>x</i>", "$\\frac{"]),
            issue(2, label=img, asks=img),
        ],
    )
    html = render_html(content)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<i>x</i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert "{{ report.title }}" in html  # not evaluated
    flat_pdf = compact(pdf_text(render_pdf(content)))
    docx_blob = render_docx(content)
    text = docx_text(docx_blob)
    for literal in (script, template, formula, img, "<i>x</i>", "$\\frac{"):
        assert compact(literal) in flat_pdf, literal
        assert literal in text, literal
    assert "<script>" not in docx_raw(docx_blob) and "<img" not in docx_raw(
        docx_blob
    )  # escaped in the XML, never markup


def test_very_long_texts_are_cut_not_broken() -> None:
    long_quote = "工资" * 2500  # 5,000 characters
    unbroken = "A" * 5000  # no break opportunity at all
    content = report(
        summary="职工反映" * 1250,
        issues=[issue(1, label="超" * 500, quotes=[long_quote, unbroken], asks=unbroken, keywords=["长" * 300])],
    )
    text = docx_text(render_docx(content))
    quotes = [line for line in text.splitlines() if line.startswith("“工资")]
    assert len(quotes) == 1 and len(quotes[0]) <= QUOTE_LIMIT + 2 and quotes[0].endswith("…”")
    assert "“" + "A" * (QUOTE_LIMIT - 1) + "…”" in text  # the quote is cut; the asks below stay whole
    assert "职工反映" * 1250 in text  # the cadre's summary stays whole
    pdf_blob = render_pdf(content)
    assert len(PdfReader(io.BytesIO(pdf_blob)).pages) >= 2
    assert re.search(r"“(工资){90,}工?…”", compact(pdf_text(pdf_blob)))


def test_control_characters_do_not_break_the_docx() -> None:
    content = report(summary="第一段\x00\x07\x1b\ufeff\n\n第二段", issues=[issue(1, quotes=["说\x0c话"])])
    text = docx_text(render_docx(content))
    assert "第一段" in text and "第二段" in text and "“说话”" in text
    assert "第一段" in compact(pdf_text(render_pdf(content)))


def test_an_empty_report_still_renders() -> None:
    content = report(issues=[], total_demands=0, total_submitters=0, total_unions=0, summary="", asks="")
    docx_blob, pdf_blob = render_docx(content), render_pdf(content)
    assert "暂无议题" in docx_text(docx_blob)
    assert not Document(io.BytesIO(docx_blob)).tables
    flat = compact(pdf_text(pdf_blob))
    assert "暂无议题" in flat and "关于职工反映加班工资问题的专报" in flat


# --- chart, figures ------------------------------------------------------------------------------------


def test_trend_chart_is_a_png() -> None:
    png = trend_chart_png([issue(1), issue(2)])
    assert png.startswith(PNG_MAGIC) and len(png) > 5000


def test_trend_chart_handles_issues_without_trend_and_odd_labels() -> None:
    assert trend_chart_png([]).startswith(PNG_MAGIC)
    assert trend_chart_png([issue(1, trend=[]), issue(2, trend=[])]).startswith(PNG_MAGIC)
    mixed = [issue(1, trend=[]), issue(2, label="$\\frac{$ 未闭合", trend=[TrendPoint("第45周", 3)])]
    assert trend_chart_png(mixed, top=5).startswith(PNG_MAGIC)
    assert trend_chart_png([issue(1, trend=[TrendPoint("2026-09", -5)])], top=0).startswith(PNG_MAGIC)


def test_periods_merge_in_time_order() -> None:
    a = issue(1, trend=[TrendPoint("2026-09", 1), TrendPoint("2026-10", 1), TrendPoint("2026-11", 1)])
    b = issue(2, trend=[TrendPoint("2026-08", 1), TrendPoint("2026-10", 1), TrendPoint("2026-12", 1)])
    assert merged_periods([a, b]) == ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]


@pytest.mark.parametrize(
    ("growth", "shown"),
    [(0.25, "+25%"), (-0.1, "-10%"), (0.0, "0%"), (3.0, "+300%"), (None, "无可比数据"), (float("nan"), "无可比数据")],
)
def test_growth_is_shown_as_a_percentage(growth: float | None, shown: str) -> None:
    assert format_growth(growth) == shown


def test_grouped_id_numbers_are_masked_too() -> None:
    grouped = f"{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}"
    dashed = f"{ID_NUMBER[:6]}-{ID_NUMBER[6:10]}-{ID_NUMBER[10:14]}-{ID_NUMBER[14:]}"
    for text in (grouped, dashed, ID_NUMBER.lower()):
        assert clean(f"证件{text}号") == "证件[身份证号]号"
    assert clean("订单号 2026112700001") == "订单号 2026112700001"  # 13 digits: not a personal number


def test_clean_masks_before_it_cuts() -> None:
    text = "x" * 190 + MOBILE
    assert MOBILE[:5] not in clean(text, 200)
    assert clean("  a\tb  ") == "a b"


def test_no_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts_module, "_from_fontconfig", dict)
    monkeypatch.setattr(fonts_module, "_from_matplotlib", dict)
    fonts_module.cjk_fonts.cache_clear()
    chart_module._font_family.cache_clear()
    try:
        with pytest.raises(MissingCJKFont, match="fonts-noto-cjk"):
            render_pdf(report())
        with pytest.raises(MissingCJKFont):
            render_docx(report())
    finally:
        fonts_module.cjk_fonts.cache_clear()
        chart_module._font_family.cache_clear()


def test_the_dataclasses_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        report().title = "x"  # type: ignore[misc]


def test_periods_of_other_shapes_keep_each_issues_order() -> None:
    weeks = issue(1, trend=[TrendPoint("第9周", 1), TrendPoint("第10周", 1)])
    more = issue(2, trend=[TrendPoint("第8周", 1), TrendPoint("第11周", 1)])
    assert merged_periods([weeks, more]) == ["第8周", "第9周", "第10周", "第11周"]
    named = issue(1, trend=[TrendPoint("上旬", 1), TrendPoint("中旬", 1), TrendPoint("下旬", 1)])
    assert merged_periods([named]) == ["上旬", "中旬", "下旬"]
