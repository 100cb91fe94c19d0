"""Check an .xlsx archive before anything parses it: a hostile workbook is refused here, in seconds and
in a few megabytes of memory, with a message saying what is wrong.

Every part that a reader will parse is decompressed once, in 1 MB chunks, and thrown away as it goes:
  * its real decompressed size (not the size the archive claims) must stay under the part's cap — a
    1 MB file whose one cell expands to hundreds of MB, or a shared-strings bomb, stops at the cap;
  * no run of text between two tags may be longer than one cell can be (the cell cap, counted in bytes
    of XML with room for entities) — the oversized cell is refused before a parser builds the string;
  * no DOCTYPE (and so no entity) anywhere: SpreadsheetML never needs one, and a parser that drops
    entities silently would read a different sheet than the one shown in Excel;
  * no NUL byte (not allowed in XML; office software never writes one).
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from pathlib import Path

from .errors import TabularFileError
from .limits import Limits, size_text

CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# A cell's text may be written with character references (&#21517; is 8 bytes for one Chinese character,
# &#1114111; 10 for the largest): 10 bytes of XML per character is the most a cell Excel allows can take.
_BYTES_PER_CHAR = 10


def damaged_message(kind: str = "xlsx") -> str:
    return f"文件无法打开（.{kind} 文件已损坏、加了密码或不是 Excel 格式），请用 Excel 打开检查后重新保存"


def part_cap(name: str, limits: Limits) -> int:
    lowered = name.lower()
    if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        return limits.max_part_bytes
    if lowered == "xl/sharedstrings.xml":
        return limits.max_shared_strings_bytes
    return limits.max_other_part_bytes


def _too_big(name: str, cap: int) -> TabularFileError:
    what = "共享文字表（sharedStrings）" if name.lower().endswith("sharedstrings.xml") else f"部件“{name[:60]}”"
    return TabularFileError(
        f"文件内容异常：解压后{what}超过 {size_text(cap)}，不像是正常的 Excel 表格，已拒收（未读取任何数据）。"
        "如确是大表格，请拆分后分批导入"
    )


def check_xlsx(path: Path, limits: Limits) -> None:
    """Raise TabularFileError when the archive is damaged, too big decompressed, or hostile."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularFileError(damaged_message()) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_parts:
            raise TabularFileError(f"文件内容异常：压缩包里有 {len(infos)} 个部件，不像是正常的 Excel 表格，已拒收")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names and not any(n.lower() == "xl/workbook.xml" for n in names):
            raise TabularFileError(
                "文件不是 Excel 工作簿（.xlsx 压缩包里没有工作簿部件），请用 Excel 打开后另存为 .xlsx 再导入"
            )
        for info in infos:
            if info.is_dir():
                continue
            cap = part_cap(info.filename, limits)
            if info.file_size > cap:  # the archive's own claim: refused without decompressing
                raise _too_big(info.filename, cap)
            if info.flag_bits & 0x1:
                raise TabularFileError("文件加了密码，请在 Excel 中取消密码后另存为 .xlsx 再导入")
            if info.filename.lower().endswith(_XML_SUFFIXES) or info.filename == "[Content_Types].xml":
                _scan_part(archive, info, cap, limits)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, limits: Limits) -> None:
    max_run = limits.max_cell_chars * _BYTES_PER_CHAR
    total = 0
    run = 0  # bytes since the last "<"
    tail = b""
    strings = 0
    shared = info.filename.lower().endswith("sharedstrings.xml")
    rows = 0
    sheet = info.filename.lower().startswith("xl/worksheets/")
    try:
        with archive.open(info) as source:
            while chunk := source.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    raise _too_big(info.filename, cap)
                if _DOCTYPE.search(tail + chunk):
                    raise TabularFileError(
                        "文件中含有 DOCTYPE 声明（XML 实体），正常的 Excel 表格不会有，可能被改动过，已拒收。"
                        "请用 Excel 打开后另存为新的 .xlsx 再导入"
                    )
                if b"\x00" in chunk:
                    raise TabularFileError(
                        "文件中含有空字符（NUL），正常的 Excel 表格不会有，已拒收。"
                        "请用 Excel 打开后另存为新的 .xlsx 再导入"
                    )
                first = chunk.find(b"<")
                if first < 0:
                    run += len(chunk)
                else:
                    run += first
                    if run > max_run or _long_run(max_run).search(chunk, first):  # from each "<" on
                        raise _cell_too_big(limits)
                    run = len(chunk) - chunk.rfind(b"<") - 1
                if run > max_run:
                    raise _cell_too_big(limits)
                if shared:
                    strings += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b":si>") + chunk.count(b":si ")
                    if strings > limits.max_shared_strings:
                        raise TabularFileError(
                            f"文件内容异常：共享文字表中有超过 {limits.max_shared_strings} 条文字，"
                            "不像是正常的 Excel 表格，已拒收。如确是大表格，请拆分后分批导入"
                        )
                if sheet:  # millions of (empty) rows are refused here, at C speed, not parsed one by one
                    rows += chunk.count(b"<row") + chunk.count(b":row ") + chunk.count(b":row>")
                    if rows > limits.max_rows:
                        raise TabularFileError(
                            f"文件超过 {limits.max_rows} 行（含空行），一次最多导入 {limits.max_rows} 行，"
                            "请删去多余的空行或拆分后分批导入"
                        )
                tail = chunk[-16:]
    except TabularFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        raise TabularFileError(damaged_message()) from None


@functools.lru_cache(maxsize=4)
def _long_run(max_run: int) -> re.Pattern[bytes]:
    # anchored on "<": the engine jumps from one "<" to the next (a pattern starting with [^<] would
    # retry at every byte: 3 s for 36 MB instead of a tenth)
    return re.compile(rb"<[^<]{%d}" % (max_run + 1))


def _cell_too_big(limits: Limits) -> TabularFileError:
    return TabularFileError(
        f"文件中有一个单元格内容过大（超过 Excel 允许的 {limits.max_cell_chars} 字），不像是正常的表格，已拒收"
    )
