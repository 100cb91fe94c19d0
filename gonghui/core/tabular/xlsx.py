"""The first visible sheet of an .xlsx, streamed: memory stays flat whatever the number of rows.

openpyxl (read-only) reads the workbook's small parts (which sheet, shared strings, which styles are
dates, the 1900/1904 epoch) and `SheetRows` reads the cells with expat, several times faster than
openpyxl's own cell objects, with the same values. `guard.check_xlsx` has checked every part before
(decompressed sizes, cell sizes, no DOCTYPE, no NUL); here rows and columns are capped as they come.
Rows missing from the file (Excel writes no element for an empty row) are not produced; every row
carries its number as Excel shows it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csvfile import cell_too_big, column_letter, too_many_rows
from .errors import TabularFileError
from .guard import damaged_message
from .limits import Limits

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class FirstSheet:
    """What reading the first visible sheet needs of the workbook's small parts."""

    archive: zipfile.ZipFile
    part: str  # the worksheet's part name, e.g. xl/worksheets/sheet1.xml
    shared_strings: list[str]
    date_styles: set[int]
    timedelta_styles: set[int]
    epoch: dt.datetime

    def close(self) -> None:
        self.archive.close()


def open_first_sheet(path: Path) -> FirstSheet:
    """openpyxl's reader for the workbook's small parts (which sheets, shared strings, styles, epoch) —
    but not `load_workbook`, which in read-only mode parses a whole sheet without a <dimension> just to
    size it (3,000,000 empty rows: 42 s and 300 MB before the first row)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        reader = ExcelReader(str(path), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet, rel)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except TabularFileError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise TabularFileError(damaged_message()) from None
    visible = [(s, r) for s, r in sheets if (s.state or "visible") == "visible"] or sheets
    if not visible:
        reader.archive.close()
        raise TabularFileError("文件中没有工作表（可能只有图表页），请确认选对了文件")
    wb = reader.wb
    return FirstSheet(
        archive=reader.archive,
        part=visible[0][1].target,
        shared_strings=reader.shared_strings,
        date_styles=wb._date_formats,
        timedelta_styles=wb._timedelta_formats,
        epoch=wb.epoch,
    )


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")


def dimension_rows(path: Path) -> int:
    """The sheet's own claim of its number of rows (<dimension>), for a progress bar only (0: none)."""
    sheet = open_first_sheet(path)
    try:
        with sheet.archive.open(sheet.part) as fh:
            found = _DIMENSION.search(fh.read(8192))
        return int(found.group(1)) if found else 0
    finally:
        sheet.close()


