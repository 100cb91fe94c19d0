import datetime as dt

import pytest

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.models import AuditEvent
from gonghui.members.models import JoinRequest, Member, MembershipEvent
from gonghui.members.selectors import members_for
from gonghui.members.services import (
    family_member_add,
    household_ensure,
    join_request_approve,
    join_request_reject,
    join_request_submit,
    member_create,
    member_find_by_id_number,
    member_leave,
    member_rejoin,
    member_reveal_id,
    member_update,
    transfer_accept,
    transfer_reject,
    transfer_release,
    transfer_request_create,
)
from tests.factories import make_id_number, make_user

pytestmark = pytest.mark.django_db


def test_create_encrypts_and_derives_from_id(world):
    number = make_id_number("530721", dt.date(1985, 4, 9), "F", serial=11)
    m = member_create(org=world.union_a, id_number=number, name="和 丽 萍", actor=world.cadre_a, mobile="13900001111")
    assert m.name == "和丽萍"
    assert m.sex == "F" and m.birth_date == dt.date(1985, 4, 9)
    assert m.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in m.id_cipher and number not in m.id_hmac
    assert m.name_initials == "hlp"
    assert MembershipEvent.objects.filter(member=m, kind="joined").exists()
    event = AuditEvent.objects.get(action="member.create", object_id=str(m.pk))
    assert number not in str(event.after)


def test_contradicting_sex_is_refused(world):
    number = make_id_number(sex="F", serial=22)
    with pytest.raises(DomainError, match="与身份证号不符"):
        member_create(org=world.union_a, id_number=number, name="甲", sex="男", actor=None)


def test_one_person_one_member_with_masked_union_for_outsiders(world):
    number = make_id_number(serial=33)
    member_create(org=world.union_b, id_number=number, name="李某", actor=None)
    with pytest.raises(Conflict) as exc:
        member_create(org=world.union_a, id_number=number, name="李某", actor=world.cadre_a)
    assert "永胜县水电站工会" not in exc.value.message
    assert "永胜**电站工会" in exc.value.message
    with pytest.raises(Conflict) as exc:
        member_create(org=world.union_b, id_number=number, name="李某", actor=world.cadre_b)
    assert "永胜县水电站工会" in exc.value.message
    assert Member.objects.filter(name="李某").count() == 1


def test_members_only_in_grassroots_unions(world):
    with pytest.raises(DomainError, match="基层工会"):
        member_create(org=world.county_a, id_number=make_id_number(serial=44), name="甲", actor=None)


def test_update_checks_version_scope_and_audits_changes(world):
    m = world.member_a
    updated = member_update(
        member=m, data={"ethnicity": "白", "employer": "某酒店"}, version=m.version, actor=world.cadre_a
    )
    assert updated.ethnicity == "白族" and updated.version == m.version + 1
    event = AuditEvent.objects.filter(action="member.update").latest("id")
    assert event.before == {"ethnicity": "纳西族", "employer": ""}
    assert event.after == {"ethnicity": "白族", "employer": "某酒店"}
    with pytest.raises(StaleVersion):
        member_update(member=m, data={"employer": "旧表单"}, version=m.version, actor=world.cadre_a)
    with pytest.raises(NotFound):
        member_update(member=m, data={"employer": "越权"}, version=updated.version, actor=world.cadre_b)
    with pytest.raises(DomainError, match="民族"):
        member_update(member=m, data={"ethnicity": "火星族"}, version=updated.version, actor=world.cadre_a)
    assert Member.objects.get(pk=m.pk).employer == "某酒店"


def test_update_of_an_unchanged_form_writes_nothing_and_keeps_the_version(world):
    m = Member.objects.get(pk=world.member_a.pk)
    events = AuditEvent.objects.count()
    stamp = m.updated_at
    same = {
        "name": f" {m.name} ",
        "mobile": m.mobile,
        "ethnicity": m.ethnicity.removesuffix("族"),
        "employer": m.employer,
        "joined_on": m.joined_on.isoformat() if m.joined_on else "",
        "is_migrant_worker": m.is_migrant_worker,
    }
    kept = member_update(member=m, data=same, version=m.version, actor=world.cadre_a)
    assert kept.version == m.version == Member.objects.get(pk=m.pk).version
    assert Member.objects.get(pk=m.pk).updated_at == stamp
    assert AuditEvent.objects.count() == events
    # the same form can be saved again (its version is still current), and a change then counts once
    changed = member_update(
        member=m, data={**same, "employer": "某酒店（前台）"}, version=m.version, actor=world.cadre_a
    )
    assert changed.version == m.version + 1 == Member.objects.get(pk=m.pk).version
    event = AuditEvent.objects.get(action="member.update", object_id=str(m.pk))
    assert event.before == {"employer": ""} and event.after == {"employer": "某酒店（前台）"}
    assert AuditEvent.objects.count() == events + 1
    with pytest.raises(StaleVersion, match="已被他人修改"):
        member_update(member=m, data=same, version=m.version, actor=world.cadre_a)


