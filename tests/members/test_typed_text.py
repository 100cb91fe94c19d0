"""Issue 7 part 4 for members: what people read keeps the full-width punctuation typed（，。：（））;
folding happens only where values are matched (choices, 是/否, search keys)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.crypto import decrypt
from gonghui.core.errors import DomainError
from gonghui.core.text import tidy_name
from gonghui.members.exports import export_roster_xlsx
from gonghui.members.imports import run_import
from gonghui.members.models import FamilyMember, Household, Member, MembershipEvent, TransferRequest
from gonghui.members.selectors import joinable_orgs
from gonghui.members.services import (
    family_member_add,
    household_ensure,
    join_request_reject,
    join_request_submit,
    member_leave,
    transfer_request_create,
)
from gonghui.members.services.registry import clean_name
from gonghui.orgs.models import Org
from tests.data.roster.builders import write_csv
from tests.factories import make_id_number, make_member, make_org, make_user

pytestmark = pytest.mark.django_db

ADDRESS = "古城区七一街（新院）"
EMPLOYER = "丽江某酒店（集团）"


def _edit_data(member: Member, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": member.version,
        "name": member.name,
        "mobile": member.mobile,
        "ethnicity": member.ethnicity,
        "education": member.education,
        "political_status": member.political_status,
        "employer": member.employer,
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
    }
    data.update(changes)
    return data


def test_edited_member_keeps_full_width_brackets_on_pages_and_in_the_export(client, world):
    m = world.member_a
    client.force_login(world.cadre_a)
    assert client.post(reverse("members:edit", args=[m.pk]), _edit_data(m, employer=EMPLOYER)).status_code == 302
    household_url = reverse("members:household", args=[m.pk])
    assert client.post(household_url, {"form": "address", "hh-address": ADDRESS}).status_code == 302
    m.refresh_from_db()
    assert m.employer == EMPLOYER
    assert Household.objects.get(head=m).address == ADDRESS

    detail = client.get(reverse("members:detail", args=[m.pk])).content.decode()
    assert EMPLOYER in detail and ADDRESS in detail
    assert "(集团)" not in detail and "(新院)" not in detail
    assert ADDRESS in client.get(household_url).content.decode()

    out = io.BytesIO()
    export_roster_xlsx(actor=world.cadre_a, org=world.union_a, out=out, reveal=False)
    out.seek(0)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[3]]
    (row,) = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert row[header.index("工作单位")] == EMPLOYER

    # searching still works: by name, by initials, by mobile
    for q in ("木丽华", "mlh", "13987000001"):
        page = client.get(reverse("members:list"), {"q": q}).content.decode()
        assert m.id_masked in page, q


def test_import_keeps_typed_punctuation_while_choices_and_flags_still_match(world, tmp_path):
    number = make_id_number("530702", sex="F", serial=4242)
    rows = [
        ["姓名", "身份证号", "民族", "学历", "政治面貌", "工作单位", "农民工"],
        # 学历 with an ideographic space, 农民工 as a full-width Ｙ: folded where they are matched
        ["和丽萍", number, "纳西族", "大学\u3000本科", "中共党员", "丽江某酒店（集团），前台：夜班", "Ｙ"],
    ]
    result = run_import(path=write_csv(tmp_path / "r.csv", rows), org=world.union_a, actor=world.cadre_a)
    assert result.errors == []
    assert result.accepted == 1
    (m,) = [x for x in Member.objects.filter(name="和丽萍") if decrypt(x.id_cipher, context=b"id_number") == number]
    assert m.employer == "丽江某酒店（集团），前台：夜班"
    assert m.education == "bachelor" and m.political_status == "cpc"
    assert m.ethnicity == "纳西族" and m.is_migrant_worker is True


def test_family_school_join_note_transfer_and_leave_reasons_are_kept_as_typed(world):
    m = world.member_a
    household = household_ensure(head=m, actor=world.cadre_a, address=ADDRESS)
    person = family_member_add(
        household=household,
        name="和小明",
        relation="child",
        actor=world.cadre_a,
        is_student=True,
        school="丽江市第一中学（初中部）",
    )
    assert FamilyMember.objects.get(pk=person.pk).school == "丽江市第一中学（初中部）"

    reason = "调往永胜（水电站），家属随迁。"
    transfer = transfer_request_create(member=m, to_org=world.union_b, reason=reason, actor=world.worker)
    assert TransferRequest.objects.get(pk=transfer.pk).reason == reason

    applicant = make_user("和新来")
    req = join_request_submit(
        user=applicant,
        org=world.union_a,
        name="和新来",
        id_number=make_id_number("530721"),
        mobile=applicant.mobile,
        employer=EMPLOYER,
    )
    assert req.employer == EMPLOYER
    rejected = join_request_reject(
        req=req, note="材料不全：缺劳动合同（复印件）。", version=req.version, actor=world.cadre_a
    )
    assert rejected.decision_note == "材料不全：缺劳动合同（复印件）。"

    other = make_member(world.union_a, "杨秀英")
    member_leave(member=other, reason="退休（返聘结束）", version=other.version, actor=world.cadre_a)
    event = MembershipEvent.objects.get(member=other, kind="left")
    assert event.reason == "退休（返聘结束）"


def test_family_member_name_refuses_symbols_naming_the_character(world):
    household = household_ensure(head=world.member_a, actor=world.cadre_a)
    with pytest.raises(DomainError) as exc:
        family_member_add(household=household, name="和小明😀", relation="child", actor=world.cadre_a)
    assert "😀" in exc.value.message and exc.value.field == "name"


@pytest.mark.parametrize("dot", ["·", "・", "･", "‧", "•", "∙", "⋅", "．", ".", " . "])
def test_every_middle_dot_people_type_is_stored_as_one(dot):
    assert tidy_name(f"阿依{dot}买买提") == "阿依·买买提"
    assert clean_name(f"阿依{dot}买买提") == "阿依·买买提"


def test_latin_names_keep_their_full_stop_and_hyphen():
    assert tidy_name("J. Smith") == "J. Smith"
    assert tidy_name("Jean-Luc") == "Jean-Luc"


def test_a_bracket_in_a_name_is_refused_naming_it_as_typed():
    with pytest.raises(DomainError) as exc:
        clean_name("张三（小）")
    assert exc.value.message == "姓名不能含有表情或符号“（”"
    with pytest.raises(DomainError) as exc:
        clean_name("张三(小)")
    assert exc.value.message == "姓名不能含有表情或符号“(”"


def test_union_search_finds_a_name_typed_with_full_width_brackets(world):
    typed = make_org(world.county_a, "grassroots", "古城区某酒店集团工会")
    Org.objects.filter(pk=typed.pk).update(name="古城区某酒店（集团）工会")  # a name stored as typed
    folded = make_org(world.county_a, "grassroots", "古城区某宾馆(东片)工会")  # stored folded
    assert typed in joinable_orgs(q="（集团）")
    assert typed in joinable_orgs(q="(集团)")
    assert folded in joinable_orgs(q="（东片）")
