from decimal import Decimal

import pytest

from gonghui.core.errors import DomainError, NotFound, StaleVersion
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.models import Org, OrgStatus
from gonghui.orgs.services import org_close, org_create, org_merge, org_move, org_update
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_create_child_sets_path_code_and_audit(world):
    org = org_create(parent=world.county_a, kind="grassroots", name=" 新建 酒店 工会 ", actor=world.county_cadre_a)
    assert org.code.startswith("U")
    assert org.path == f"{world.county_a.path}{org.pk}/"
    assert org.depth == world.county_a.depth + 1
    assert org.name == "新建 酒店 工会"
    event = AuditEvent.objects.get(action="org.create", object_id=str(org.pk))
    assert event.actor == world.county_cadre_a


def test_kind_rules_and_scope(world):
    with pytest.raises(DomainError, match="下不能直接建立"):
        org_create(parent=world.union_a, kind="county", name="错", actor=None)
    with pytest.raises(NotFound):
        org_create(parent=world.county_b, kind="grassroots", name="越权", actor=world.county_cadre_a)
    with pytest.raises(NotFound):  # a grassroots cadre does not manage orgs
        org_create(parent=world.union_a, kind="group", name="小组", actor=world.cadre_a)


def test_credit_code_checked_and_unique(world):
    with pytest.raises(DomainError, match="统一社会信用代码"):
        org_create(parent=world.county_a, kind="grassroots", name="甲", credit_code="91530700MA6K12340B", actor=None)
    org_create(parent=world.county_a, kind="grassroots", name="甲", credit_code="91530700MA6K12340A", actor=None)
    with pytest.raises(DomainError, match="已登记在“甲”"):
        org_create(parent=world.county_a, kind="grassroots", name="乙", credit_code="91530700ma6k12340a", actor=None)


def test_update_capacity_with_version_check(world):
    org = org_update(
        org=world.union_a,
        data={"fulltime_cadres": 2, "funds_received": "12000.5", "has_venue": True, "name": "改名工会"},
        version=world.union_a.version,
        actor=world.county_cadre_a,
    )
    assert org.funds_received == Decimal("12000.50")
    assert org.version == 2
    event = AuditEvent.objects.filter(action="org.update").latest("id")
    assert event.before["name"] == "古城区某酒店工会" and event.after["name"] == "改名工会"
    with pytest.raises(StaleVersion):
        org_update(org=org, data={"name": "再改"}, version=1, actor=world.county_cadre_a)
    with pytest.raises(DomainError, match="金额"):
        org_update(org=org, data={"funds_spent": "-1"}, version=2, actor=world.county_cadre_a)
    assert Org.objects.get(pk=org.pk).name == "改名工会"


def test_move_carries_subtree_and_refuses_cycles(world):
    group = org_create(parent=world.union_a, kind="group", name="前厅小组", actor=None)
    moved = org_move(org=world.union_a, new_parent=world.county_b, actor=world.city_admin)
    group.refresh_from_db()
    assert moved.parent_id == world.county_b.pk
    assert moved.path == f"{world.county_b.path}{moved.pk}/"
    assert group.path == f"{moved.path}{group.pk}/"
    # Members follow the org for scope: cadre of county B now sees member_a.
    from gonghui.members.selectors import members_for

    assert members_for(world.city_admin).filter(org__path__startswith=world.county_b.path).count() == 2
    with pytest.raises(DomainError, match="自己或它的下级"):
        org_move(org=world.county_b, new_parent=moved, actor=world.city_admin)


def test_merge_moves_members_and_keeps_history(world):
    extra = make_member(world.union_a2, "和秀英")
    org_merge(source=world.union_a2, target=world.union_a, actor=world.county_cadre_a)
    extra.refresh_from_db()
    source = Org.objects.get(pk=world.union_a2.pk)
    assert extra.org_id == world.union_a.pk
    assert source.status == OrgStatus.MERGED and source.merged_into_id == world.union_a.pk
    assert MembershipEvent.objects.filter(member=extra, kind="org_merged").exists()
    with pytest.raises(DomainError):
        org_merge(source=source, target=world.union_a, actor=world.county_cadre_a)


def test_close_refused_while_members_remain(world):
    with pytest.raises(DomainError, match="还有在会会员"):
        org_close(org=world.union_a, reason="企业关停", actor=world.county_cadre_a)
    empty = org_create(parent=world.county_a, kind="grassroots", name="空工会", actor=None)
    with pytest.raises(DomainError, match="撤销原因"):
        org_close(org=empty, reason="  ", actor=world.county_cadre_a)
    closed = org_close(org=empty, reason="企业注销", actor=world.county_cadre_a)
    assert closed.status == OrgStatus.CLOSED
    assert Member.objects.filter(org=world.union_a).count() == 1


def test_names_and_addresses_keep_full_width_punctuation_as_typed(world):
    org = org_create(
        parent=world.county_a, kind="grassroots", name="古城区某酒店（集团）工会", address="七一街（新院）", actor=None
    )
    assert org.name == "古城区某酒店（集团）工会" and org.address == "七一街（新院）"
    updated = org_update(org=org, data={"address": "七一街，二号院"}, actor=world.county_cadre_a, version=org.version)
    assert updated.address == "七一街，二号院"


def test_operator_at_the_command_line_closes_and_merges_without_a_role(world):
    """actor=None is the operator (`gonghui` commands): the workflow's scope check is for people."""
    empty = org_create(parent=world.county_a, kind="grassroots", name="空工会", actor=None)
    assert org_close(org=empty, reason="企业注销（已核实）", actor=None).closed_reason == "企业注销（已核实）"
    other = org_create(parent=world.county_a, kind="grassroots", name="另一工会", actor=None)
    assert org_merge(source=other, target=world.union_a, actor=None).pk == world.union_a.pk
    assert Org.objects.get(pk=other.pk).status == OrgStatus.MERGED
