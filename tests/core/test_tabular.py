"""core.tabular: the one reader (types, encodings, title rows, header aliases, caps), the bounded error
list, and the upload saver (encrypted at rest, 0600, refused files leave nothing behind)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.tabular.errors import ErrorList, RowError, TabularFileError
from gonghui.core.tabular.headers import HeaderSpec, find_header, header_key
from gonghui.core.tabular.limits import Limits
from gonghui.core.tabular.reader import count_rows, iter_rows, open_table
from gonghui.core.tabular.uploads import MAGIC, delete_upload, plain_copy, save_upload
from tests.data.roster.builders import write_csv, write_xls, write_xlsx

SPEC = HeaderSpec(
    aliases={"name": ("姓名", "职工姓名"), "id_number": ("身份证号", "公民身份号码"), "note": ("备注",)},
    labels={"name": "姓名", "id_number": "身份证号", "note": "备注"},
    required=("name", "id_number"),
)
ROWS = [
    ["某某工会会员名册"],
    [],
    ["＊姓名：", "公民身份号码(必填)", "备注"],
    ["和丽华", "53070219900101001X", "一、二"],
]


def _read(path: Path, limits: Limits | None = None) -> list[tuple[int, list[object]]]:
    table = open_table(path, limits=limits or Limits())
    return [(n, [c for c in cells]) for n, cells in iter_rows(table)]


def _header(path: Path):  # type: ignore[no-untyped-def]
    rows = iter_rows(open_table(path))
    return find_header(rows, SPEC), list(rows)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_read_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", ROWS, encoding=encoding)
    (header, problems), rest = _header(path)
    assert problems == [] and header is not None and header.row == 3
    assert header.index == {"name": 0, "id_number": 1, "note": 2}
    assert header.labels["id_number"] == "公民身份号码(必填)"
    assert rest == [(4, ["和丽华", "53070219900101001X", "一、二"])]


@pytest.mark.parametrize("writer,suffix", [(write_xlsx, ".xlsx"), (write_xls, ".xls")])
def test_workbooks_find_the_header_under_title_rows(tmp_path, writer, suffix):
    path = writer(tmp_path / f"r{suffix}", ROWS)
    (header, problems), rest = _header(path)
    assert problems == [] and header is not None and header.row == 3
    assert [(n, cells[:3]) for n, cells in rest] == [(4, ["和丽华", "53070219900101001X", "一、二"])]


def test_header_key_ignores_stars_notes_and_full_width():
    assert header_key("＊身份证号码：") == "身份证号码"
    assert header_key("农民工（是/否）") == "农民工"
    assert header_key(" 姓 名 ") == "姓名"


def test_missing_required_column_names_it_with_its_aliases(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "备注"], ["和丽华", ""]])
    (header, problems), _ = _header(path)
    assert header is None
    (problem,) = problems
    assert problem.row == 1 and problem.column == "身份证号"
    assert "“身份证号”" in problem.message and "公民身份号码" in problem.message and "“姓名”" in problem.message


def test_duplicate_header_column_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "身份证号", "职工姓名"], ["和丽华", "1", "x"]])
    (header, problems), _ = _header(path)
    assert header is not None and header.index["name"] == 0
    assert [(p.row, p.column) for p in problems] == [(1, "职工姓名")] and "第A列和第C列" in problems[0].message


def test_no_header_at_all_says_what_the_file_holds(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["甲", "乙"], ["1", "2"]])
    (header, problems), _ = _header(path)
    assert header is None and problems[0].row == 0 and "没有找到表头" in problems[0].message
    assert "“甲”" in problems[0].message


@pytest.mark.parametrize(
    "content,words",
    [
        ("姓名\n和丽华\n".encode("utf-16"), "UTF-16"),
        ("姓名\n和丽华\n".encode("utf-32"), "UTF-32"),
        ("姓名,身份证号\n".encode("utf-32-le"), "UTF-16 / UTF-32"),
        (b"\x81\x30\xff\xfe\xfd" * 100, "无法识别"),
        (b"", "空的"),
    ],
)
def test_unknown_encodings_and_empty_files_are_refused_with_a_message(tmp_path, content, words):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(TabularFileError) as refused:
        _read(path)
    assert words in refused.value.message and refused.value.field == "file"


def test_a_gbk_file_that_changes_encoding_half_way_names_the_row(tmp_path):
    path = tmp_path / "r.csv"
    lines = ["姓名,身份证号".encode("gbk")] + [f"和丽华{i % 10},1".encode("gbk") for i in range(200_000)]
    path.write_bytes(b"\n".join(lines) + b"\n\xff\xff\xff,1\n")  # past the first megabyte the encoding is decided on
    with pytest.raises(TabularFileError) as refused:
        _read(path)
    # the text layer decodes ahead in blocks of 8 KB: the row is named as near, within a block's rows
    assert f"第{refused.value.row}行附近" in refused.value.message and 199_000 < refused.value.row <= 200_002


def test_nul_in_a_csv_cell_is_refused_naming_row_and_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("姓名,身份证号\n和丽华,1\n木\x00春梅,2\n".encode())
    with pytest.raises(TabularFileError) as refused:
        _read(path)
    assert (refused.value.row, refused.value.column_index) == (3, 0)
    assert "第3行第A列" in refused.value.message and "空字符" in refused.value.message
    assert refused.value.as_row_error(["姓名", "身份证号"]) == RowError(3, "姓名", refused.value.message)


def test_row_cap_counts_every_row(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名"]] + [[""]] * 20)
    assert len(_read(path, Limits(max_rows=21))) == 21
    with pytest.raises(TabularFileError) as refused:
        _read(path, Limits(max_rows=20))
    assert "超过 20 行" in refused.value.message
    xlsx = write_xlsx(tmp_path / "r.xlsx", [["姓名"]] + [["甲"]] * 20)
    with pytest.raises(TabularFileError):
        _read(xlsx, Limits(max_rows=20))


def test_cell_cap_and_line_cap(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名"], ["长" * 101]])
    with pytest.raises(TabularFileError) as refused:
        _read(path, Limits(max_cell_chars=100))
    assert refused.value.row == 2 and "过大" in refused.value.message
    long_line = tmp_path / "l.csv"
    long_line.write_bytes(b"a," * (1 << 20) + b"\n")
    with pytest.raises(TabularFileError) as refused:
        _read(long_line)
    assert refused.value.row == 1 and "过大" in refused.value.message


def test_file_size_cap_is_read_from_the_limits(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名"]] * 100)
    with pytest.raises(TabularFileError) as refused:
        _read(path, Limits(max_file_bytes=100))
    assert "文件太大" in refused.value.message


def test_dates_numbers_and_progress_estimate(tmp_path):
    rows = [["姓名", "入会时间", "人数"], ["甲", dt.date(2016, 12, 12), 3], ["乙", "", 1.5]]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    table = open_table(path)
    assert count_rows(table) == 3
    got = list(iter_rows(table))
    assert got[1] == (2, ["甲", dt.datetime(2016, 12, 12), 3])
    assert got[2][1][2] == 1.5
    assert count_rows(open_table(write_csv(tmp_path / "r.csv", rows))) == 3


def test_error_list_keeps_a_bound_and_counts_the_rest():
    errors = ErrorList(limit=3)
    for i in range(10, 0, -1):
        errors.add(RowError(i, "姓名", "不对"))
    assert len(errors.errors) == 3 and errors.omitted == 7 and errors.count == 10 and errors
    assert [e.row for e in errors.sorted()] == [8, 9, 10]
    assert not ErrorList()


# --- saving uploads -----------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def test_an_upload_waits_encrypted_and_unreadable_to_others(uploads, tmp_path):
    clear = "姓名,身份证号\n和丽华,53070219900101001X\n".encode() + os.urandom(3 << 20)  # several chunks
    stored, size, kind = save_upload(SimpleUploadedFile("名册.csv", clear), folder="t")
    assert (size, kind) == (len(clear), "csv")
    assert stored.parent == Path(uploads) / "t" and (stored.stat().st_mode & 0o777) == 0o600
    data = stored.read_bytes()
    assert data.startswith(MAGIC) and b"53070219900101001X" not in data
    with plain_copy(stored) as plain:
        assert plain.read_bytes() == clear and (plain.stat().st_mode & 0o777) == 0o600
        folder = plain.parent
    assert not folder.exists()  # the clear copy is gone as soon as the reading ends
    delete_upload(stored)
    assert not stored.exists()


def test_a_tampered_or_cut_upload_is_refused(uploads):
    stored, _, _ = save_upload(SimpleUploadedFile("名册.csv", b"a,b\n" * (600 << 10)), folder="t")
    data = bytearray(stored.read_bytes())
    stored.write_bytes(bytes(data[: len(data) // 2]))  # cut after the first chunk
    with pytest.raises(TabularFileError), plain_copy(stored):
        pass
    data[40] ^= 1
    stored.write_bytes(bytes(data))
    with pytest.raises(TabularFileError) as refused, plain_copy(stored):
        pass
    assert "损坏" in refused.value.message


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("名册.pdf", b"%PDF-1.4", "只能导入"),
        ("名册.xlsx", b"<html><table></table></html>", "不是真正的 Excel"),
        ("名册.csv", b"", "空的"),
    ],
)
def test_a_refused_upload_leaves_nothing_behind(uploads, name, content, words):
    with pytest.raises(TabularFileError) as refused:
        save_upload(SimpleUploadedFile(name, content), folder="t")
    assert words in refused.value.message
    folder = Path(uploads) / "t"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_upload_over_the_cap_stops_while_writing(uploads):
    class Endless:  # a client that sends more than it announced
        name = "名册.csv"
        size = 10

        def chunks(self):  # type: ignore[no-untyped-def]
            while True:
                yield b"a" * 65536

    with pytest.raises(TabularFileError) as refused:
        save_upload(Endless(), folder="t", limits=Limits(max_file_bytes=1 << 20))
    assert "文件太大" in refused.value.message and not any((Path(uploads) / "t").iterdir())
