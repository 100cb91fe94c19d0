"""A roster with varied values, as office software writes them (issue 7 part 8): many employers, all 13
政治面貌 of GB/T 4762 and their short forms, every 学历 word, 56 民族, mobiles present and absent, 性别 and
出生日期 columns that agree with the ID number, and every date form the reader accepts (2026-01-05,
2026/1/5, 2026.1.5, 2026年1月5日, 20260105; real date cells, stored by Excel as serial numbers, in .xlsx).

`write_varied_roster(path, rows, start=...)` writes .csv or .xlsx; the bench imports it through the
command line (`gonghui import-members`). Every row is valid: the figure measures the rules' cost, and a
refused row would stop the bench with its message.

  python -m bench.varied_roster PATH ROWS   (writes one file, for trying it by hand)
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from gonghui.members.choices import (
    EDUCATION_ALIASES,
    ETHNIC_GROUPS,
    LEGACY_EDUCATION,
    LEGACY_POLITICAL,
    POLITICAL_ALIASES,
    Education,
    PoliticalStatus,
)
from gonghui.members.imports.sample import sample_id_number

HEADER = [
    "序号",
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "民族",
    "联系电话",
    "文化程度",
    "政治面貌",
    "工作单位",
    "入会时间",
    "是否农民工",
    "新就业形态",
]
TITLE = "丽江市各基层工会会员花名册（汇总）"

# Full names and every short form, in the proportions a city roster might show them.
POLITICAL_WORDS = [w for w, v in POLITICAL_ALIASES.items() if v not in LEGACY_POLITICAL] + [
    str(label) for value, label in PoliticalStatus.choices if value not in LEGACY_POLITICAL
]
POLITICAL_WEIGHTS = [
    12 if POLITICAL_ALIASES.get(w) == PoliticalStatus.MASSES or w == "群众" else 1 for w in POLITICAL_WORDS
]
EDUCATION_WORDS = [w for w, v in EDUCATION_ALIASES.items() if v not in LEGACY_EDUCATION] + [
    str(label) for value, label in Education.choices if value not in LEGACY_EDUCATION
]
ETHNIC_WORDS = [*ETHNIC_GROUPS, "汉", "纳西", "彝", "白", "回"]  # some rosters drop the 族
ETHNIC_WEIGHTS = [40 if e.startswith("汉") else 1 for e in ETHNIC_WORDS]

_PLACES = "丽江古城玉龙永胜华坪宁蒗束河白沙拉市大研黑龙潭金山七河太安鲁甸石鼓巨甸"
_TRADES = (
    "酒店",
    "客栈",
    "旅游",
    "索道",
    "水电",
    "矿业",
    "建筑",
    "物流",
    "快递",
    "餐饮",
    "商贸",
    "医院",
    "学校",
    "农业",
    "茶叶",
    "运输",
    "物业",
    "超市",
)
_KINDS = ("有限公司", "有限责任公司", "股份有限公司", "（集团）有限公司", "分公司", "合作社", "管理所", "服务中心")
_SURNAMES = "张王李赵刘杨陈和木罗周吴孙马胡朱高林何郭段普杞沙阿"
_GIVEN = "丽华建国志强永福明秀英玉兰海军春梅光荣文娟红霞晓东金花学成国庆云松德才美芳丹阳"
_MINORITY_NAMES = ("阿依古丽·买买提", "扎西·次仁", "古丽娜·艾买提", "阿卜杜·热合曼")


def employers(rng: random.Random, n: int = 3000) -> list[str]:
    """n distinct employer names: 丽江古城某某酒店有限公司, 永胜物流（集团）有限公司 …"""
    out: set[str] = set()
    while len(out) < n:
        a, b = rng.sample(_PLACES, 2)
        tail = rng.choice(("", "某", "金", "新", "兴", "宏", "瑞"))
        name = f"{a}{b}{tail}{rng.choice(_TRADES)}{rng.choice(_KINDS)}"
        if rng.random() < 0.1:
            name += f"{rng.choice(_PLACES)}{rng.choice(('店', '站', '项目部'))}"
        out.add(name)
    return sorted(out)


def date_text(d: dt.date, form: int) -> str:
    """The five written forms the reader accepts."""
    return (
        f"{d:%Y-%m-%d}",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y%m%d}",
    )[form % 5]


def varied_rows(rows: int, *, seed: int = 2026, start: int = 0, date_cells: bool = False) -> Iterator[list[object]]:
    """Data rows. With `date_cells` (for .xlsx) a third of the dates are real date cells, the rest text."""
    rng = random.Random(seed)
    firms = employers(rng)
    flags_yes, flags_no = ("是", "√", "是的", "Y"), ("否", "", "×", "无")
    for n in range(start, start + rows):
        number = sample_id_number(n)
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sex = "男" if int(number[16]) % 2 else "女"
        if rng.random() < 0.02:
            name = rng.choice(_MINORITY_NAMES)
        else:
            name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        joined = born + dt.timedelta(days=rng.randrange(18 * 366, 19 * 366 + 6000))
        if joined > dt.date(2026, 1, 5):
            joined = dt.date(2026, 1, 5) - dt.timedelta(days=rng.randrange(0, 3000))
        form = rng.randrange(0, 6 if date_cells else 5)
        birth_cell: object = born if form == 5 else date_text(born, form)
        joined_form = rng.randrange(0, 6 if date_cells else 5)
        joined_cell: object = joined if joined_form == 5 else date_text(joined, joined_form)
        mobile = "" if rng.random() < 0.3 else f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"
        yield [
            n + 1,
            name,
            sex if rng.random() < 0.9 else "",
            number,
            birth_cell if rng.random() < 0.8 else "",
            rng.choices(ETHNIC_WORDS, ETHNIC_WEIGHTS)[0],
            mobile,
            rng.choice(EDUCATION_WORDS),
            rng.choices(POLITICAL_WORDS, POLITICAL_WEIGHTS)[0],
            rng.choice(firms),
            joined_cell if rng.random() < 0.9 else "",
            rng.choice(flags_yes) if rng.random() < 0.2 else rng.choice(flags_no),
            rng.choice(flags_yes) if rng.random() < 0.05 else rng.choice(flags_no),
        ]


def write_varied_roster(path: Path, rows: int = 200_000, *, seed: int = 2026, start: int = 0) -> Path:
    """A .csv (UTF-8 with BOM, as Excel saves it) or .xlsx roster with a title row above the header."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([TITLE])
            w.writerow(HEADER)
            w.writerows(varied_rows(rows, seed=seed, start=start))
        return path
    if path.suffix.lower() != ".xlsx":
        raise ValueError("varied rosters are .csv or .xlsx")
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("会员名册")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, TITLE)
    for c, h in enumerate(HEADER):
        ws.write_string(1, c, h)
    for r, row in enumerate(varied_rows(rows, seed=seed, start=start, date_cells=True), start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):  # a real date cell: Excel stores its serial number
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int):
                ws.write_number(r, c, value)
            elif value != "":
                ws.write_string(r, c, str(value))
    wb.close()
    return path


def ensure_bench_org(code: str = "BENCH-VARIED") -> str:
    """The union the varied roster is imported into (made once in the import database); its code."""
    from gonghui.orgs.models import Org
    from gonghui.orgs.services import org_create

    city = Org.objects.filter(code="BENCH-CITY").first() or org_create(
        parent=None, kind="city", name="基准测试市总工会", code="BENCH-CITY", actor=None
    )
    if not Org.objects.filter(code=code).exists():
        org_create(parent=city, kind="grassroots", name="基准测试导入工会（多样名册）", code=code, actor=None)
    return code


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    write_varied_roster(target, count)
    print(target)
