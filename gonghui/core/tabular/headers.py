"""Find the header row of a table (it may sit under one or more title rows) and map its columns.

An import kind supplies a `HeaderSpec`: for each of its fields the header texts people write for it
(aliases), the label to show, and which fields are required. Header texts are compared after
`header_key`: full-width forms, spaces, stars, colons and notes in brackets ("农民工(是/否)",
"＊身份证号码：") do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from gonghui.core.text import tidy

from .csvfile import column_letter
from .errors import RowError

MAX_HEADER_SCAN = 30  # rows searched for the header
MAX_HEADER_CELL_CHARS = 40

_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_JUNK = re.compile(r"[\s*:：。.、]")


def header_key(text: object) -> str:
    """农民工(是/否) → 农民工; ＊身份证号码： → 身份证号码."""
    value = tidy(text)  # NFKC turns full-width brackets and stars into ASCII
    value = _NOTE.sub("", value)
    return _JUNK.sub("", value)


@dataclass(frozen=True)
class HeaderSpec:
    aliases: dict[str, tuple[str, ...]]  # field → header texts people use for it
    labels: dict[str, str]  # field → the name shown in messages
    required: tuple[str, ...]
    what: str = "数据"  # what a data row is, in messages ("会员", "诉求")
    scan_rows: int = MAX_HEADER_SCAN
    by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {header_key(a): f for f, aliases in self.aliases.items() for a in aliases}
        object.__setattr__(self, "by_key", keys)

    def field_for(self, cell: object) -> str | None:
        if not isinstance(cell, str) or not cell or len(cell) > MAX_HEADER_CELL_CHARS:
            return None
        return self.by_key.get(header_key(cell))

    def label(self, f: str) -> str:
        return self.labels.get(f, f)

    def alias_hint(self, f: str) -> str:
        others = [a for a in self.aliases.get(f, ()) if a != self.label(f)][:4]
        return f"（也可写作{'、'.join(others)}）" if others else ""


@dataclass(frozen=True)
class Header:
    row: int  # spreadsheet row number of the header
    index: dict[str, int]  # field → column index within the row
    labels: dict[str, str]  # field → header text as written in the file
    texts: list[str] = field(default_factory=list)  # every header cell's text, by column

    def label(self, f: str, spec: HeaderSpec | None = None) -> str:
        return self.labels.get(f) or (spec.label(f) if spec else f)

    def column_order(self) -> dict[str, int]:
        """header text → position, to sort problems by column."""
        return {self.labels[f]: i for f, i in self.index.items()}


def read_header(row: int, cells: Sequence[object], spec: HeaderSpec) -> tuple[Header, list[RowError]]:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems: list[RowError] = []
    for i, cell in enumerate(cells):
        f = spec.field_for(cell)
        if f is None:
            continue
        if f in index:
            problems.append(
                RowError(
                    row,
                    tidy(cell),
                    f"表头中“{spec.label(f)}”列出现了两次（第{column_letter(index[f])}列和第{column_letter(i)}列），"
                    "请只保留一列",
                )
            )
            continue
        index[f] = i
        labels[f] = tidy(cell)
    texts = [tidy(c) if c is not None else "" for c in cells]
    return Header(row=row, index=index, labels=labels, texts=texts), problems


def _listed(cells: Sequence[object]) -> str:
    names = [tidy(c)[:20] for c in cells if c is not None and not isinstance(c, bool)]
    names = [n for n in names if n]
    shown = "、".join(f"“{n}”" for n in names[:12])
    return shown + (f" 等 {len(names)} 列" if len(names) > 12 else "")


def find_header(rows: Iterator[tuple[int, list[object]]], spec: HeaderSpec) -> tuple[Header | None, list[RowError]]:
    """The first row (among the first `scan_rows`) naming every required field. Otherwise None, and one
    problem saying what is missing and what the likeliest header row holds."""
    best: tuple[int, int, list[object]] | None = None
    first_filled: tuple[int, list[object]] | None = None
    for number, cells in rows:
        if first_filled is None and any(tidy(c) for c in cells if c is not None):
            first_filled = (number, cells)
        found = {spec.field_for(c) for c in cells} - {None}
        if found and all(f in found for f in spec.required):
            header, problems = read_header(number, cells, spec)
            return header, problems
        if found and (best is None or len(found) > best[0]):
            best = (len(found), number, cells)
        if number >= spec.scan_rows:
            break
    if best is not None:
        _, number, cells = best
        header, _ = read_header(number, cells, spec)
        missing = [f for f in spec.required if f not in header.index]
        names = "、".join(f"“{spec.label(f)}”{spec.alias_hint(f)}" for f in missing)
        return None, [
            RowError(
                number,
                "、".join(spec.label(f) for f in missing),
                f"表头缺少必填列{names}。表头在第{number}行，写的是：{_listed(cells)}",
            )
        ]
    required = "、".join(f"“{spec.label(f)}”" for f in spec.required)
    if first_filled is not None:
        number, cells = first_filled
        return None, [
            RowError(
                0,
                "",
                f"没有找到表头：前{spec.scan_rows}行中没有{required}等列名。第{number}行写的是：{_listed(cells)}。"
                "请检查是否选错了文件",
            )
        ]
    return None, [RowError(0, "", "文件中没有任何内容")]