def iter_xlsx(path: Path, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    sheet = open_first_sheet(path)
    reader = SheetRows(
        shared_strings=sheet.shared_strings,
        date_styles=sheet.date_styles,
        timedelta_styles=sheet.timedelta_styles,
        epoch=sheet.epoch,
        limits=limits,
    )
    try:
        with sheet.archive.open(sheet.part) as source:
            yield from reader.rows(source)
    except TabularFileError:
        raise
    except Exception:
        raise TabularFileError(damaged_message(), row=reader.row) from None
    finally:
        sheet.close()


class SheetRows:
    """Cells of one worksheet part (SpreadsheetML) as Python values, streamed with expat.

    The values are openpyxl's (read-only, data_only, values_only): shared and inline strings (rich text
    runs joined, phonetic guides left out), numbers as int or float, dates and times for number cells in a
    date style, booleans, error codes and formula results as text. Blank cells come out as "", rows as
    lists as long as their last cell."""

    CHUNK = 1 << 20

    def __init__(
        self,
        *,
        shared_strings: list[str],
        date_styles: set[int],
        timedelta_styles: set[int],
        epoch: dt.datetime,
        limits: Limits,
    ) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared = shared_strings
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch
        self.from_excel = from_excel
        self.from_iso = from_ISO8601
        self.columns: dict[str, int] = {}
        self.limits = limits
        self.row = 0

    def column(self, ref: str) -> int:
        """0-based column of a reference such as "AB12"."""
        letters = ref.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            if len(letters) > 3:
                raise self._bad_column(ref)
            index = 0
            for ch in letters.upper():
                index = index * 26 + ord(ch) - 64
            index -= 1
            if index < 0 or index >= self.limits.max_columns:
                raise self._bad_column(ref)
            self.columns[letters] = index
        return index

    def _bad_column(self, ref: str) -> TabularFileError:
        return TabularFileError(
            f"第{self.row}行有单元格位于第 {ref[:12]} 格，超出 Excel 的 {self.limits.max_columns} 列，"
            "不像是正常的表格，已拒收",
            row=self.row,
        )

    def value(self, kind: str, style: int, text: str | None) -> Cell:
        if kind == "inlineStr":
            return text or ""
        if not text:
            return ""
        if kind == "n":
            number: int | float = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if style in self.date_styles:
                try:
                    return self.from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)  # type: ignore[no-any-return]
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self.from_iso(text)  # type: ignore[no-any-return]
        return text  # "str" (a formula's text result), "e" (an error code such as #N/A)

    def rows(self, source: Any) -> Iterator[tuple[int, list[Cell]]]:
        from xml.parsers import expat

        done: list[tuple[int, list[Cell]]] = []
        buffer: list[str] = []
        max_rows = self.limits.max_rows
        max_chars = self.limits.max_cell_chars
        # cells, last column, cell type, style, reference, capturing text, inside <is>, inside <rPh>
        cells: list[Cell] = []
        col = -1
        kind, style, ref = "n", 0, None
        capture = False
        inline = phonetic = 0
        rows_seen = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal cells, col, kind, style, ref, capture, inline, phonetic, rows_seen
            if name == "c":
                kind = attrs.get("t", "n")
                s = attrs.get("s")
                style = int(s) if s else 0
                ref = attrs.get("r")
                buffer.clear()
            elif name == "v":
                capture = True
            elif name == "t":
                capture = inline > 0 and phonetic == 0
            elif name == "row":
                r = attrs.get("r")
                number = int(float(r)) if r else self.row + 1
                rows_seen += 1
                if number > max_rows or rows_seen > max_rows:
                    raise too_many_rows(self.limits)
                self.row, cells, col = number, [], -1
            elif name == "is":
                inline += 1
            elif name == "rPh":
                phonetic += 1

        def end(name: str) -> None:
            nonlocal col, capture, inline, phonetic
            if name == "v" or name == "t":
                capture = False
            elif name == "c":
                col = self.column(ref) if ref else col + 1
                if col >= self.limits.max_columns:
                    raise self._bad_column(column_letter(col))
                if col >= len(cells):
                    cells.extend([""] * (col + 1 - len(cells)))
                value = self.value(kind, style, "".join(buffer) if buffer else None)
                if isinstance(value, str) and len(value) > max_chars:
                    raise cell_too_big(self.row, col, self.limits)
                cells[col] = value
            elif name == "row":
                done.append((self.row, cells))
            elif name == "is":
                inline -= 1
            elif name == "rPh":
                phonetic -= 1

        def text(data: str) -> None:
            if capture:
                buffer.append(data)

        def root(name: str, attrs: dict[str, str]) -> None:
            """The root element tells whether the file writes its elements with a prefix (x:row, x:c)."""
            if ":" in name:
                parser.StartElementHandler = lambda n, a: start(n[n.find(":") + 1 :], a)
                parser.EndElementHandler = lambda n: end(n[n.find(":") + 1 :])
            else:
                parser.StartElementHandler = start
                parser.EndElementHandler = end

        def no_doctype(*_args: Any) -> None:
            raise TabularFileError("文件中含有 DOCTYPE 声明（XML 实体），正常的 Excel 表格不会有，已拒收")

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.CharacterDataHandler = text
        parser.StartElementHandler = root
        parser.StartDoctypeDeclHandler = no_doctype
        parser.EntityDeclHandler = no_doctype
        while chunk := source.read(self.CHUNK):
            parser.Parse(chunk, False)
            yield from done
            done.clear()
        parser.Parse(b"", True)
        yield from done
