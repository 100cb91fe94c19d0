"""Write real roster files for the import tests (openpyxl for .xlsx, xlwt for .xls, csv in any encoding)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import xlwt

Row = Sequence[object]


def write_xlsx(path: Path, rows: Sequence[Row], *, text_columns: Sequence[int] = ()) -> Path:
    """Cells keep their Python type: a date becomes a real date cell, an int/float a number cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "会员名册"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)  # type: ignore[arg-type]
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif c - 1 in text_columns:
                cell.number_format = "@"
    wb.save(path)
    return path


def write_xls(path: Path, rows: Sequence[Row]) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("会员名册")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: Sequence[Row], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


_DIGIT_HANZI = "丁七丈三上下不与丑专"  # code points rise with the digit, so the names sort as the numbers do


def hanzi_number(i: int, width: int = 0) -> str:
    """A number written in hanzi for test names (names refuse digits): 12 → 七丈, hanzi_number(3, 2) → 丁三."""
    return "".join(_DIGIT_HANZI[int(d)] for d in str(i).zfill(width))
