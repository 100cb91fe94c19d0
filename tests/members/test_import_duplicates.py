"""A person listed more than once in a roster: every repeat is reported with both row numbers, however far
apart the rows are (the rows already read are kept in a temporary table, not in Python memory)."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.crypto import decrypt
from gonghui.members.imports import run_import, runner
from gonghui.members.models import Member
from tests.data.roster.builders import hanzi_number, write_csv
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号码"]


def _ids(n: int, start: int = 40_000) -> list[str]:
    """n distinct ID numbers (500 serials per birth date and sex, so the birth date moves on)."""
    return [
        make_id_number("530721", dt.date(1981, 3, 9) + dt.timedelta(days=i // 400), "MF"[i % 2], serial=start + i)
        for i in range(n)
    ]


def _repeat(first: int, row: int) -> str:
    return f"身份证号与第{first}行重复：同一人在文件中出现了两次（第{first}行和第{row}行），请删去其中一行"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 100 rows: the repeats below sit many batches apart (and some inside one batch)."""
    monkeypatch.setattr(runner, "BATCH_SIZE", 100)


def _roster(n: int) -> list[list[str]]:
    return [HEADER] + [[f"会员{hanzi_number(i)}", number, ""] for i, number in enumerate(_ids(n))]


def _errors(result) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(e.row, e.column, e.message) for e in result.errors]


@pytest.mark.parametrize("dry_run", [False, True])
def test_repeats_far_apart_and_three_copies_are_each_reported_with_the_first_row(world, tmp_path, dry_run):
    rows = _roster(900)  # file rows 2..901
    rows.append(
        [f"会员{hanzi_number(3)}", rows[4][1], ""]
    )  # row 903 (after the insert below): repeats row 5
    rows.append(["再来一次", rows[300][1].lower(), ""])  # row 904 repeats row 301
    rows.append([f"会员{hanzi_number(300)}", rows[300][1], ""])  # row 905: third copy of row 301's person
    rows.insert(
        352, [f"会员{hanzi_number(350)}", rows[350][1], ""]
    )  # row 353 repeats row 351 (same batch)
    path = write_csv(tmp_path / "r.csv", rows)
    before = Member.objects.count()
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a, dry_run=dry_run)
    assert _errors(result) == [
        (353, "身份证号", _repeat(351, 353)),
        (903, "身份证号", _repeat(5, 903)),
        (904, "身份证号", _repeat(301, 904)),
        (905, "身份证号", _repeat(301, 905)),
    ]
    assert result.accepted == 0 and not result.ok
    assert Member.objects.count() == before


def test_repeats_after_a_bad_row_are_not_taken_for_registered_members(world, tmp_path):
    """A bad row stops writing mid-file; the rows written before it must not look registered to later
    repeats of them: each repeat gets the in-file message only."""
    rows = _roster(600)
    rows[450][2] = "123"  # row 451: bad mobile, after four batches were written
    rows.append([f"会员{hanzi_number(9)}", rows[10][1], ""])  # row 602 repeats row 11 (written before the bad row)
    rows.append([f"会员{hanzi_number(9)}", rows[10][1], ""])  # row 603: third copy
    rows.append([f"会员{hanzi_number(500)}", rows[500][1], ""])  # row 604 repeats row 501 (read after the bad row)
    before = Member.objects.count()
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert [(e.row, e.column) for e in result.errors] == [
        (451, "手机号码"),
        (602, "身份证号"),
        (603, "身份证号"),
        (604, "身份证号"),
    ]
    assert _errors(result)[1:] == [
        (602, "身份证号", _repeat(11, 602)),
        (603, "身份证号", _repeat(11, 603)),
        (604, "身份证号", _repeat(501, 604)),
    ]
    assert Member.objects.count() == before


def test_a_registered_person_listed_twice_is_reported_once_as_registered_and_once_as_repeat(world, tmp_path):
    registered = decrypt(world.member_b.id_cipher, context=b"id_number")
    rows = _roster(250)
    rows[20] = ["李永福", registered, ""]  # row 21
    rows.append(["李永福", registered, ""])  # row 252
    before = Member.objects.count()
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.city_admin)
    assert [(e.row, e.column) for e in result.errors] == [(21, "身份证号"), (252, "身份证号")]
    assert "已登记为会员" in result.errors[0].message
    assert result.errors[1].message == _repeat(21, 252)
    assert Member.objects.count() == before


def test_a_clean_file_after_a_refused_one_imports_everything(world, tmp_path):
    """The temporary table of one import does not leak into the next on the same connection."""
    rows = _roster(300)
    refused = run_import(path=write_csv(tmp_path / "a.csv", [*rows, rows[1]]), org=world.union_a, actor=world.cadre_a)
    assert _errors(refused) == [(302, "身份证号", _repeat(2, 302))]
    dry = run_import(path=write_csv(tmp_path / "b.csv", rows), org=world.union_a, actor=world.cadre_a, dry_run=True)
    assert dry.ok and dry.accepted == 300
    done = run_import(path=write_csv(tmp_path / "b.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert done.ok and done.accepted == 300
