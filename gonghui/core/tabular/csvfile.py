"""CSV: the encoding found from the bytes (UTF-8 with or without BOM, or GB18030, a superset of GBK and
GB2312); anything else (UTF-16, UTF-32, binary) refused with a message. Lines, cells and rows capped."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import TabularFileError
from .limits import Limits

SNIFF_BYTES = 1 << 20  # the encoding is decided from the first megabyte
MAX_LINE_CHARS = 1 << 20  # one physical line; a real roster line is a few hundred characters
_SAVE_AS = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入"

Cell = str


def detect_encoding(path: Path) -> str:
    """utf-8-sig when a UTF-8 BOM is there, utf-8 when the first megabyte decodes as UTF-8, else GB18030."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise TabularFileError(f"文件是 UTF-32 编码，系统只接受 UTF-8 或 GBK 编码的 CSV，{_SAVE_AS}")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TabularFileError(f"文件是 UTF-16（Unicode 文本）编码，系统只接受 UTF-8 或 GBK 编码的 CSV，{_SAVE_AS}")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample[:4096]:
        # UTF-16/32 without a BOM puts a NUL beside every ASCII letter; text never has one
        zeros = sample[:4096].count(b"\x00")
        if zeros * 4 >= len(sample[:4096]):
            raise TabularFileError(
                f"文件像是 UTF-16 / UTF-32 编码或二进制文件，不是 UTF-8 或 GBK 编码的 CSV 文本，{_SAVE_AS}"
            )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise TabularFileError(f"无法识别文件的文字编码（不是 UTF-8，也不是 GBK），{_SAVE_AS}") from None


def has_nul(path: Path) -> bool:
    """Whether any NUL byte is in the file (one pass in C; then the rows holding it are named)."""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            if b"\x00" in chunk:
                return True
    return False


def _lines(fh: object, limits: Limits) -> Iterator[str]:
    readline = fh.readline  # type: ignore[attr-defined]
    number = 0
    while True:
        line = readline(MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            raise TabularFileError(
                f"第{number}行（按文本行计）内容过大（一行超过 {MAX_LINE_CHARS // 1024} K 字），"
                "不像是正常的表格，已拒收",
                row=number,
            )
        yield line


def iter_csv(path: Path, encoding: str, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    nul = has_nul(path)
    number = 0
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            # Excel numbers CSV records, not physical lines: a quoted cell may hold a line break.
            for number, cells in enumerate(csv.reader(_lines(fh, limits)), start=1):
                if number > limits.max_rows:
                    raise too_many_rows(limits)
                if len(cells) > limits.max_columns:
                    raise TabularFileError(
                        f"第{number}行有 {len(cells)} 列，超过 {limits.max_columns} 列，不像是正常的表格，已拒收",
                        row=number,
                    )
                if nul:
                    refuse_nul(number, cells)
                for i, c in enumerate(cells):
                    if len(c) > limits.max_cell_chars:
                        raise cell_too_big(number, i, limits)
                yield number, cells
    except UnicodeDecodeError:
        raise TabularFileError(
            f"第{number + 1}行附近出现无法识别的文字编码（与文件开头的编码不一致），{_SAVE_AS}", row=number + 1
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TabularFileError(
                f"第{number + 1}行有一个单元格内容过大（超过 {csv.field_size_limit() // 1024} K 字），"
                "不像是正常的表格，已拒收",
                row=number + 1,
            ) from None
        raise TabularFileError(
            f"第{number + 1}行附近 CSV 格式有误，请用 Excel 打开后另存为 .xlsx 再导入", row=number + 1
        ) from None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel labels columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def refuse_nul(number: int, cells: Sequence[object]) -> None:
    for i, c in enumerate(cells):
        if isinstance(c, str) and "\x00" in c:
            raise TabularFileError(
                f"第{number}行第{column_letter(i)}列含有空字符（NUL），这种字符不能保存，"
                "请删去该单元格的内容重新输入后再导入",
                row=number,
                column=f"第{column_letter(i)}列",
                column_index=i,
            )


def cell_too_big(number: int, index: int, limits: Limits) -> TabularFileError:
    return TabularFileError(
        f"第{number}行第{column_letter(index)}列内容过大（超过 {limits.max_cell_chars} 字），不像是正常的表格，已拒收",
        row=number,
        column=f"第{column_letter(index)}列",
        column_index=index,
    )


def too_many_rows(limits: Limits) -> TabularFileError:
    return TabularFileError(
        f"文件超过 {limits.max_rows} 行（含空行），一次最多导入 {limits.max_rows} 行，请删去多余的空行或拆分后分批导入"
    )
