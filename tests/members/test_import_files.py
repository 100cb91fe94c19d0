"""Roster import on real .xlsx / .xls / .csv files: layouts, header variants, cell formats, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gonghui.core.crypto import decrypt
from gonghui.members.imports import run_import
from gonghui.members.models import Member, MembershipEvent
from tests.data.roster.builders import write_csv, write_xls, write_xlsx
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

TITLE = ["古城区某酒店工会会员花名册（2026年）"]
HEADER = ["序号", "姓名", "性别", "身份证号", "手机号码", "民族", "入会时间"]


def _ids(n: int, start: int = 9000) -> list[str]:
    return [make_id_number("530702", dt.date(1988, 3, 4), "MF"[i % 2], serial=start + i) for i in range(n)]


def _sex(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def _import(path: Path, world, **kw):  # type: ignore[no-untyped-def]
    return run_import(path=path, org=world.union_a, actor=world.cadre_a, **kw)


def _by_id(number: str) -> Member:
    for m in Member.objects.filter(org__name="古城区某酒店工会"):
        if decrypt(m.id_cipher, context=b"id_number") == number:
            return m
    raise AssertionError(f"{number} not imported")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv-utf8", "csv-bom", "csv-gbk", "csv-gb18030"])
def test_every_format_imports_under_a_title_row(world, tmp_path, fmt):
    ids = _ids(3)
    rows = [
        TITLE,
        [],
        HEADER,
        [1, "和丽萍", _sex(ids[0]), ids[0], "13987001001", "纳西族", "2016-12-12"],
        [2, "李建国", _sex(ids[1]), ids[1], "13987001002", "彝", "2016/12/12"],
        [3, "杨秀英", _sex(ids[2]), ids[2], "", "白族", ""],
    ]
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "r.xlsx", rows)
    elif fmt == "xls":
        path = write_xls(tmp_path / "r.xls", rows)
    else:
        enc = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk", "csv-gb18030": "gb18030"}[fmt]
        path = write_csv(tmp_path / "r.csv", rows, encoding=enc)
    result = _import(path, world)
    assert result.errors == []
    assert result.accepted == 3
    assert result.header_row == 3
    m = _by_id(ids[0])
    assert (m.name, m.mobile, m.ethnicity, m.joined_on) == ("和丽萍", "13987001001", "纳西族", dt.date(2016, 12, 12))
    assert _by_id(ids[1]).ethnicity == "彝族"
    assert _by_id(ids[2]).joined_on is None
    assert MembershipEvent.objects.filter(member=m, kind="imported", to_org=world.union_a).count() == 1


def test_gbk_file_with_rare_character_reads_as_gb18030(world, tmp_path):
    number = _ids(1)[0]
    path = write_csv(tmp_path / "r.csv", [["姓名", "身份证号"], ["王䶮", number]], encoding="gb18030")
    result = _import(path, world)
    assert result.errors == [] and _by_id(number).name == "王䶮"


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "身份证号码", "性别", "手机", "入会日期", "文化程度", "单位"],
        ["会员姓名", "公民身份号码", "性别", "联系电话", "入会时间", "学历", "工作单位"],
        ["姓 名", "证件号码", "性别", "电话", "入会时间", "学历", "所在单位"],
        ["*姓名", "身份证号(必填)", "性别（男/女）", "手机号码：", "入会日期", "文化程度", "工作单位"],
    ],
)
def test_header_variants(world, tmp_path, header):
    number = _ids(1)[0]
    rows = [header, ["木春梅", number, _sex(number), "13987002001", "2019年3月1日", "大学本科", "丽江某酒店"]]
    result = _import(write_xlsx(tmp_path / "r.xlsx", rows, text_columns=[1]), world)
    assert result.errors == []
    m = _by_id(number)
    assert (m.mobile, m.joined_on, m.education, m.employer) == (
        "13987002001",
        dt.date(2019, 3, 1),
        "bachelor",
        "丽江某酒店",
    )


def test_errors_name_the_column_as_written_in_the_file(world, tmp_path):
    number = _ids(1)[0]
    rows = [
        ["会员姓名", "公民身份号码", "联系电话"],
        ["甲乙", number[:-1] + ("0" if number[-1] != "0" else "1"), "123"],
    ]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert {(e.row, e.column) for e in result.errors} == {(2, "公民身份号码"), (2, "联系电话")}
    assert any("校验位" in e.message for e in result.errors)


def test_full_width_digits_lowercase_x_and_stray_spaces(world, tmp_path):
    # pick an ID whose check character is X
    number = next(n for n in _ids(80, start=12_000) if n.endswith("X"))
    typed = " " + number[:6] + " " + number[6:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x "
    rows = [
        ["姓名", "身份证号", "性别", "手机号码"],
        ["  张 三  ", typed, " " + _sex(number) + " ", "139 8700 3001"],
    ]
    result = _import(write_csv(tmp_path / "r.csv", rows, encoding="utf-8-sig"), world)
    assert result.errors == []
    m = _by_id(number)
    assert (m.name, m.mobile, m.id_masked[-1]) == ("张三", "13987003001", "X")


@pytest.mark.parametrize(
    "typed", ["2016年12月12日", "2016/12/12", "2016-12-12", "20161212", "2016.12.12", "２０１６年１２月１２日"]
)
def test_date_written_as_text(world, tmp_path, typed):
    number = _ids(1)[0]
    result = _import(
        write_csv(tmp_path / "r.csv", [["姓名", "身份证号", "入会时间"], ["和光荣", number, typed]]), world
    )
    assert result.errors == []
    assert _by_id(number).joined_on == dt.date(2016, 12, 12)


def test_real_date_cells_in_xlsx_and_xls_and_a_date_typed_as_number(world, tmp_path):
    a, b, c = _ids(3, start=15_000)
    rows = [
        ["姓名", "身份证号", "入会时间"],
        ["甲一", a, dt.date(2016, 12, 12)],
        ["甲二", b, dt.datetime(2017, 1, 2, 0, 0)],
        ["甲三", c, 20180303],
    ]
    assert _import(write_xlsx(tmp_path / "r.xlsx", rows), world, dry_run=True).errors == []
    result = _import(write_xls(tmp_path / "r.xls", rows), world)
    assert result.errors == []
    assert [_by_id(n).joined_on for n in (a, b, c)] == [dt.date(2016, 12, 12), dt.date(2017, 1, 2), dt.date(2018, 3, 3)]


def test_bad_and_future_dates_are_errors(world, tmp_path):
    a, b, c = _ids(3)
    rows = [["姓名", "身份证号", "入会时间"], ["甲", a, "2016年13月1日"], ["乙", b, "去年"], ["丙", c, "2999-01-01"]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(2, "入会时间"), (3, "入会时间"), (4, "入会时间")]
    assert "不存在" in result.errors[0].message
    assert "无法识别" in result.errors[1].message
    assert "晚于今天" in result.errors[2].message
    assert Member.objects.filter(org=world.union_a).count() == 1  # only the fixture's member_a


def test_numeric_id_cells_are_refused_naming_every_row(world, tmp_path):
    a, b, c = _ids(3)
    rows = [["姓名", "身份证号"], ["甲", int(a[:-1] + "0")], ["乙", b], ["丙", float(c[:-1] + "1")]]
    result = _import(write_xlsx(tmp_path / "r.xlsx", rows), world)
    assert [e.row for e in result.errors] == [2, 4]
    assert all("存成了数字" in e.message and "丢失" in e.message for e in result.errors)
    assert result.accepted == 0
    assert not Member.objects.filter(name="乙").exists()


def test_numeric_id_cells_in_xls_are_refused(world, tmp_path):
    a = _ids(1)[0]
    result = _import(
        write_xls(tmp_path / "r.xls", [["标题"], ["姓名", "身份证号"], ["甲", float(a[:-1] + "1")]]), world
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号")]
    assert "存成了数字" in result.errors[0].message


@pytest.mark.parametrize("typed", ["5.32701199001011E+17", "5.32701E+17", "5.32701199001011e+17"])
def test_scientific_notation_in_csv_is_refused(world, tmp_path, typed):
    good = _ids(1)[0]
    rows = [["姓名", "身份证号"], ["甲", good], ["乙", typed]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号")]
    assert "科学计数法" in result.errors[0].message
    assert not Member.objects.filter(name="甲").exists()


def test_id_with_last_digits_zeroed_hints_at_lost_digits(world, tmp_path):
    number = _ids(1)[0]
    zeroed = number[:15] + "000"
    if zeroed == number:  # pragma: no cover - astronomically unlikely
        zeroed = number[:15] + "001"
    result = _import(write_csv(tmp_path / "r.csv", [["姓名", "身份证号"], ["甲", zeroed]]), world)
    assert "丢失" in result.errors[0].message


def test_sex_column_contradicting_the_id_is_an_error(world, tmp_path):
    number = _ids(1)[0]
    wrong = "女" if _sex(number) == "男" else "男"
    result = _import(write_csv(tmp_path / "r.csv", [["姓名", "身份证号", "性别"], ["甲", number, wrong]]), world)
    assert [(e.row, e.column) for e in result.errors] == [(2, "性别")]
    assert "与身份证号不符" in result.errors[0].message


def test_blank_rows_and_a_prenumbered_column_are_skipped_with_true_row_numbers(world, tmp_path):
    a, b = _ids(2)
    rows = [TITLE, ["姓名", "身份证号", "序号"], ["甲", a, 1], [], [None, None, 2], ["乙", b + "9", 3]]
    result = _import(write_xlsx(tmp_path / "r.xlsx", rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(6, "身份证号")]
    assert result.data_rows == 2


def test_header_missing_the_id_column_is_reported(world, tmp_path):
    result = _import(write_csv(tmp_path / "r.csv", [TITLE, ["姓名", "手机号码"], ["甲", "13900000000"]]), world)
    assert len(result.errors) == 1
    assert result.errors[0].row == 2 and "身份证号" in result.errors[0].message


def test_file_without_header_is_reported(world, tmp_path):
    result = _import(write_csv(tmp_path / "r.csv", [["随便写点什么"], ["1", "2"]]), world)
    assert [e.row for e in result.errors] == [0]
    assert "表头" in result.errors[0].message


def test_duplicate_header_column_is_reported(world, tmp_path):
    number = _ids(1)[0]
    rows = [["姓名", "身份证号", "身份证号码"], ["甲", number, number]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert any("出现了两次" in e.message for e in result.errors)
    assert result.accepted == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.xlsx", b"<html><table><tr><td>1</td></tr></table></html>", "不是真正的 Excel"),
        ("r.xls", b"PK\x03\x04broken zip", "无法打开"),
        ("r.pdf", b"%PDF-1.4", "只能导入"),
        ("r.csv", b"", "空"),
    ],
)
def test_unreadable_files_give_one_clear_error(world, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = _import(path, world)
    assert len(result.errors) == 1 and result.errors[0].row == 0
    assert message in result.errors[0].message
    assert result.accepted == 0


def test_flags_and_choice_words(world, tmp_path):
    a, b = _ids(2)
    rows = [
        ["姓名", "身份证号", "农民工(是/否)", "新就业形态", "政治面貌", "学历"],
        ["甲", a, "是", "√", "党员", "中专"],
        ["乙", b, "否", "", "群众", "硕士"],
    ]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert result.errors == []
    ma, mb = _by_id(a), _by_id(b)
    assert (ma.is_migrant_worker, ma.is_new_employment, ma.political_status, ma.education) == (
        True,
        True,
        "cpc",
        "vocational",  # 中专 stays 中专 (GB/T 4658), not folded into 高中
    )
    assert (mb.is_migrant_worker, mb.is_new_employment, mb.education) == (False, False, "master")


def test_bad_flag_and_choice_values_are_errors(world, tmp_path):
    number = _ids(1)[0]
    rows = [["姓名", "身份证号", "农民工", "民族", "政治面貌"], ["甲", number, "也许", "火星族", "外星人"]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert sorted(e.column for e in result.errors) == sorted(["农民工", "民族", "政治面貌"])
    assert all(e.row == 2 for e in result.errors)


def test_text_is_stored_inertly(world, tmp_path):
    number = _ids(1)[0]
    rows = [["姓名", "身份证号", "工作单位"], ["甲", number, '=HYPERLINK("http://x")<script>']]
    assert _import(write_csv(tmp_path / "r.csv", rows), world).errors == []
    assert _by_id(number).employer == '=HYPERLINK("http://x")<script>'


def test_name_with_markup_is_refused(world, tmp_path):
    number = _ids(1)[0]
    result = _import(write_csv(tmp_path / "r.csv", [["姓名", "身份证号"], ["<b>甲</b>", number]]), world)
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]


def test_xlsx_streamed_and_xls_through_calamine_give_the_same_results(world, tmp_path):
    """.xlsx is streamed by our own reader (flat memory), .xls goes through python-calamine in a child
    process: the same rows give the same problems and the same members."""
    a, b, c = _ids(3, start=16_000)
    rows = [
        TITLE,
        [],
        ["姓名", "身份证号", "入会时间", "手机号码"],
        ["甲一", a, dt.date(2016, 12, 12), 13987004001],
        [],
        ["甲二", float(b[:-1] + "1"), "2017年1月2日", ""],
        ["甲三", c, 20180303, ""],
    ]
    streamed = _import(write_xlsx(tmp_path / "r.xlsx", rows), world, dry_run=True)
    calamine = _import(write_xls(tmp_path / "r.xls", rows), world, dry_run=True)
    assert streamed.errors == calamine.errors
    assert [(e.row, e.column) for e in streamed.errors] == [(6, "身份证号")]
    assert (streamed.header_row, streamed.valid_rows) == (calamine.header_row, calamine.valid_rows) == (3, 2)
    calls: list[tuple[int, int]] = []
    rows[5][1] = b
    result = _import(write_xlsx(tmp_path / "ok.xlsx", rows), world, progress=lambda d, t: calls.append((d, t)))
    assert result.errors == [] and result.accepted == 3
    assert _by_id(a).joined_on == dt.date(2016, 12, 12) and _by_id(a).mobile == "13987004001"
    assert _by_id(c).joined_on == dt.date(2018, 3, 3)
    assert calls[-1] == (7, 7)
