"""Roster import rules: all or nothing, duplicates, permissions, audit, progress, batches."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.crypto import decrypt
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import AuditEvent
from gonghui.members.imports import run_import, runner
from gonghui.members.imports.sample import write_sample_roster
from gonghui.members.models import Member, MembershipEvent
from tests.data.roster.builders import hanzi_number, write_csv
from tests.factories import make_id_number, make_org

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号码"]


def _ids(n: int, start: int = 30_000) -> list[str]:
    return [make_id_number("530721", dt.date(1979, 6, 1), "MF"[i % 2], serial=start + i) for i in range(n)]


def _count(world) -> int:  # type: ignore[no-untyped-def]
    return Member.objects.filter(org=world.union_a).count()


@pytest.fixture
def batch_size(monkeypatch: pytest.MonkeyPatch) -> int:
    """Small batches, so a few hundred rows take the many-batch paths (threaded writer, per-batch audit)."""
    monkeypatch.setattr(runner, "BATCH_SIZE", 400)
    return 400


def test_one_bad_row_means_nothing_is_written_and_every_bad_row_is_listed(world, tmp_path):
    ids = _ids(6)
    rows = [
        HEADER,
        ["甲", ids[0], "13900000001"],
        ["乙", ids[1][:-1] + ("1" if ids[1][-1] != "1" else "2"), "13900000002"],  # checksum
        ["丙", ids[2], "1390000"],  # mobile
        ["丁", ids[3], ""],
        ["", ids[4], ""],  # name
        ["己", ids[5], ""],
    ]
    before_members, before_events = _count(world), MembershipEvent.objects.count()
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert result.accepted == 0 and not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号"), (4, "手机号码"), (6, "姓名")]
    assert all(e.message for e in result.errors)
    assert _count(world) == before_members
    assert MembershipEvent.objects.count() == before_events
    assert not AuditEvent.objects.filter(action="member.import").exists()


def test_one_row_with_several_problems_lists_each(world, tmp_path):
    number = _ids(1)[0]
    rows = [["姓名", "身份证号", "手机号码", "民族", "性别"], ["", number, "12", "火星", "未知"]]
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert sorted(e.column for e in result.errors) == ["姓名", "性别", "手机号码", "民族"]


def test_duplicate_inside_the_file_names_both_rows(world, tmp_path):
    a, b = _ids(2)
    rows = [HEADER, ["甲", a, ""], ["乙", b, ""], ["甲", a.lower(), ""]]
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert len(result.errors) == 1
    e = result.errors[0]
    assert (e.row, e.column) == (4, "身份证号")
    assert "第2行" in e.message and "第4行" in e.message
    assert _count(world) == 1


def _member_b_id(world) -> str:  # type: ignore[no-untyped-def]
    return decrypt(world.member_b.id_cipher, context=b"id_number")


def test_duplicate_against_platform_masks_a_union_the_importer_cannot_see(world, tmp_path):
    rows = [HEADER, ["甲", _ids(1)[0], ""], ["李永福", _member_b_id(world), ""]]
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号")]
    message = result.errors[0].message
    assert "已登记为会员" in message
    assert "永胜**电站工会" in message and "永胜县水电站工会" not in message
    assert _count(world) == 1


def test_duplicate_against_platform_names_the_union_for_who_may_see_it(world, tmp_path):
    rows = [HEADER, ["李永福", _member_b_id(world), ""]]
    path = write_csv(tmp_path / "r.csv", rows)
    for actor in (world.city_admin, None):
        result = run_import(path=path, org=world.union_a, actor=actor)
        assert "永胜县水电站工会" in result.errors[0].message


def test_duplicate_of_a_member_in_the_same_union(world, tmp_path):
    number = decrypt(world.member_a.id_cipher, context=b"id_number")
    result = run_import(
        path=write_csv(tmp_path / "r.csv", [HEADER, ["木丽华", number, ""]]), org=world.union_a, actor=world.cadre_a
    )
    assert "古城区某酒店工会" in result.errors[0].message


def test_cadre_of_another_union_cannot_import_and_nothing_changes(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1)[0], ""]])
    for actor in (world.cadre_b, world.worker, world.leader):
        with pytest.raises(NotFound):
            run_import(path=path, org=world.union_a, actor=actor)
        with pytest.raises(NotFound):
            run_import(path=path, org=world.union_a, actor=actor, dry_run=True)
    assert _count(world) == 1


def test_import_goes_to_a_grassroots_union_only(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1)[0], ""]])
    with pytest.raises(DomainError, match="基层工会"):
        run_import(path=path, org=world.county_a, actor=world.county_cadre_a)
    group = make_org(world.union_a, "group", "前厅工会小组")
    assert run_import(path=path, org=group, actor=world.cadre_a).accepted == 1


def test_county_cadre_may_import_into_a_union_below(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1)[0], ""]])
    assert run_import(path=path, org=world.union_a2, actor=world.county_cadre_a).accepted == 1


def test_dry_run_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *[[f"甲{hanzi_number(i)}", n, ""] for i, n in enumerate(_ids(5))]])
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a, dry_run=True)
    assert (result.accepted, result.errors, result.dry_run) == (5, [], True)
    assert _count(world) == 1
    assert not AuditEvent.objects.filter(action__startswith="member.import").exists()


def test_import_is_audited_without_id_numbers(world, tmp_path):
    ids = _ids(3)
    path = write_csv(tmp_path / "名册.csv", [HEADER, *[[f"甲{hanzi_number(i)}", n, ""] for i, n in enumerate(ids)]])
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a)
    assert result.accepted == 3
    event = AuditEvent.objects.get(action="member.import")
    assert event.actor == world.cadre_a and event.org_id_snapshot == world.union_a.pk
    assert event.after == {"file": "名册.csv", "accepted": 3, "header_row": 1}
    batch = AuditEvent.objects.get(action="member.import_batch")
    assert len(batch.after["member_ids"]) == 3
    dump = str(list(AuditEvent.objects.values()))
    assert not any(n in dump for n in ids)


def test_to_json_shape(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", "123", ""]])
    data = run_import(path=path, org=world.union_a, actor=world.cadre_a).to_json()
    assert set(data) == {"accepted", "errors"}
    assert data["accepted"] == 0
    assert data["errors"] == [{"row": 2, "column": "身份证号", "message": data["errors"][0]["message"]}]


def test_many_batches_all_or_nothing_and_progress(world, tmp_path, batch_size):
    n = batch_size * 2 + 300
    path = write_sample_roster(tmp_path / "big.csv", n, start=700_000)
    calls: list[tuple[int, int]] = []
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a, progress=lambda d, t: calls.append((d, t)))
    assert result.errors == [] and result.accepted == n
    assert _count(world) == n + 1
    assert calls and calls[-1][0] == calls[-1][1] == n + 2  # title + header + n rows
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert AuditEvent.objects.filter(action="member.import_batch").count() == 3

    # the same people again plus one new person at the very end: refused, the new one not written
    again = write_sample_roster(tmp_path / "again.csv", n + 1, start=700_000)
    result = run_import(path=again, org=world.union_a2, actor=world.county_cadre_a)
    assert result.accepted == 0 and len(result.errors) == n
    assert result.errors[0].row == 3 and result.errors[-1].row == n + 2
    assert Member.objects.filter(org=world.union_a2).count() == 0


def test_a_bad_row_in_a_later_batch_rolls_back_earlier_batches(world, tmp_path, batch_size):
    n = batch_size + 10
    path = write_sample_roster(tmp_path / "big.csv", n, start=800_000)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("999,坏行,男,123,汉族,13900000000,初中,群众,某单位,2016-12-12,否,否\n")
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a)
    assert [e.row for e in result.errors] == [n + 3]
    assert _count(world) == 1
