"""`gonghui voice-cluster`: real files in tmp_path, good and bad; bad input writes nothing."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
command_module = importlib.import_module("gonghui.voice.management.commands.voice-cluster")

TEXTS = [
    "工地包工头跑路了，我们二十几个人的工资没人管",
    "老板拖欠工资三个月了，说下个月发，一直不发",
    "干了半年的工钱到现在还没结，包工头电话也不接",
    "年底了工资还拖着不发，家里等着钱过年",
    "食堂饭菜太贵，一份青菜要八块钱",
    "职工食堂的菜天天都是土豆白菜，饭菜太差",
    "食堂的饭菜又贵又难吃，希望工会跟食堂谈谈",
    "食堂打饭的量太少，饭菜价格还涨了",
    "工地包工头跑路了，我们二十几个人的工资没人管",
    "asdfghjkl",
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    lines = [",".join(f'"{c}"' if "," in c or "，" in c else c for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def table(with_ids: bool = True) -> list[list[str]]:
    header = ["编号", "诉求内容", "工会", "日期"] if with_ids else ["诉求内容", "工会", "日期"]
    rows = [header]
    for i, t in enumerate(TEXTS, start=1):
        row = [t, f"U{i % 3}", f"2026-05-{i:02d}"]
        rows.append([f"A{i:03d}", *row] if with_ids else row)
    return rows


def run(src: Path, out: Path, *extra: str) -> dict:
    call_command("voice-cluster", str(src), "--text-column", "诉求内容", "--output", str(out), *extra, verbosity=0)
    return json.loads(out.read_text(encoding="utf-8"))


def test_csv_with_ids_unions_and_dates(tmp_path: Path):
    out = tmp_path / "out.json"
    got = run(
        write_csv(tmp_path / "in.csv", table()),
        out,
        "--id-column",
        "编号",
        "--union-column",
        "工会",
        "--date-column",
        "日期",
    )
    assert set(got) == {"issues", "noise", "duplicates"}
    every = sorted([m for i in got["issues"] for m in i["members"]] + got["noise"])
    assert every == [f"A{i:03d}" for i in range(1, len(TEXTS) + 1)]
    assert ["A001", "A009"] in got["duplicates"]
    assert "A010" in got["noise"]
    assert any("食堂" in i["keywords"] for i in got["issues"])
    assert all(i["strength"]["distinct_unions"] >= 1 for i in got["issues"])
    assert sum(i["strength"]["recent"] for i in got["issues"]) >= 8  # dates were read (as_of = latest)
    raw = out.read_text(encoding="utf-8")
    assert "食堂" in raw  # ensure_ascii=False
    assert not list(tmp_path.glob(".out.json.*"))  # no temporary file left behind


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_without_id_column_ids_are_data_row_numbers_and_encodings_are_detected(tmp_path: Path, encoding: str):
    got = run(write_csv(tmp_path / "in.csv", table(with_ids=False), encoding), tmp_path / "out.json")
    every = sorted((m for i in got["issues"] for m in i["members"]), key=int)
    assert set(every) | set(got["noise"]) == {str(i) for i in range(1, len(TEXTS) + 1)}
    assert ["1", "9"] in got["duplicates"]


def test_xlsx(tmp_path: Path):
    src = tmp_path / "in.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    for r, row in enumerate(table()):
        ws.write_row(r, 0, row)
    wb.close()
    got = run(src, tmp_path / "out.json", "--id-column", "编号")
    assert "A010" in got["noise"] and ["A001", "A009"] in got["duplicates"]


def test_blank_texts_are_skipped(tmp_path: Path):
    rows = table(with_ids=False)
    rows.insert(3, ["", "U1", "2026-05-01"])
    got = run(write_csv(tmp_path / "in.csv", rows), tmp_path / "out.json")
    every = {m for i in got["issues"] for m in i["members"]} | set(got["noise"])
    assert "3" not in every and len(every) == len(TEXTS)


def assert_refused(src: Path, out: Path, *needles: str, args: tuple[str, ...] = ()) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("voice-cluster", str(src), "--text-column", "诉求内容", "--output", str(out), *args, verbosity=0)
    message = str(caught.value)
    for needle in needles:
        assert needle in message, message
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*"))


def test_missing_column_is_named_with_the_columns_found(tmp_path: Path):
    src = write_csv(tmp_path / "in.csv", [["内容", "工会"], ["食堂饭菜太贵", "U1"]])
    assert_refused(src, tmp_path / "out.json", "“诉求内容”", "“内容”", "“工会”")


def test_missing_optional_column_is_named(tmp_path: Path):
    src = write_csv(tmp_path / "in.csv", table())
    assert_refused(src, tmp_path / "out.json", "“提交人”", args=("--submitter-column", "提交人"))


def test_empty_file(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"")
    assert_refused(src, tmp_path / "out.json", "空")


def test_header_only_and_blank_texts_mean_nothing_to_analyse(tmp_path: Path):
    src = write_csv(tmp_path / "in.csv", [["诉求内容", "工会"], ["", "U1"], ["  ", "U2"]])
    assert_refused(src, tmp_path / "out.json", "“诉求内容”列没有任何非空内容")


def test_binary_junk_is_an_unknown_encoding(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_bytes(bytes(range(256)) * 50)
    assert_refused(src, tmp_path / "out.json", "编码")


def test_a_cell_over_10_mb_names_its_row(tmp_path: Path):
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8") as fh:
        fh.write("诉求内容,工会\n食堂饭菜太贵,U1\n")
        fh.write("工资" * (5 * 2**20 + 10) + ",U2\n")
    assert_refused(src, tmp_path / "out.json", "第 3 行", "10 MB")


def test_a_cell_over_10_mb_in_a_spreadsheet_names_row_and_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(command_module, "MAX_CELL_BYTES", 1000)  # an .xlsx cell cannot hold 10 MB
    src = tmp_path / "in.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["诉求内容", "工会"])
    ws.write_row(1, 0, ["食堂饭菜太贵", "U1"])
    ws.write_row(2, 0, ["工资" * 600, "U2"])
    wb.close()
    assert_refused(src, tmp_path / "out.json", "第 3 行", "“诉求内容”列")


def test_a_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(command_module.MAX_FILE_BYTES, "csv", 100)
    src = write_csv(tmp_path / "in.csv", table())
    assert_refused(src, tmp_path / "out.json", "文件太大")


def test_duplicate_ids_and_bad_dates_name_the_row(tmp_path: Path):
    rows = table()
    rows[4][0] = rows[2][0]
    assert_refused(
        write_csv(tmp_path / "a.csv", rows), tmp_path / "a.json", "第 5 行", "第 3 行", args=("--id-column", "编号")
    )
    rows = table()
    rows[6][3] = "上个月"
    assert_refused(
        write_csv(tmp_path / "b.csv", rows), tmp_path / "b.json", "第 7 行", "“日期”", args=("--date-column", "日期")
    )


def test_not_a_spreadsheet_and_missing_input(tmp_path: Path):
    src = tmp_path / "in.xlsx"
    src.write_text("这不是表格", encoding="utf-8")
    assert_refused(src, tmp_path / "out.json", "Excel")
    assert_refused(tmp_path / "nope.csv", tmp_path / "out.json", "找不到")


def test_an_existing_output_survives_a_failed_run(tmp_path: Path):
    out = tmp_path / "out.json"
    out.write_text("{}", encoding="utf-8")
    src = write_csv(tmp_path / "in.csv", [["内容"], ["食堂饭菜太贵"]])
    with pytest.raises(CommandError):
        call_command("voice-cluster", str(src), "--text-column", "诉求内容", "--output", str(out), verbosity=0)
    assert out.read_text(encoding="utf-8") == "{}"


@pytest.mark.slow
def test_console_script_exit_code_and_message(tmp_path: Path):
    src = write_csv(tmp_path / "in.csv", [["内容"], ["食堂饭菜太贵"]])
    out = tmp_path / "out.json"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gonghui.settings.test"}
    bad = subprocess.run(
        [sys.executable, "-m", "gonghui", "voice-cluster", str(src), "--text-column", "诉求内容", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
    assert "“诉求内容”" in bad.stderr and "“内容”" in bad.stderr
    assert not out.exists()
    good = subprocess.run(
        [sys.executable, "-m", "gonghui", "voice-cluster", str(src), "--text-column", "内容", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["issues"][0]["members"] == ["1"]