def test_update_of_the_name_refreshes_the_initials_and_audits_the_name_only(world):
    m = Member.objects.get(pk=world.member_a.pk)
    updated = member_update(member=m, data={"name": "和秀英"}, version=m.version, actor=world.cadre_a)
    assert Member.objects.get(pk=m.pk).name_initials == "hxy" == updated.name_initials
    event = AuditEvent.objects.get(action="member.update", object_id=str(m.pk))
    assert event.before == {"name": m.name} and event.after == {"name": "和秀英"}


def test_reveal_is_scoped_and_audited(world):
    number = member_reveal_id(member=world.member_a, actor=world.cadre_a)
    assert len(number) == 18 and number.endswith(world.member_a.id_masked[-4:])
    assert AuditEvent.objects.filter(action="member.reveal_id", actor=world.cadre_a).count() == 1
    with pytest.raises(NotFound):
        member_reveal_id(member=world.member_a, actor=world.leader)
    with pytest.raises(NotFound):
        member_reveal_id(member=world.member_a, actor=world.cadre_b)
    assert member_find_by_id_number(id_number=number.lower(), actor=world.cadre_a) == world.member_a
    with pytest.raises(NotFound):
        member_find_by_id_number(id_number=number, actor=world.cadre_b)


def test_scope_subtrees(world):
    assert set(members_for(world.cadre_a)) == {world.member_a}
    assert set(members_for(world.county_cadre_a)) == {world.member_a}
    assert set(members_for(world.city_admin)) == {world.member_a, world.member_b}
    assert set(members_for(world.worker)) == {world.member_a}
    assert not members_for(world.worker, Action.EDIT).exists()
    assert scope_for(world.leader).allows(Action.VIEW, world.union_b)
    assert not scope_for(world.leader).allows(Action.REVEAL, world.union_b)


def test_join_request_approve_creates_member_and_links_user(world):
    applicant = make_user("新职工")
    number = make_id_number(serial=55)
    req = join_request_submit(user=applicant, org=world.union_a, name="新职工", id_number=number, mobile="13911112222")
    with pytest.raises(Conflict, match="待审批"):
        join_request_submit(user=applicant, org=world.union_a, name="新职工", id_number=number, mobile="13911112222")
    with pytest.raises(NotFound):
        join_request_approve(req=req, version=req.version, actor=world.cadre_b)
    member = join_request_approve(req=req, version=req.version, actor=world.cadre_a)
    applicant.refresh_from_db()
    assert applicant.member_id == member.pk
    assert member.org_id == world.union_a.pk
    with pytest.raises(DomainError, match="不能重复处理"):  # the double click
        join_request_approve(req=req, version=None, actor=world.cadre_a)
    assert Member.objects.filter(id_hmac=member.id_hmac).count() == 1


def test_join_reject_needs_reason(world):
    applicant = make_user("另一职工")
    req = join_request_submit(
        user=applicant, org=world.union_a, name="另一职工", id_number=make_id_number(serial=66), mobile="13911113333"
    )
    with pytest.raises(DomainError, match="原因"):
        join_request_reject(req=req, note="", version=req.version, actor=world.cadre_a)
    rejected = join_request_reject(req=req, note="不在本单位工作", version=req.version, actor=world.cadre_a)
    assert rejected.state == "rejected"
    assert JoinRequest.objects.get(pk=req.pk).decision_note == "不在本单位工作"


def test_transfer_release_then_accept_moves_member_once(world):
    req = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="换工作", actor=world.worker)
    with pytest.raises(DomainError, match="不能再办理此步"):  # accept before release
        transfer_accept(req=req, version=None, actor=world.cadre_b)
    with pytest.raises(NotFound):  # the receiving union cannot release
        transfer_release(req=req, version=None, actor=world.cadre_b)
    transfer_release(req=req, version=None, actor=world.cadre_a)
    assert Member.objects.get(pk=world.member_a.pk).org_id == world.union_a.pk  # still in exactly one union
    member = transfer_accept(req=req, version=None, actor=world.cadre_b)
    assert member.org_id == world.union_b.pk
    assert MembershipEvent.objects.filter(member=member, kind="transferred").count() == 1
    with pytest.raises(DomainError):
        transfer_accept(req=req, version=None, actor=world.cadre_b)


