"""Hostile tables, built on the fly: what an outside probe sent the imports (issue 7, 5b/5c).

Every builder writes a small file whose reading would, unchecked, take gigabytes or minutes, or crash:
  zip_bomb_cell         a 1 MB .xlsx whose one cell expands to hundreds of MB
  shared_strings_bomb   an .xlsx whose shared-strings table holds millions of strings
  doctype_xlsx          an .xlsx part with a DOCTYPE (entities; "billion laughs")
  junk_rows_xlsx        an .xlsx of millions of empty rows, or one row numbered 1,048,576
  far_column_xlsx       a cell at column "ZZZZZZ" (a 300-million-cell row)
  lying_sizes_xlsx      a part whose archive entry claims a small size and holds a big one
  junk_rows_csv         a .csv of millions of lines of commas
  sparse_xls            a 6 KB .xls with cells at A1 and IV65536 (calamine's dense grid: 1 GB)
  utf_csv               UTF-16 / UTF-32 text (with or without BOM)
  nul_csv / nul_xlsx    a NUL byte in a cell
  junk_named            random bytes named .xlsx / .xls / .csv
Each is made in a few seconds at most and is small on disk (zip deflate does the rest).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>身份证号</t></is></c><c r="C1" t="inlineStr"><is><t>内容</t></is></c></row>'
)
EMPTY_SST = (
    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
)
CHUNK = 1 << 20


def _workbook(path: Path, *, sheet: object, shared: object = EMPTY_SST, extra: dict[str, str] | None = None) -> Path:
    """An .xlsx of the given sheet XML and shared strings; either may be a str or an iterator of bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", (extra or {}).get("xl/workbook.xml", WORKBOOK))
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, content in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            if isinstance(content, str):
                z.writestr(name, content)
            else:
                with z.open(name, "w", force_zip64=True) as out:
                    for piece in content:  # type: ignore[attr-defined]
                        out.write(piece)
    return path


def _repeat(prefix: bytes, unit: bytes, total: int, suffix: bytes) -> object:
    def gen():  # type: ignore[no-untyped-def]
        yield prefix
        block = unit * max(1, CHUNK // len(unit))
        left = total
        while left > 0:
            piece = block[: min(left, len(block))]
            left -= len(piece)
            yield piece
        yield suffix

    return gen()


def plain_xlsx(path: Path, rows: int = 3) -> Path:
    """A well-formed small workbook (the control case)."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>和丽华</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>53070219900101001X</t></is></c></row>'
        for r in range(2, rows + 2)
    )
    return _workbook(path, sheet=SHEET_HEAD + HEADER_ROW + body + SHEET_TAIL)


def zip_bomb_cell(path: Path, mb: int = 300) -> Path:
    """One inline-string cell of `mb` megabytes of the same letter: ~1 MB on disk."""
    head = (SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
    tail = ("</t></is></c></row>" + SHEET_TAIL).encode()
    return _workbook(path, sheet=_repeat(head, b"A", mb << 20, tail))


def shared_strings_bomb(path: Path, strings: int = 20_000_000) -> Path:
    """A shared-strings table of millions of one-letter strings, and a sheet that uses the first."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    unit = b"<si><t>a</t></si>"
    sheet = SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + SHEET_TAIL
    return _workbook(path, sheet=sheet, shared=_repeat(head, unit, strings * len(unit), b"</sst>"))


def doctype_xlsx(path: Path, part: str = "sheet") -> Path:
    """A DOCTYPE with nested entities (a small "billion laughs") in the sheet or in workbook.xml."""
    dtd = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    sheet = SHEET_HEAD.replace("<worksheet", dtd + "<worksheet", 1)
    if part == "sheet":
        xml = sheet + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&c;</t></is></c></row>' + SHEET_TAIL
        return _workbook(path, sheet=xml)
    workbook = WORKBOOK.replace("<workbook", dtd.replace("worksheet", "workbook") + "<workbook", 1)
    return _workbook(path, sheet=SHEET_HEAD + HEADER_ROW + SHEET_TAIL, extra={"xl/workbook.xml": workbook})


def junk_rows_xlsx(path: Path, rows: int = 3_000_000, *, jump: bool = False) -> Path:
    """Millions of empty rows (or, with jump, one row numbered 1,048,576 under the header)."""
    if jump:
        xml = SHEET_HEAD + HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>' + SHEET_TAIL
        return _workbook(path, sheet=xml)

    def gen():  # type: ignore[no-untyped-def]
        yield (SHEET_HEAD + HEADER_ROW).encode()
        batch = []
        for r in range(2, rows + 2):
            batch.append(f'<row r="{r}"/>')
            if len(batch) == 50_000:
                yield "".join(batch).encode()
                batch = []
        yield ("".join(batch) + SHEET_TAIL).encode()

    return _workbook(path, sheet=gen())


def far_column_xlsx(path: Path) -> Path:
    xml = SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>' + SHEET_TAIL
    return _workbook(path, sheet=xml)


def lying_sizes_xlsx(path: Path, mb: int = 200) -> Path:
    """A worksheet entry whose recorded sizes say 100 bytes while its data inflates to `mb` megabytes."""
    zip_bomb_cell(path, mb=mb)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # the central directory entry: signature PK\1\2, uncompressed size at +24 (4 bytes); zip64 extra too
    name = info.filename.encode()
    start = 0
    while True:
        at = data.find(b"PK\x01\x02", start)
        if at < 0:
            break
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_len] == name:
            extra_len = int.from_bytes(data[at + 30 : at + 32], "little")
            extra = at + 46 + name_len
            data[at + 24 : at + 28] = (100).to_bytes(4, "little")
            # zip64 extra field (id 1): uncompressed size first
            pos = extra
            while pos < extra + extra_len:
                tag = int.from_bytes(data[pos : pos + 2], "little")
                size = int.from_bytes(data[pos + 2 : pos + 4], "little")
                if tag == 1 and size >= 8:
                    data[pos + 4 : pos + 12] = (100).to_bytes(8, "little")
                    data[at + 24 : at + 28] = (0xFFFFFFFF).to_bytes(4, "little")
                pos += 4 + size
            break
        start = at + 4
    path.write_bytes(bytes(data))
    return path


def nul_xlsx(path: Path) -> Path:
    xml = (
        SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>和\x00丽华</t></is></c></row>' + SHEET_TAIL
    )
    return _workbook(path, sheet=xml)


def junk_rows_csv(path: Path, rows: int = 5_000_000) -> Path:
    with path.open("wb") as out:
        out.write("姓名,身份证号,内容\n".encode())
        line = b",,\n" * 100_000
        for _ in range(rows // 100_000):
            out.write(line)
    return path


def sparse_xls(path: Path) -> Path:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("名册")
    ws.write(0, 0, "姓名")
    ws.write(65535, 255, "远处")
    wb.save(str(path))
    return path


def utf_csv(path: Path, encoding: str) -> Path:
    """encoding: utf-16 / utf-32 (with BOM), utf-16-le / utf-32-le (without)."""
    text = "姓名,身份证号,内容\n和丽华,53070219900101001X,工资拖欠了三个月\n"
    path.write_bytes(text.encode(encoding))
    return path


def nul_csv(path: Path) -> Path:
    path.write_bytes("姓名,身份证号,内容\n和丽华,53070219900101001X,工资\x00拖欠\n".encode())
    return path


def junk_named(path: Path, size: int = 200_000) -> Path:
    path.write_bytes(os.urandom(size))
    return path
