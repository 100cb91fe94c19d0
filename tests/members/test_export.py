"""Roster export: scoped, masked unless revealed by who may, formulas neutralised, audited."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gonghui.accounts import scope as scope_module
from gonghui.accounts.models import Role, User
from gonghui.accounts.scope import Action
from gonghui.core.crypto import decrypt
from gonghui.core.errors import NotFound
from gonghui.core.models import AuditEvent
from gonghui.members.exports import export_roster_xlsx
from gonghui.members.imports import run_import
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _export(actor, org, reveal=False):  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    count = export_roster_xlsx(actor=actor, org=org, out=out, reveal=reveal)
    out.seek(0)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    return count, ws


def _rows(ws):  # type: ignore[no-untyped-def]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def test_masked_export_of_a_union(world):
    count, ws = _export(world.cadre_a, world.union_a)
    assert count == 1
    assert ws.cell(1, 1).value == "古城区某酒店工会会员名册"
    assert "和建国" in ws.cell(2, 1).value and "隐去" in ws.cell(2, 1).value
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "姓名", "性别", "身份证号"]
    (row,) = _rows(ws)
    full = decrypt(world.member_a.id_cipher, context=b"id_number")
    assert row[1] == "木丽华" and row[3] == world.member_a.id_masked and row[3] != full
    assert "*" in row[3]
    assert row[5] == "纳西族" and row[6] == "13987000001" and row[12] == "在会"
    event = AuditEvent.objects.get(action="member.export")
    assert event.actor == world.cadre_a and event.org_id_snapshot == world.union_a.pk
    assert event.after == {"org": world.union_a.code, "count": 1, "revealed": False, "format": "xlsx"}
    assert not AuditEvent.objects.filter(action="member.reveal_id").exists()


def test_revealed_export_shows_full_numbers_and_is_audited_as_a_reveal(world):
    _, ws = _export(world.cadre_a, world.union_a, reveal=True)
    (row,) = _rows(ws)
    assert row[3] == decrypt(world.member_a.id_cipher, context=b"id_number")
    assert "完整身份证号" in ws.cell(2, 1).value
    assert AuditEvent.objects.get(action="member.export").after["revealed"] is True
    reveal = AuditEvent.objects.get(action="member.reveal_id")
    assert reveal.after == {"count": 1, "via": "roster_export"} and reveal.actor == world.cadre_a
    assert row[3] not in str(list(AuditEvent.objects.values()))


def test_reveal_without_the_right_stays_masked(world, monkeypatch):
    limited = dict(scope_module.ROLE_ACTIONS)
    limited[Role.GRASSROOTS_CADRE] = frozenset(limited[Role.GRASSROOTS_CADRE] - {Action.REVEAL})
    monkeypatch.setattr(scope_module, "ROLE_ACTIONS", limited)
    cadre = User.objects.get(pk=world.cadre_a.pk)  # fresh object: no cached scope
    _, ws = _export(cadre, world.union_a, reveal=True)
    assert _rows(ws)[0][3] == world.member_a.id_masked
    assert AuditEvent.objects.get(action="member.export").after["revealed"] is False
    assert not AuditEvent.objects.filter(action="member.reveal_id").exists()


@pytest.mark.parametrize("actor", ["cadre_b", "worker", "leader"])
def test_export_outside_scope_is_not_found_and_not_audited(world, actor):
    with pytest.raises(NotFound):
        export_roster_xlsx(actor=getattr(world, actor), org=world.union_a, out=io.BytesIO(), reveal=True)
    assert not AuditEvent.objects.filter(action__in=["member.export", "member.reveal_id"]).exists()


def test_county_export_covers_its_unions_only(world):
    make_member(world.union_a2, "快递员甲")
    count, ws = _export(world.county_cadre_a, world.county_a)
    names = {r[1] for r in _rows(ws)}
    assert count == 2 and names == {"木丽华", "快递员甲"}
    assert {r[10] for r in _rows(ws)} == {"古城区某酒店工会", "古城区快递物流工会"}


def test_cells_that_would_run_as_formulas_are_neutralised(world):
    make_member(world.union_a, "甲", employer='=HYPERLINK("http://evil","点我")')
    make_member(world.union_a, "乙", employer="+SUM(1,2)")
    make_member(world.union_a, "丙", employer="-2+3")
    make_member(world.union_a, "丁", employer="@cmd")
    make_member(world.union_a, "戊", employer="<script>alert(1)</script>")
    _, ws = _export(world.cadre_a, world.union_a)
    employers = {r[1]: ws.cell(i, 10) for i, r in enumerate(_rows(ws), start=4)}
    for name, expected in [
        ("甲", '\'=HYPERLINK("http://evil","点我")'),
        ("乙", "'+SUM(1,2)"),
        ("丙", "'-2+3"),
        ("丁", "'@cmd"),
        ("戊", "<script>alert(1)</script>"),
    ]:
        cell = employers[name]
        assert cell.value == expected
        assert cell.data_type == "s"  # text, never a formula


def test_exported_roster_reads_back_through_the_importer(world, tmp_path):
    """The export's title rows and header are what the importer understands (round trip)."""
    make_member(world.union_a, "和春梅", ethnicity="纳西族")
    out = tmp_path / "roster.xlsx"
    with out.open("wb") as fh:
        export_roster_xlsx(actor=world.cadre_a, org=world.union_a, out=fh, reveal=True)
    result = run_import(path=out, org=world.union_a2, actor=world.county_cadre_a, dry_run=True)
    assert result.header_row == 3
    assert [e.row for e in result.errors] == [4, 5]
    assert all("已登记为会员" in e.message for e in result.errors)


def test_masked_export_cannot_be_imported_back(world, tmp_path):
    out = tmp_path / "roster.xlsx"
    with out.open("wb") as fh:
        export_roster_xlsx(actor=world.cadre_a, org=world.union_a, out=fh, reveal=False)
    result = run_import(path=out, org=world.union_a2, actor=world.county_cadre_a, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(4, "身份证号")]
