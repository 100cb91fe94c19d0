"""Synthetic rosters for benchmarks and tests: valid, distinct ID numbers, written the way unions do.

`write_sample_roster(path, rows=200_000)` writes a .csv (UTF-8 with BOM) or an .xlsx (by suffix) under
a title row, with a real date cell or a date written as text, and keeps memory flat while writing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from gonghui.core.identity import id_check_digit

HEADER = [
    "序号",
    "姓名",
    "性别",
    "公民身份号码",
    "民族",
    "手机号码",
    "文化程度",
    "政治面貌",
    "工作单位",
    "入会日期",
    "农民工",
    "新就业形态",
]
_REGIONS = ("530702", "530721", "530722", "530723", "530724")
_SURNAMES = "张王李赵刘杨陈和木杨李罗周吴孙马胡朱高林何郭"
_GIVEN = "丽华建国志强永福明秀英玉兰海军春梅光荣文娟红霞晓东金花学成国庆云松德才"
_ETHNIC = ("汉族", "汉族", "汉族", "纳西族", "彝族", "白族", "傈僳族", "普米族")
_EDU = ("初中", "高中", "中专", "大专", "本科", "研究生")
_POLITICAL = ("群众", "群众", "中共党员", "共青团员")


def sample_id_number(i: int) -> str:
    """The i-th synthetic ID: distinct for every i below 5 × 500 × 2 × 20,000 days."""
    region = _REGIONS[i % len(_REGIONS)]
    j = i // len(_REGIONS)
    sex_bit = j % 2
    j //= 2
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=j // 500 % 14_000)
    order = (j % 500) * 2 + sex_bit
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + id_check_digit(body)


def sample_rows(rows: int, *, seed: int = 2026, start: int = 0) -> Iterator[list[object]]:
    rng = random.Random(seed)
    for n in range(start, start + rows):
        number = sample_id_number(n)
        sex = "男" if int(number[16]) % 2 else "女"
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        joined = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 6500))
        yield [
            n + 1,
            name,
            sex,
            number,
            rng.choice(_ETHNIC),
            f"139{n % 100_000_000:08d}",
            rng.choice(_EDU),
            rng.choice(_POLITICAL),
            "丽江某某酒店有限公司",
            joined,
            rng.choice(("是", "否")),
            rng.choice(("是", "否", "否", "否")),
        ]


def write_sample_roster(path: Path, rows: int = 200_000, *, seed: int = 2026, start: int = 0) -> Path:
    path = Path(path)
    title = "丽江市某酒店工会会员名册"
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([title])
            w.writerow(HEADER)
            for row in sample_rows(rows, seed=seed, start=start):
                row[9] = f"{row[9]:%Y年%-m月%-d日}"  # type: ignore[str-format]
                w.writerow(row)
        return path
    if path.suffix.lower() != ".xlsx":
        raise ValueError("sample rosters are .csv or .xlsx")
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("会员名册")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, title)
    for c, h in enumerate(HEADER):
        ws.write_string(1, c, h)
    for r, row in enumerate(sample_rows(rows, seed=seed, start=start), start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return path