def test_transfer_reject_by_sending_union(world):
    req = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="", actor=world.cadre_a)
    with pytest.raises(Conflict):
        transfer_request_create(member=world.member_a, to_org=world.union_a2, reason="", actor=world.cadre_a)
    transfer_reject(req=req, note="手续不全", version=None, actor=world.cadre_a)
    assert Member.objects.get(pk=world.member_a.pk).org_id == world.union_a.pk


def test_leave_and_rejoin_keep_one_record(world):
    left = member_leave(member=world.member_a, reason="退休", version=world.member_a.version, actor=world.cadre_a)
    assert left.status == "left"
    with pytest.raises(DomainError, match="不在会"):
        member_leave(member=left, reason="再退", version=None, actor=world.cadre_a)
    back = member_rejoin(member=left, org=world.union_a2, actor=world.county_cadre_a)
    assert back.status == "active" and back.org_id == world.union_a2.pk
    kinds = list(MembershipEvent.objects.filter(member=back).order_by("id").values_list("kind", flat=True))
    assert kinds == ["joined", "left", "rejoined"]


def test_household_and_family(world):
    household = household_ensure(head=world.member_a, actor=world.worker, address="古城区七一街")
    child_id = make_id_number("530702", dt.date(2008, 9, 1), "M", serial=77)
    child = family_member_add(
        household=household,
        name="木小明",
        relation="child",
        id_number=child_id,
        is_student=True,
        school="丽江一中",
        actor=world.worker,
    )
    assert child.birth_date == dt.date(2008, 9, 1) and child.sex == "M"
    with pytest.raises(Conflict):
        family_member_add(household=household, name="木小明", relation="child", id_number=child_id, actor=world.worker)
    with pytest.raises(DomainError, match="学校"):
        family_member_add(household=household, name="木小红", relation="child", is_student=True, actor=world.worker)
    with pytest.raises(NotFound):
        household_ensure(head=world.member_a, actor=world.cadre_b, address="越权")


def test_household_address_audited_only_when_it_changes(world):
    household = household_ensure(head=world.member_a, actor=world.worker, address="古城区七一街")
    assert AuditEvent.objects.filter(action="household.update").count() == 1
    assert not AuditEvent.objects.filter(action="household.create").exists()  # as before: the address says it
    version = household.version
    again = household_ensure(head=world.member_a, actor=world.cadre_a, address=" 古城区七一街 ")
    assert again.version == version and AuditEvent.objects.filter(action="household.update").count() == 1
    moved = household_ensure(head=world.member_a, actor=world.cadre_a, address="古城区七一街8号")
    assert moved.version == version + 1
    event = AuditEvent.objects.filter(action="household.update").latest("id")
    assert event.before == {"address": "古城区七一街"} and event.after == {"address": "古城区七一街8号"}
    assert household_ensure(head=world.member_a, actor=world.worker).version == version + 1
    assert AuditEvent.objects.filter(action__startswith="household.").count() == 2


def test_household_created_without_an_address_is_audited_once(world):
    household_ensure(head=world.member_a, actor=world.worker, address="")
    household_ensure(head=world.member_a, actor=world.worker)
    assert list(AuditEvent.objects.filter(action__startswith="household.").values_list("action", flat=True)) == [
        "household.create"
    ]


def test_transfer_out_of_the_platform_keeps_the_record(world):
    with pytest.raises(DomainError, match="转出去向"):
        member_leave(member=world.member_a, reason=" ", version=None, actor=world.cadre_a, transferred_out=True)
    out = member_leave(
        member=world.member_a, reason="调往四川省某公司工会", version=None, actor=world.cadre_a, transferred_out=True
    )
    assert out.status == "transferred"
    event = MembershipEvent.objects.filter(member=out).latest("id")
    assert event.kind == "transferred" and event.from_org_id == world.union_a.pk
    assert AuditEvent.objects.filter(action="member.transfer_out", object_id=str(out.pk)).exists()
    with pytest.raises(DomainError, match="不能办理退会"):
        member_leave(member=out, reason="再退", version=None, actor=world.cadre_a)
    back = member_rejoin(member=out, org=world.union_a, actor=world.cadre_a)
    assert back.status == "active"
