"""Find the header row of a roster (it may sit under one or more title rows) and map its columns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gonghui.core.text import tidy

# field → header texts people use for it (compared after `header_key`)
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "职工姓名", "名字"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "居民身份证号码",
        "身份证件号码",
        "证件号码",
        "证件号",
        "身份证",
    ),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "出生时间", "生日"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "电话号码", "联系方式", "移动电话"),
    "ethnicity": ("民族",),
    "education": ("学历", "文化程度", "最高学历"),
    "political_status": ("政治面貌",),
    "employer": ("工作单位", "单位", "单位名称", "所在单位", "工作单位名称"),
    "joined_on": ("入会时间", "入会日期", "入会年月"),
    "is_migrant_worker": ("农民工", "是否农民工"),
    "is_new_employment": (
        "新就业形态",
        "新就业形态劳动者",
        "是否新就业形态",
        "是否新就业形态劳动者",
    ),
}
FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "mobile": "手机号码",
    "ethnicity": "民族",
    "education": "学历",
    "political_status": "政治面貌",
    "employer": "工作单位",
    "joined_on": "入会时间",
    "is_migrant_worker": "农民工",
    "is_new_employment": "新就业形态",
}
REQUIRED_FIELDS = ("name", "id_number")
MAX_HEADER_SCAN = 30  # rows searched for the header

_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_JUNK = re.compile(r"[\s*:：。.、]")
_BY_KEY: dict[str, str] = {alias: field for field, aliases in FIELD_HEADERS.items() for alias in aliases}


def header_key(text: object) -> str:
    """农民工(是/否) → 农民工; ＊身份证号码： → 身份证号码."""
    value = tidy(text)  # NFKC turns full-width brackets and stars into ASCII
    value = _NOTE.sub("", value)
    return _JUNK.sub("", value)


def field_for(text: object) -> str | None:
    return _BY_KEY.get(header_key(text))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel labels columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class HeaderMap:
    row: int  # spreadsheet row number of the header
    index: dict[str, int]  # field → column index within the row
    labels: dict[str, str]  # field → header text as written in the file

    def label(self, field: str) -> str:
        return self.labels.get(field) or FIELD_LABELS.get(field, field)


@dataclass(frozen=True)
class HeaderProblem:
    row: int
    column: str
    message: str


def read_header(row_number: int, cells: Sequence[object]) -> tuple[HeaderMap, list[HeaderProblem]]:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems: list[HeaderProblem] = []
    for i, cell in enumerate(cells):
        field = field_for(cell)
        if field is None:
            continue
        if field in index:
            problems.append(
                HeaderProblem(
                    row_number,
                    tidy(cell),
                    f"表头中“{FIELD_LABELS[field]}”列出现了两次（第{column_letter(index[field])}列和"
                    f"第{column_letter(i)}列），请只保留一列",
                )
            )
            continue
        index[field] = i
        labels[field] = tidy(cell)
    return HeaderMap(row=row_number, index=index, labels=labels), problems


def looks_like_header(cells: Sequence[object]) -> int:
    """How many roster columns this row names (0 for a title row or a data row)."""
    return len({f for f in (field_for(c) for c in cells if isinstance(c, str) and c) if f})


def missing_required(header: HeaderMap) -> list[HeaderProblem]:
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in header.index]
    if not missing:
        return []
    names = "、".join(f"“{m}”" for m in missing)
    return [
        HeaderProblem(
            header.row,
            "、".join(missing),
            f"表头缺少必填列{names}（表头在第{header.row}行；身份证号列可写作身份证号、身份证号码、公民身份号码或证件号码）",
        )
    ]
