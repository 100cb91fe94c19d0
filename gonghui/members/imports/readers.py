"""Open a roster file and hand out its rows one at a time, numbered as the user sees them in Excel.

.xlsx and .xls go through python-calamine (Rust): it holds the sheet's cells compactly and we turn one
row at a time into Python values. A very large .xlsx is streamed instead (`_SheetRows`, expat) so memory
stays flat. .csv goes through the standard csv module with the encoding found
from the bytes: UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from gonghui.core.errors import DomainError

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

SUPPORTED_SUFFIXES = (".xlsx", ".xls", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 1 << 20  # decide the CSV encoding from the first megabyte


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, damaged, unknown encoding, no sheet)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class RosterFile:
    path: Path
    kind: str  # "xlsx" | "xls" | "csv"
    encoding: str = ""  # for csv


def detect_kind(path: Path, *, original_name: str | None = None) -> str:
    """The file's real type from its first bytes; the name's suffix only has to agree for text files."""
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError("只能导入 .xlsx、.xls 或 .csv 文件")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        raise ImportFileError("文件无法读取，请确认文件存在且未损坏") from None
    if not head:
        raise ImportFileError("文件是空的")
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if suffix == ".csv":
        return "csv"
    raise ImportFileError(
        "文件内容不是真正的 Excel 表格（可能是改了扩展名的网页或文本），请用 Excel 打开后另存为 .xlsx 再导入"
    )


def detect_encoding(path: Path) -> str:
    """utf-8-sig when a BOM is there, utf-8 when the first megabyte decodes as UTF-8, otherwise GB18030."""
    with path.open("rb") as fh:
        sample = fh.read(_SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise ImportFileError("无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入") from None


def open_roster(path: Path, *, original_name: str | None = None) -> RosterFile:
    kind = detect_kind(path, original_name=original_name)
    return RosterFile(path=path, kind=kind, encoding=detect_encoding(path) if kind == "csv" else "")


def count_rows(roster: RosterFile) -> int:
    """A cheap upper bound of the number of rows, for the progress bar."""
    if roster.kind == "csv":
        lines = 0
        last = b"\n"
        with roster.path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (0 if last == b"\n" else 1)
    if roster.kind == "xlsx":  # the sheet's <dimension> tag: no need to load the cells
        sheet_stream = _open_streaming(roster)
        try:
            return int(sheet_stream.max_row or 0)
        finally:
            sheet_stream.parent.close()
    try:
        with CalamineWorkbook.from_path(str(roster.path)) as wb:
            sheet = wb.get_sheet_by_index(0)
            end = sheet.end
            return end[0] + 1 if end else 0
    except CalamineError:
        raise ImportFileError(_damaged(roster.kind)) from None


# python-calamine holds a whole sheet in memory (about as many bytes as the sheet's XML: 200,000 rows of
# 12 columns peak at ~370 MB). Above this much sheet XML (~150,000 such rows) an .xlsx is streamed
# instead (`_iter_streaming`): about as fast, and memory stays flat whatever the number of rows.
XLSX_STREAM_ABOVE_BYTES = 100 * 1024 * 1024


def _xlsx_is_large(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            sizes = [i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/")]
    except (zipfile.BadZipFile, OSError):
        return False  # calamine reports the damage
    return max(sizes, default=0) > XLSX_STREAM_ABOVE_BYTES


def _damaged(kind: str) -> str:
    return f"文件无法打开（.{kind} 文件已损坏、加了密码或不是 Excel 格式），请用 Excel 打开检查后重新保存"


def iter_rows(roster: RosterFile) -> Iterator[tuple[int, list[Cell]]]:
    """(row number as shown in Excel, cells) for every row, blank rows included."""
    if roster.kind == "csv":
        yield from _iter_csv(roster)
    elif roster.kind == "xlsx" and _xlsx_is_large(roster.path):
        yield from _iter_streaming(roster)
    else:
        yield from _iter_sheet(roster)


def _iter_csv(roster: RosterFile) -> Iterator[tuple[int, list[Cell]]]:
    try:
        with roster.path.open("r", encoding=roster.encoding, newline="") as fh:
            reader = csv.reader(fh)
            # Excel numbers CSV records, not physical lines: a quoted cell may hold a line break.
            yield from enumerate(reader, start=1)  # type: ignore[misc]
    except UnicodeDecodeError:
        raise ImportFileError("文件中途出现无法识别的文字编码，请另存为“CSV UTF-8”或 .xlsx 后再导入") from None
    except csv.Error as exc:
        raise ImportFileError(f"CSV 文件格式有误：{exc}") from None


def _iter_sheet(roster: RosterFile) -> Iterator[tuple[int, list[Cell]]]:
    try:
        wb = CalamineWorkbook.from_path(str(roster.path))
    except (CalamineError, OSError, ValueError):
        raise ImportFileError(_damaged(roster.kind)) from None
    with wb:
        try:
            sheet = next(
                (
                    wb.get_sheet_by_name(meta.name)
                    for meta in wb.sheets_metadata
                    if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
                ),
                None,
            ) or wb.get_sheet_by_index(0)
        except (CalamineError, IndexError):
            raise ImportFileError("文件中没有工作表") from None
        start = sheet.start
        rows = sheet.iter_rows()
        # calamine yields the blank rows above the data on some files and not on others; the first
        # row of the data range always holds a value, so a blank first row means the padding is there.
        offset: int | None = None
        try:
            for index, row in enumerate(rows):
                if offset is None:
                    offset = 0 if start is None or start[0] == 0 or not any(c != "" for c in row) else start[0]
                yield index + offset + 1, row  # type: ignore[misc]
        except CalamineError:
            raise ImportFileError(_damaged(roster.kind)) from None


def _open_streaming(roster: RosterFile) -> Any:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(roster.path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(_damaged(roster.kind)) from None
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or wb.worksheets
    if not sheets:
        wb.close()
        raise ImportFileError("文件中没有工作表")
    return sheets[0]


def _iter_streaming(roster: RosterFile) -> Iterator[tuple[int, list[Cell]]]:
    """The first visible sheet, streamed: openpyxl (read-only) reads the workbook's parts (which sheet,
    shared strings, which styles are dates, the 1900/1904 epoch), and `_SheetRows` reads the cells with
    expat, several times faster than openpyxl's own cell objects, with the same values."""
    sheet = _open_streaming(roster)
    workbook = sheet.parent
    reader = _SheetRows(
        shared_strings=sheet._shared_strings,
        date_styles=workbook._date_formats,
        timedelta_styles=workbook._timedelta_formats,
        epoch=workbook.epoch,
    )
    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            number = 0
            for number, cells in reader.rows(source):
                yield number, cells
        for padding in range(number + 1, int(sheet.max_row or 0) + 1):  # as openpyxl: up to the dimension
            yield padding, []
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_damaged(roster.kind)) from None
    finally:
        workbook.close()


