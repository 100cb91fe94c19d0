"""CSV: the encoding found from the bytes (UTF-8 with or without BOM, or GB18030, a superset of GBK and
GB2312); anything else (UTF-16, UTF-32, binary) refused with a message. Lines, cells and rows capped."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import TabularFileError
from .limits import Limits

SNIFF_BYTES = 1 << 20  # the encoding is decided from the first megabyte
MAX_LINE_BYTES = 1 << 20  # one physical line; a real roster line is a few hundred bytes
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


@dataclass(frozen=True)
class RawFacts:
    """What one pass over the bytes (C speed, 4 MB at a time) says before the csv module reads a line."""

    nul: bool  # some NUL byte: the rows holding one are named while reading
    longest_line: int  # bytes of the longest physical line
    long_line_at: int  # 1-based number of the first line over MAX_LINE_BYTES (0: none)


def raw_facts(path: Path) -> RawFacts:
    nul = False
    longest = 0
    run = 0  # bytes of the line still open at the end of the previous block
    lines = 0
    long_at = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            if not nul and b"\x00" in chunk:
                nul = True
            if b"\n" not in chunk:
                run += len(chunk)
            else:
                pieces = chunk.split(b"\n")
                widths = [run + len(pieces[0]), *map(len, pieces[1:-1])]
                widest = max(widths)
                longest = max(longest, widest)
                if not long_at and widest > MAX_LINE_BYTES:
                    long_at = lines + next(i for i, n in enumerate(widths) if n > MAX_LINE_BYTES) + 1
                lines += len(pieces) - 1
                run = len(pieces[-1])
            if not long_at and run > MAX_LINE_BYTES:
                long_at = lines + 1
    return RawFacts(nul=nul, longest_line=max(longest, run), long_line_at=long_at)


def has_nul(path: Path) -> bool:
    """Whether any NUL byte is in the file (one pass in C; then the rows holding it are named)."""
    return raw_facts(path).nul


def iter_csv(path: Path, encoding: str, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    facts = raw_facts(path)
    if facts.long_line_at:
        raise TabularFileError(
            f"第{facts.long_line_at}行（按文本行计）内容过大（一行超过 {MAX_LINE_BYTES // 1024 // 1024} MB），"
            "不像是正常的表格，已拒收",
            row=facts.long_line_at,
        )
    # a cell is never longer than its line: below the cap no cell needs measuring (the common case)
    measure = facts.longest_line > limits.max_cell_chars
    nul = facts.nul
    max_rows = limits.max_rows
    max_columns = limits.max_columns
    number = 0
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            # Excel numbers CSV records, not physical lines: a quoted cell may hold a line break.
            for number, cells in enumerate(csv.reader(fh), start=1):
                if number > max_rows:
                    raise too_many_rows(limits)
                if len(cells) > max_columns:
                    raise TabularFileError(
                        f"第{number}行有 {len(cells)} 列，超过 {max_columns} 列，不像是正常的表格，已拒收",
                        row=number,
                    )
                if nul:
                    refuse_nul(number, cells)
                if measure:
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
