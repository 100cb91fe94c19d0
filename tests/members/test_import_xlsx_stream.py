"""Every .xlsx is streamed by our own cell reader (core.tabular.xlsx, expat): the values must be exactly
openpyxl's (read-only, values_only), which the reader replaced for speed (ADR 0009). Rows that the file
does not hold (Excel writes no element for an empty row) are not produced; the numbers match Excel's."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from gonghui.core.tabular.errors import TabularFileError
from gonghui.core.tabular.limits import Limits
from gonghui.core.tabular.xlsx import iter_xlsx


def _openpyxl_rows(path: Path) -> list[tuple[int, list[object]]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for number, row in enumerate(wb.worksheets[0].iter_rows(min_row=1, values_only=True), start=1):
            cells = _trim(["" if v is None else v for v in row])
            if cells:  # openpyxl pads the rows the file leaves out; ours does not produce them
                out.append((number, cells))
        return out
    finally:
        wb.close()


def _ours(path: Path) -> list[tuple[int, list[object]]]:
    return [(n, cells) for n, cells in ((n, _trim(list(c))) for n, c in iter_xlsx(path, Limits())) if cells]


def _trim(cells: list[object]) -> list[object]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def test_values_written_by_openpyxl(tmp_path):
    path = tmp_path / "o.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["丽江市某酒店工会会员名册"])
    ws.append([])
    ws.append(["姓名", "身份证号", "入会时间", "手机", "人数", "比例", "是否", "时间", "公式"])
    ws.append(
        ["木丽华", "53070219900101001X", dt.date(2016, 12, 12), 13987004001, 3, 0.25, True, dt.time(8, 30), "=1+1"]
    )
    ws.append(["  空格 ", "'0123", dt.datetime(2020, 1, 2, 3, 4, 5), None, -7, 1.5e20, False, None, None])
    ws["B7"] = "跳过一行"
    ws["E7"] = "&<>\"'"
    ws["A8"] = CellRichText([TextBlock(InlineFont(b=True), "阿依"), "·买买提"])
    ws.column_dimensions["A"].width = 20
    wb.save(path)
    assert _ours(path) == _openpyxl_rows(path)
    assert _ours(path)[-1] == (8, ["阿依·买买提"])


@pytest.mark.parametrize("constant_memory", [True, False])  # inline strings / shared strings
@pytest.mark.parametrize("date_1904", [False, True])
def test_values_written_by_xlsxwriter(tmp_path, constant_memory, date_1904):
    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": date_1904})
    ws = wb.add_worksheet("会员名册")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    custom = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    clock = wb.add_format({"num_format": "hh:mm"})
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, "标题")
    for c, h in enumerate(["姓名", "身份证号", "入会日期", "手机号码", "农民工", "备注", "公式"]):
        ws.write_string(2, c, h)
    ws.write_string(3, 0, "和志强")
    ws.write_string(3, 1, "530702196502100004")
    ws.write_datetime(3, 2, dt.datetime(2016, 3, 8), date)
    ws.write_number(3, 3, 13900200000)
    ws.write_boolean(3, 4, True)
    ws.write_rich_string(3, 5, "重", bold, "点", "说明")
    ws.write_formula(3, 6, "=1/0", None, "#DIV/0!")
    ws.write_string(4, 0, "  前后空格  ")
    ws.write_datetime(4, 2, dt.datetime(1999, 12, 31), custom)
    ws.write_number(4, 3, 12.5)
    ws.write_boolean(4, 4, False)
    ws.write_datetime(4, 5, dt.datetime(1900, 1, 1, 8, 30), clock)
    ws.write_formula(4, 6, '="文本"', None, "文本")
    ws.write_string(9, 11, "远处")
    wb.close()
    assert _ours(path) == _openpyxl_rows(path)


def test_the_sample_roster_reads_the_same(tmp_path):
    from gonghui.members.imports.sample import write_sample_roster

    path = write_sample_roster(tmp_path / "s.xlsx", 300)
    ours = _ours(path)
    assert ours == _openpyxl_rows(path)
    assert len(ours) == 302 and isinstance(ours[2][1][9], dt.datetime)  # a real date cell


def test_a_damaged_sheet_is_reported_as_damaged(tmp_path):
    import zipfile

    good = tmp_path / "good.xlsx"
    openpyxl.Workbook().save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb"<sheetData\s*/>|<sheetData></sheetData>", b'<sheetData><row r="1"><c r="A1"><v>1</v></row>', data
                )
                assert b"</row>" in data  # a row left open: not well-formed
            dst.writestr(item, data)
    with pytest.raises(TabularFileError) as refused:
        list(iter_xlsx(bad, Limits()))
    assert "无法打开" in refused.value.message


def _with_sheet_xml(tmp_path: Path, sheet_xml: bytes) -> Path:
    import zipfile

    good = tmp_path / "base.xlsx"
    openpyxl.Workbook().save(good)
    path = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = sheet_xml if item.filename.startswith("xl/worksheets/") else src.read(item.filename)
            dst.writestr(item, data)
    return path


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_phonetic_guides_and_prefixed_elements(tmp_path, prefix):
    p = prefix
    ns = (
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        if p
        else ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>'
        f'<{p}row r="2"><{p}c r="B2" t="inlineStr"><{p}is><{p}r><{p}t>张</{p}t></{p}r><{p}r><{p}t>三</{p}t></{p}r>'
        f'<{p}rPh sb="0" eb="1"><{p}t>zhang</{p}t></{p}rPh></{p}is></{p}c>'
        f'<{p}c r="D2"><{p}v>42</{p}v></{p}c>'
        f'<{p}c r="E2" t="inlineStr"><{p}is><{p}t xml:space="preserve"> a&amp;b </{p}t>'
        f"</{p}is></{p}c></{p}row>"
        f'<{p}row><{p}c t="b"><{p}v>1</{p}v></{p}c><{p}c t="e"><{p}v>#N/A</{p}v></{p}c><{p}c/></{p}row>'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()
    path = _with_sheet_xml(tmp_path, sheet)
    assert _ours(path) == [(2, ["", "张三", "", 42, " a&b "]), (3, [True, "#N/A"])]
    assert _ours(path) == _openpyxl_rows(path)
