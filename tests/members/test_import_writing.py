"""How an import writes: the unique blind index at database level, registered people found by the
database while writing (then listed by a checking pass), the writer thread's errors, COPY text, and the
foreign keys put back to deferred afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.core.models import AuditEvent
from gonghui.members.choices import MemberStatus
from gonghui.members.imports import run_import, runner
from gonghui.members.imports.sample import sample_id_number, write_sample_roster
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.services.bulk import _escape, _text
from gonghui.members.services.identity import name_initials
from tests.data.roster.builders import hanzi_number, write_csv
from tests.factories import make_member

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号码", "工作单位"]


@pytest.fixture
def batch_size(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(runner, "BATCH_SIZE", 50)
    return 50


def _members(org: Any) -> int:
    return Member.objects.filter(org=org).count()


def test_the_database_refuses_a_second_member_with_the_same_blind_index(world):
    existing = world.member_a
    twin = Member(
        name="另一人",
        id_cipher=existing.id_cipher,
        id_hmac=existing.id_hmac,
        id_masked=existing.id_masked,
        birth_date=existing.birth_date,
        sex=existing.sex,
        org=world.union_b,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Member.objects.filter(id_hmac=existing.id_hmac).count() == 1


def test_a_registered_person_in_a_later_batch_is_listed_and_nothing_is_kept(world, tmp_path, batch_size):
    n = batch_size * 3
    registered = make_member(world.union_b, "已登记", id_number=sample_id_number(900_000 + n - 5))
    path = write_sample_roster(tmp_path / "r.csv", n, start=900_000)
    before_events = MembershipEvent.objects.count()

    result = run_import(path=path, org=world.union_a, actor=world.cadre_a)

    assert result.accepted == 0
    row = n - 5 + 3  # title row, header row, then the rows counted from 1
    assert [(e.row, e.column) for e in result.errors] == [(row, "公民身份号码")]
    assert world.union_b.name not in result.errors[0].message  # cadre_a may not see union_b: masked
    assert "已登记为会员" in result.errors[0].message
    assert _members(world.union_a) == 1
    assert MembershipEvent.objects.count() == before_events
    assert not AuditEvent.objects.filter(action__startswith="member.import").exists()
    assert Member.objects.get(pk=registered.pk).org == world.union_b


def test_a_bad_row_and_a_registered_person_after_it_are_both_listed(world, tmp_path, batch_size):
    n = batch_size * 3
    make_member(world.union_b, "已登记", id_number=sample_id_number(910_000 + n - 1))
    path = write_sample_roster(tmp_path / "r.csv", n, start=910_000)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")  # the second data row
    cells[3] = cells[3][:-1] + ("1" if cells[3][-1] != "1" else "2")  # wrong check digit
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    result = run_import(path=path, org=world.union_a, actor=None)

    assert result.accepted == 0
    assert [e.row for e in result.errors] == [4, n + 2]
    assert "校验位" in result.errors[0].message
    assert world.union_b.name in result.errors[1].message  # an operator (actor None) sees every union
    assert _members(world.union_a) == 1


def test_a_clash_that_is_gone_on_the_checking_pass_is_reported_as_a_race(world, tmp_path, monkeypatch):
    def clash(**kwargs: Any) -> list[int]:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(runner, "members_write_prepared", clash)
    monkeypatch.setattr(runner, "members_bulk_insert", clash)
    path = write_sample_roster(tmp_path / "r.csv", 5, start=920_000)
    result = run_import(path=path, org=world.union_a, actor=world.cadre_a)
    assert result.accepted == 0
    assert [e.row for e in result.errors] == [0]
    assert "同时登记" in result.errors[0].message
    assert _members(world.union_a) == 1


def test_an_error_while_writing_comes_out_of_run_import_and_nothing_is_kept(world, tmp_path, monkeypatch, batch_size):
    calls: list[int] = []
    real_prepared, real_bulk = runner.members_write_prepared, runner.members_bulk_insert

    def broken_second_batch(real: Any) -> Any:
        def write(**kwargs: Any) -> list[int]:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return real(**kwargs)  # type: ignore[no-any-return]

        return write

    monkeypatch.setattr(runner, "members_write_prepared", broken_second_batch(real_prepared))
    monkeypatch.setattr(runner, "members_bulk_insert", broken_second_batch(real_bulk))
    path = write_sample_roster(tmp_path / "r.csv", batch_size * 5, start=930_000)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(path=path, org=world.union_a, actor=world.cadre_a)
    assert len(calls) == 2  # the writer stopped at the failure, the scan did not hang
    assert _members(world.union_a) == 1
    assert not AuditEvent.objects.filter(action__startswith="member.import").exists()


def test_text_with_backslashes_and_symbols_is_stored_exactly(world, tmp_path, batch_size):
    employers = ["C:\\工会\\名册", "某公司\\N", "A\\tB 有限公司", "“引号”, 逗号"]
    rows = [HEADER]
    for i, employer in enumerate(employers):
        rows.append([f"阿依·买买提{hanzi_number(i)}", sample_id_number(940_000 + i), f"1390000000{i}", employer])
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert result.errors == [] and result.accepted == len(employers)
    stored = list(
        Member.objects.filter(org=world.union_a, name__startswith="阿依")
        .order_by("name")
        .values_list("name", "employer", "status", "version", "name_initials")
    )
    assert stored == [
        (
            f"阿依·买买提{hanzi_number(i)}",
            employer,
            MemberStatus.ACTIVE,
            1,
            name_initials(f"阿依·买买提{hanzi_number(i)}"),
        )
        for i, employer in enumerate(employers)
    ]
    member = Member.objects.get(name="阿依·买买提丁")
    assert member.created_at is not None and member.updated_at is not None
    event = member.events.get()
    assert (event.kind, event.to_org_id, event.from_org_id, event.actor_id) == (
        "imported",
        world.union_a.pk,
        None,
        world.cadre_a.pk,
    )


def test_copy_text_values():
    assert _escape("plain 文本") == "plain 文本"
    assert _escape("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
    assert _text(None) == "\\N"
    assert (_text(True), _text(False)) == ("t", "f")
    assert _text(12) == "12"
    assert _text(dt.date(2016, 3, 8)) == "2016-03-08"
    assert _text(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)) == "2026-01-02T03:04:05+00:00"
    assert _text(MemberStatus.ACTIVE) == "active"
    with pytest.raises(TypeError):
        _text(1.5)


@pytest.mark.postgres_only
def test_foreign_keys_are_deferred_again_after_an_import(world, tmp_path, batch_size):
    path = write_sample_roster(tmp_path / "r.csv", batch_size * 2, start=950_000)
    assert run_import(path=path, org=world.union_a, actor=world.cadre_a).accepted == batch_size * 2
    table = MembershipEvent._meta.db_table
    with connection.cursor() as cursor:
        # A deferred key is checked at commit, so this row is accepted for now; an immediate one would refuse
        # it at once. (Taken out again before the test's own end-of-test constraint check.)
        cursor.execute(
            f"INSERT INTO {table} (member_id, kind, reason, at) VALUES (%s, 'joined', '', now()) RETURNING id",
            [-1],
        )
        orphan = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [orphan])