class _SheetRows:
    """Cells of one worksheet part (SpreadsheetML) as Python values, streamed with expat.

    The values are openpyxl's (read-only, data_only, values_only): shared and inline strings (rich text
    runs joined, phonetic guides left out), numbers as int or float, dates and times for number cells in a
    date style, booleans, error codes and formula results as text. Blank cells come out as "", rows as
    lists as long as their last cell; a row missing from the file comes out empty, numbered as in Excel."""

    CHUNK = 1 << 20

    def __init__(
        self, *, shared_strings: list[str], date_styles: set[int], timedelta_styles: set[int], epoch: dt.datetime
    ) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared = shared_strings
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch
        self.from_excel = from_excel
        self.from_iso = from_ISO8601
        self.columns: dict[str, int] = {}

    def column(self, ref: str) -> int:
        """0-based column of a reference such as "AB12"."""
        letters = ref.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = 0
            for ch in letters.upper():
                index = index * 26 + ord(ch) - 64
            index -= 1
            self.columns[letters] = index
        return index

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
        # row number, cells, last column, cell type, style, reference, capturing text, inside <is>, inside <rPh>
        row = 0
        cells: list[Cell] = []
        col = -1
        kind, style, ref = "n", 0, None
        capture = False
        inline = phonetic = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, cells, col, kind, style, ref, capture, inline, phonetic
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
                number = int(float(r)) if r else row + 1
                for missing in range(row + 1, number):
                    done.append((missing, []))
                row, cells, col = number, [], -1
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
                if col >= len(cells):
                    cells.extend([""] * (col + 1 - len(cells)))
                cells[col] = self.value(kind, style, "".join(buffer) if buffer else None)
            elif name == "row":
                done.append((row, cells))
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

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.CharacterDataHandler = text
        parser.StartElementHandler = root
        while chunk := source.read(self.CHUNK):
            parser.Parse(chunk, False)
            yield from done
            done.clear()
        parser.Parse(b"", True)
        yield from done
