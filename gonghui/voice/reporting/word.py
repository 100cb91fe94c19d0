"""The 专报 as a Word document (python-docx): A4, 公文-style fonts with the East-Asian slot set on every
style and run (仿宋 body, 黑体 headings, 楷体 quotes, 宋体 title), a font table that tells Word and
LibreOffice these are GB2312 fonts to substitute when missing."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from .chart import trend_chart_png
from .content import NO_ISSUES, TABLE_HEADERS, ReportContent, ReportView, present, table_row

LATIN = "Times New Roman"
BODY = "仿宋"
HEADING = "黑体"
KAI = "楷体"
TITLE = "宋体"
# Font-table entries: English alternative name, panose; charset 86 = GB2312 so a reader without the
# font substitutes another Chinese one instead of printing boxes.
_FONT_TABLE = {
    BODY: ("FangSong", "02010609060101010101"),
    HEADING: ("SimHei", "02010609060101010101"),
    KAI: ("KaiTi", "02010609060101010101"),
    TITLE: ("SimSun", "02010600030101010101"),
}
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(10)
INDENT = Pt(28)  # two characters


def _set_fonts(element: object, east_asia: str, latin: str = LATIN) -> None:
    """w:rFonts with ascii/hAnsi and eastAsia on the rPr of a style, run or docDefaults."""
    getter = getattr(element, "get_or_add_rPr", None)
    if getter is not None:
        rpr = getter()
    else:  # w:rPrDefault is a plain lxml element
        rpr = element.find(qn("w:rPr"))  # type: ignore[attr-defined]
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            element.append(rpr)  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names above
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup_styles(doc: DocxDocument) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            _set_fonts(rpr_default, BODY)
    spec = {
        "Normal": (BODY, BODY_SIZE, False),
        "Title": (TITLE, Pt(22), True),
        "Heading 1": (HEADING, Pt(16), False),
        "Heading 2": (KAI, Pt(15), True),
        "Header": (BODY, Pt(10.5), False),
        "Footer": (BODY, Pt(10.5), False),
        "Caption": (BODY, Pt(10.5), False),
    }
    for name, (east_asia, size, bold) in spec.items():
        style = doc.styles[name]
        _set_fonts(style.element, east_asia)
        style.font.size = size
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format  # type: ignore[attr-defined]
        fmt.space_before = Pt(6) if name.startswith("Heading") else Pt(0)
        fmt.space_after = Pt(4)
        fmt.line_spacing = 1.25
    title_ppr = doc.styles["Title"].element.pPr
    if title_ppr is not None:  # the template's Title has a blue rule under it: not in a 公文
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)


def _font_table(doc: DocxDocument) -> None:
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            break
    else:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, (alt, panose) in _FONT_TABLE.items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86")):
            child = etree.SubElement(font, qn(tag))
            child.set(qn("w:val"), value)
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "fixed")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    font: str = BODY,
    size: Pt | None = None,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.font.name = LATIN
    _set_fonts(run._r, font)
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


def _para(
    doc: DocxDocument,
    text: str = "",
    *,
    style: str | None = None,
    align: int | None = None,
    indent: bool = False,
    **run: object,
) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align  # type: ignore[assignment]
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    if text:
        _run(paragraph, text, **run)  # type: ignore[arg-type]
    return paragraph


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    paragraph = doc.add_paragraph(style=f"Heading {level}")
    _run(paragraph, text, font=HEADING if level == 1 else KAI, bold=level != 1)


def _red_rule(paragraph: Paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_number(paragraph: Paragraph) -> None:
    _run(paragraph, "— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    paragraph._p.append(field)
    _run(paragraph, " —")


def _cell(cell: _Cell, text: str, *, bold: bool = False, center: bool = True) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, size=TABLE_SIZE, bold=bold, font=HEADING if bold else BODY)


def _row_flag(row: _Row, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _summary_table(doc: DocxDocument, view: ReportView) -> None:
    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(12), Mm(50), Mm(20), Mm(20), Mm(20), Mm(22), Mm(12))  # 156 mm: the text width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice follows
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")  # the header row again on every page
    for cell, text, width in zip(header.cells, TABLE_HEADERS, widths, strict=True):
        cell.width = width  # w:tcW, which Word follows
        _cell(cell, text, bold=True)
    for issue in view.issues:
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        for n, (cell, text, width) in enumerate(zip(row.cells, table_row(issue), widths, strict=True)):
            cell.width = width
            _cell(cell, text, center=n != 1)


def _page_setup(doc: DocxDocument, view: ReportView) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if view.is_draft:
        _run(header, "草稿 · 未报送", font=HEADING, bold=True, colour=RED)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)


def render_docx(content: ReportContent) -> bytes:
    """The 专报 as .docx bytes. Raises `MissingCJKFont` when no Chinese font is installed (the chart)."""
    view = present(content)
    chart = trend_chart_png(content.issues)
    doc = Document()
    _setup_styles(doc)
    _font_table(doc)
    _page_setup(doc, view)
    doc.core_properties.title = view.title
    doc.core_properties.author = view.prepared_by
    doc.core_properties.language = "zh-CN"

    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, view.masthead, align=center, font=TITLE, size=Pt(26), bold=True, colour=RED)
    if view.serial:
        _para(doc, view.serial, align=center)
    rule = _para(doc, f"{view.prepared_by}　　{view.prepared_on}", align=center)
    _red_rule(rule)
    if view.is_draft:
        _para(doc, "【草稿】本稿尚未报送，仅供内部审核", align=center, font=HEADING, bold=True, colour=RED)
    _para(doc, f"状态：{view.status}", align=center, size=Pt(12))
    _para(doc, view.title, style="Title", align=center, font=TITLE, size=Pt(22), bold=True)

    for text in view.summary:
        _para(doc, text, indent=True)
    _heading(doc, "一、总体情况", 1)
    _para(doc, f"统计期间：{view.period}。{view.totals_sentence}", indent=True)
    if view.issues:
        _summary_table(doc, view)
    else:
        _para(doc, NO_ISSUES, indent=True)

    _heading(doc, "二、变化趋势", 1)
    doc.add_picture(io.BytesIO(chart), width=Mm(150))
    doc.paragraphs[-1].alignment = center
    _para(doc, "图1　主要议题诉求件数趋势", style="Caption", align=center)

    _heading(doc, "三、主要议题", 1)
    if not view.issues:
        _para(doc, NO_ISSUES, indent=True)
    for issue in view.issues:
        _heading(doc, f"{issue.ordinal}{issue.label}", 2)
        if issue.keywords:
            _para(doc, "关键词：" + "、".join(issue.keywords), indent=True)
        _para(
            doc,
            f"诉求{issue.submissions}件，涉及职工{issue.submitters}人、工会{issue.unions}个；环比{issue.growth}。",
            indent=True,
        )
        if issue.urgent:
            reasons = "；".join(issue.urgency_reasons) or "需尽快处理"
            _para(doc, f"紧急：{reasons}", indent=True, font=HEADING, colour=RED)
        if issue.quotes:
            _para(doc, "职工原声：", indent=True, font=HEADING)
            for quote in issue.quotes:
                _para(doc, f"“{quote}”", indent=True, font=KAI)
        for n, text in enumerate(issue.asks):
            _para(doc, ("诉求建议：" if n == 0 else "") + text, indent=True)

    if view.asks:
        _heading(doc, "四、意见建议", 1)
        for text in view.asks:
            _para(doc, text, indent=True)
    if view.submitted_line:
        _para(doc, view.submitted_line, align=WD_ALIGN_PARAGRAPH.LEFT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
