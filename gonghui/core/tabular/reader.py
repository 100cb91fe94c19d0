"""Open an uploaded table and hand out its rows one at a time, numbered as the user sees them in Excel.

  .xlsx — every part checked first (`guard.check_xlsx`), then the first visible sheet streamed (`xlsx`);
  .xls  — python-calamine in a child process with a memory ceiling (`xls`);
  .csv  — the csv module, with the encoding found from the bytes (`csvfile`).
The file's real type comes from its first bytes; the name's suffix only has to agree for text files.
Every way of reading stops at the caps of `Limits` with a Chinese message (`TabularFileError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .csvfile import detect_encoding, iter_csv
from .errors import TabularFileError
from .guard import check_xlsx, damaged_message
from .limits import DEFAULT_LIMITS, Limits, size_text

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

SUPPORTED_SUFFIXES = (".xlsx", ".xls", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class TabularFile:
    path: Path
    kind: str  # "xlsx" | "xls" | "csv"
    encoding: str = ""  # for csv
    limits: Limits = field(default=DEFAULT_LIMITS)


def kind_from_head(head: bytes, suffix: str) -> str:
    """The file's real type from its first bytes (the suffix only has to agree for text files)."""
    suffix = suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise TabularFileError("只能导入 .xlsx、.xls 或 .csv 文件（Excel 表格或逗号分隔文本）")
    if not head:
        raise TabularFileError("文件是空的")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if suffix == ".csv":
        return "csv"
    raise TabularFileError(
        "文件内容不是真正的 Excel 表格（可能是改了扩展名的网页、文本或其他文件），请用 Excel 打开后另存为 .xlsx 再导入"
    )


def too_big(size: int, limits: Limits) -> TabularFileError:
    return TabularFileError(
        f"文件太大（{size_text(size)}），一次最多导入 {size_text(limits.max_file_bytes)}，请拆分后分批导入"
    )


def detect_kind(path: Path, *, original_name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> str:
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise TabularFileError("只能导入 .xlsx、.xls 或 .csv 文件（Excel 表格或逗号分隔文本）")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        raise TabularFileError("文件无法读取，请确认文件存在且未损坏") from None
    if head and size > limits.max_file_bytes:
        raise too_big(size, limits)
    return kind_from_head(head, suffix)


def open_table(path: Path, *, original_name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> TabularFile:
    """Check the file as a whole (type, size, encoding; every part of an .xlsx) before any row is read."""
    path = Path(path)
    kind = detect_kind(path, original_name=original_name, limits=limits)
    if kind == "xlsx":
        check_xlsx(path, limits)
        return TabularFile(path=path, kind=kind, limits=limits)
    if kind == "csv":
        return TabularFile(path=path, kind=kind, encoding=detect_encoding(path), limits=limits)
    return TabularFile(path=path, kind=kind, limits=limits)


def iter_rows(table: TabularFile) -> Iterator[tuple[int, list[Cell]]]:
    """(row number as shown in Excel, cells) for the rows of the first visible sheet. Blank rows may or
    may not come out (an .xlsx does not store them); numbers always match Excel's."""
    if table.kind == "csv":
        yield from iter_csv(table.path, table.encoding, table.limits)  # type: ignore[misc]
    elif table.kind == "xlsx":
        from .xlsx import iter_xlsx

        yield from iter_xlsx(table.path, table.limits)
    else:
        from .xls import iter_xls

        yield from iter_xls(table.path, table.limits)


def count_rows(table: TabularFile) -> int:
    """A cheap upper bound of the number of rows, for the progress bar (never reads the cells)."""
    if table.kind == "csv":
        lines = 0
        last = b"\n"
        with table.path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (0 if last == b"\n" else 1)
    if table.kind == "xlsx":
        from .xlsx import dimension_rows

        return min(dimension_rows(table.path), table.limits.max_rows)
    return 0  # an .xls is small (65,536 rows at most): no progress estimate needed


__all__ = [
    "SUPPORTED_SUFFIXES",
    "Cell",
    "TabularFile",
    "TabularFileError",
    "count_rows",
    "damaged_message",
    "detect_kind",
    "iter_rows",
    "open_table",
]
