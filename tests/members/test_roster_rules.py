"""Roster rules that match real rosters (issue 7 part 3), on real .xlsx, .xls and .csv files: every
政治面貌 of GB/T 4762 and its short forms, every 学历 word, 出生日期 and 性别 checked against the ID number;
the same rules in the member form and the API."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members.choices import Education, PoliticalStatus
from gonghui.members.imports import run_import
from gonghui.members.models import Member
from gonghui.members.services import id_hmac
from tests.data.roster.builders import hanzi_number, write_csv, write_xls, write_xlsx
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

BORN = dt.date(1986, 7, 9)

# Every value of GB/T 4762 by its full name, and the short forms office rosters use, with what each means.
POLITICAL_WORDS = {
    "中共党员": PoliticalStatus.CPC,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL,
    "民革党员": PoliticalStatus.RCCK,
    "民盟盟员": PoliticalStatus.CDL,
    "民建会员": PoliticalStatus.CNDCA,
    "民进会员": PoliticalStatus.CAPD,
    "农工党党员": PoliticalStatus.CPWDP,
    "致公党党员": PoliticalStatus.CZGP,
    "九三学社社员": PoliticalStatus.JIUSAN,
    "台盟盟员": PoliticalStatus.TDSGL,
    "无党派人士": PoliticalStatus.NONPARTY,
    "群众": PoliticalStatus.MASSES,
    "党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "共青团": PoliticalStatus.CYL,
    "民革": PoliticalStatus.RCCK,
    "民盟": PoliticalStatus.CDL,
    "民建": PoliticalStatus.CNDCA,
    "民进": PoliticalStatus.CAPD,
    "农工党": PoliticalStatus.CPWDP,
    "致公党": PoliticalStatus.CZGP,
    "九三学社": PoliticalStatus.JIUSAN,
    "台盟": PoliticalStatus.TDSGL,
    "无党派": PoliticalStatus.NONPARTY,
    "中共党员 ": PoliticalStatus.CPC,  # a trailing space
}
EDUCATION_WORDS = {
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "研究生": Education.POSTGRADUATE,
    "大学本科": Education.BACHELOR,
    "本科": Education.BACHELOR,
    "大学专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "中专": Education.VOCATIONAL,
    "中等专业学校": Education.VOCATIONAL,
    "职高": Education.VOCATIONAL_HIGH,
    "职业高中": Education.VOCATIONAL_HIGH,
    "技校": Education.TECHNICAL,
    "技工学校": Education.TECHNICAL,
    "高中": Education.HIGH_SCHOOL,
    "普通高中": Education.HIGH_SCHOOL,
    "初中": Education.JUNIOR,
    "小学": Education.PRIMARY,
    "小学及以下": Education.PRIMARY,
    "文盲": Education.PRIMARY,
}
HEADER = ["序号", "姓名", "性别", "身份证号码", "出生日期", "政治面貌", "学历"]
WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "xls": write_xls}


def _number(i: int, sex: str = "M", born: dt.date = BORN) -> str:
    return make_id_number("530721", born, sex, serial=20_000 + i)


def _write(kind: str, tmp_path: Path, rows: list[list[object]]) -> Path:
    return WRITERS[kind](tmp_path / f"名册.{kind}", rows)  # type: ignore[operator]


def _import(path: Path, world):  # type: ignore[no-untyped-def]
    return run_import(path=path, org=world.union_a, actor=world.cadre_a)


def _stored(number: str) -> Member:
    return Member.objects.get(id_hmac=id_hmac(number))


def _roster(political: list[str], education: list[str], birth_cell) -> list[list[object]]:  # type: ignore[no-untyped-def]
    n = max(len(political), len(education))
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        number = _number(i, "MF"[i % 2])
        rows.append(
            [
                i + 1,
                f"会员{hanzi_number(i)}",
                "男" if i % 2 == 0 else "女",
                number,
                birth_cell(i),
                political[i % len(political)],
                education[i % len(education)],
            ]
        )
    return rows


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_every_political_status_and_education_word_is_kept_as_the_roster_says(world, tmp_path, kind):
    political, education = list(POLITICAL_WORDS), list(EDUCATION_WORDS)
    # the birth date column in the forms rosters carry it: a real date cell, 1986年7月9日, 1986.7.9, 19860709
    forms = [BORN, "1986年7月9日", "1986.7.9", "19860709", "1986/07/09"]
    rows = _roster(political, education, lambda i: forms[i % len(forms)] if kind != "csv" or i % 5 else "1986-07-09")
    result = _import(_write(kind, tmp_path, rows), world)
    assert result.errors == [] and result.accepted == len(rows) - 1
    for i, row in enumerate(rows[1:]):
        m = _stored(str(row[3]))
        assert m.political_status == POLITICAL_WORDS[political[i % len(political)]], row
        assert m.education == EDUCATION_WORDS[education[i % len(education)]], row
        assert m.birth_date == BORN
    stored = set(Member.objects.filter(org=world.union_a).values_list("political_status", flat=True))
    assert {str(v) for v in PoliticalStatus.values if v != "democratic"} <= stored  # all 13
    # 无党派人士 and 群众 are two values, 中专 and 高中 too: nothing folded into a neighbour
    assert _stored(str(rows[1 + political.index("无党派")][3])).political_status == "nonparty"
    assert _stored(str(rows[1 + education.index("中专")][3])).education == "vocational"
    assert _stored(str(rows[1 + education.index("高中")][3])).education == "high_school"


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_a_birth_date_that_contradicts_the_id_number_names_its_row_and_column(world, tmp_path, kind):
    rows: list[list[object]] = [
        HEADER,
        [1, "甲", "男", _number(0), dt.date(1986, 7, 9) if kind != "csv" else "1986-07-09", "群众", "本科"],
        [2, "乙", "男", _number(2), dt.date(1986, 7, 10) if kind != "csv" else "1986年7月10日", "群众", "本科"],
        [3, "丙", "女", _number(3, "F"), "1987.7.9", "党员", "大专"],
        [4, "丁", "男", _number(4), "", "团员", "高中"],  # no birth date: nothing to contradict
    ]
    before = Member.objects.count()
    result = _import(_write(kind, tmp_path, rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(3, "出生日期"), (4, "出生日期")]
    assert "1986年7月10日" in result.errors[0].message and "1986年7月9日" in result.errors[0].message
    assert "与身份证号不符" in result.errors[1].message
    assert result.accepted == 0 and Member.objects.count() == before  # all or nothing


def test_birth_year_and_month_column_is_compared_by_month(world, tmp_path):
    header = ["姓名", "身份证号", "出生年月"]
    rows = [header, ["甲", _number(0), "1986.07"], ["乙", _number(2), "1986年7月"], ["丙", _number(4), "1986-08"]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(4, "出生年月")]
    assert "1986年8月" in result.errors[0].message


def test_a_sex_that_contradicts_the_id_number_is_refused_beside_a_wrong_birth_date(world, tmp_path):
    rows = [HEADER, [1, "甲", "女", _number(0), "1990-01-01", "群众", "本科"]]
    result = _import(write_xlsx(tmp_path / "r.xlsx", rows), world)
    assert sorted(e.column for e in result.errors) == ["出生日期", "性别"]  # both said at once


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_unknown_and_ambiguous_words_are_refused_with_what_is_allowed(world, tmp_path, kind):
    rows: list[list[object]] = [
        HEADER,
        [1, "甲", "男", _number(0), "", "外星人", "本科"],
        [2, "乙", "男", _number(2), "", "无", "本科"],
        [3, "丙", "男", _number(4), "", "群众", "大学"],
        [4, "丁", "男", _number(6), "", "群众", "留学"],
    ]
    result = _import(_write(kind, tmp_path, rows), world)
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert set(errors) == {(2, "政治面貌"), (3, "政治面貌"), (4, "学历"), (5, "学历")}
    allowed = [str(label) for value, label in PoliticalStatus.choices if value != "democratic"]
    assert len(allowed) == 13 and all(label in errors[(2, "政治面貌")] for label in allowed)
    assert "外星人" in errors[(2, "政治面貌")]
    assert "群众" in errors[(3, "政治面貌")] and "无党派人士" in errors[(3, "政治面貌")]
    assert "大学本科" in errors[(4, "学历")] and "大学专科" in errors[(4, "学历")]
    assert "留学" in errors[(5, "学历")] and "中专" in errors[(5, "学历")] and "高中" in errors[(5, "学历")]
    assert result.accepted == 0


def test_names_with_emoji_or_symbols_name_the_character(world, tmp_path):
    rows = [["姓名", "身份证号"], ["张三😀", _number(0)], ["李#四", _number(2)], ["阿依古丽·买买提", _number(4)]]
    result = _import(write_csv(tmp_path / "r.csv", rows), world)
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名"), (3, "姓名")]
    assert "😀" in result.errors[0].message and "#" in result.errors[1].message


# --- the same rules in the member form and the API ------------------------------------------------------


def test_member_edit_form_and_api_take_the_same_words(client, world):
    m = world.member_a
    client.force_login(world.city_admin)
    from gonghui.accounts.services import token_create

    _token, secret = token_create(user=world.city_admin, name="测试", actor=world.city_admin)
    api = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "content_type": "application/json"}
    r = client.patch(f"/api/members/{m.pk}", json.dumps({"version": m.version, "political_status": "无党派"}), **api)
    assert r.status_code == 200 and r.json()["political_status"] == "nonparty"
    r = client.patch(f"/api/members/{m.pk}", json.dumps({"version": m.version + 1, "education": "中专"}), **api)
    assert r.status_code == 200 and r.json()["education"] == "vocational"
    before = AuditEvent.objects.count()
    r = client.patch(f"/api/members/{m.pk}", json.dumps({"version": m.version + 2, "political_status": "无"}), **api)
    assert r.status_code in (400, 422) and r.json()["field"] == "political_status"
    assert "无党派人士" in r.json()["detail"]
    assert AuditEvent.objects.count() == before
    m.refresh_from_db()
    assert (m.political_status, m.education) == ("nonparty", "vocational")
    # the edit form offers the 13 values, and 中专 and 高中 apart
    html = client.get(reverse("members:edit", args=[m.pk])).content.decode()
    for label in ("民革党员", "九三学社社员", "无党派人士", "群众", "中专", "高中", "技校", "职业高中", "博士研究生"):
        assert f">{label}</option>" in html
    assert "未细分" not in html and "未注明党派" not in html  # legacy values only for records holding them


def test_a_record_holding_a_legacy_value_keeps_it_selectable(client, world):
    m = world.member_a
    Member.objects.filter(pk=m.pk).update(education="senior", political_status="democratic")
    client.force_login(world.cadre_a)
    html = client.get(reverse("members:edit", args=[m.pk])).content.decode()
    assert "高中/中专/技校（旧数据，未细分）" in html and "民主党派（未注明党派）" in html
    m.refresh_from_db()
    data = {
        "version": m.version,
        "name": m.name,
        "mobile": m.mobile,
        "ethnicity": m.ethnicity,
        "education": "senior",
        "political_status": "democratic",
        "employer": "改过，带全角逗号",
    }
    assert client.post(reverse("members:edit", args=[m.pk]), data).status_code == 302
    m.refresh_from_db()
    assert (m.education, m.political_status, m.employer) == ("senior", "democratic", "改过，带全角逗号")


def test_one_length_limit_per_field_in_widget_help_and_check(client, world):
    m = world.member_a
    client.force_login(world.cadre_a)
    html = client.get(reverse("members:edit", args=[m.pk])).content.decode()
    assert re.search(r'name="name"[^>]*maxlength="50"', html) and re.search(
        r'name="employer"[^>]*maxlength="120"', html
    )
    assert "最多 50 字" in html and "最多 120 字" in html
    data = {"version": m.version, "name": m.name, "employer": "酒" * 121}
    resp = client.post(reverse("members:edit", args=[m.pk]), data)
    assert resp.status_code == 200 and "工作单位太长：最多 120 字，现有 121 字" in resp.content.decode()
    m.refresh_from_db()
    assert m.employer == ""  # refused, not cut to 120
    # the service refuses the same (an import row, the API): never cut silently
    from gonghui.core.errors import DomainError
    from gonghui.members.services import clean_profile

    with pytest.raises(DomainError) as exc:
        clean_profile({"employer": "酒" * 121})
    assert exc.value.field == "employer"
    assert clean_profile({"employer": "酒" * 120})["employer"] == "酒" * 120
