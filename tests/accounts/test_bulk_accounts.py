"""Bulk worker accounts for a union: created / skipped with why, all or nothing, scoped, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.accounts.models import RoleAssignment, User
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import AuditEvent
from gonghui.members.services import member_leave
from gonghui.members.services.accounts_bulk import worker_accounts_for_union
from gonghui.orgs.services import org_create
from tests.conftest import World
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def roster(world: World):
    """Seven members of union_a (one in a group under it): two can get accounts, five cannot."""
    group = org_create(parent=world.union_a, kind="group", name="前厅小组", actor=None)
    made = {
        "ok1": make_member(world.union_a, "甲一", mobile="13900007701"),
        "ok2": make_member(group, "甲二", mobile="13900007702"),  # in a group under the union
        "no_mobile": make_member(world.union_a, "甲三"),
        "shared1": make_member(world.union_a, "甲四", mobile="13900007704"),
        "shared2": make_member(world.union_a, "甲五", mobile="13900007704"),
        "taken": make_member(world.union_a, "甲六", mobile="13900007706"),
        "left": make_member(world.union_a, "甲七", mobile="13900007707"),
    }
    make_user("占用手机", None, None)
    User.objects.filter(name="占用手机").update(mobile="13900007706")
    member_leave(member=made["left"], reason="离职", version=made["left"].version, actor=world.cadre_a)
    return made


def test_creates_for_members_with_a_mobile_and_no_account_and_says_why_others_were_skipped(world: World):
    made = roster(world)
    result = worker_accounts_for_union(org=world.union_a, actor=world.county_admin)
    assert result.created == 2
    assert dict(result.skipped) == {"has_account": 1, "no_mobile": 1, "mobile_shared": 2, "mobile_taken": 1}
    for key in ("ok1", "ok2"):
        user = User.objects.get(member=made[key])
        assert not user.has_usable_password() and user.mobile == made[key].mobile
        assert list(user.roles.values_list("role", "org_id")) == [("member", made[key].org_id)]
    assert AuditEvent.objects.filter(action="member.accounts_bulk", object_id=str(world.union_a.pk)).exists()
    assert AuditEvent.objects.filter(action="user.bulk_create").get().after == {"created": 2}
    # a second run creates nothing more
    again = worker_accounts_for_union(org=world.union_a, actor=world.county_admin)
    assert again.created == 0 and again.skipped["has_account"] == 3


def test_bulk_accounts_cannot_log_in_before_activation(world: World):
    made = roster(world)
    worker_accounts_for_union(org=world.union_a, actor=world.city_admin)
    r = Client().post("/accounts/login/", {"username": made["ok1"].mobile, "password": ""})
    assert "_auth_user_id" not in r.wsgi_request.session


def test_out_of_scope_or_without_the_right_is_not_found_and_writes_nothing(world: World):
    roster(world)
    before = (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())
    for actor in (world.cadre_a, world.cadre_b, world.county_cadre_a):
        with pytest.raises(NotFound):
            worker_accounts_for_union(org=world.union_a, actor=actor)
    with pytest.raises(NotFound):
        worker_accounts_for_union(org=world.union_b, actor=world.county_admin)
    with pytest.raises(DomainError):
        worker_accounts_for_union(org=world.county_a, actor=world.county_admin)  # not a union
    assert (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()) == before


def test_bulk_page_shows_counts_and_results(world: World):
    roster(world)
    c = Client()
    c.force_login(world.county_admin)
    r = c.get("/members/accounts/bulk/", {"org": world.union_a.code})
    text = r.content.decode()
    assert r.status_code == 200 and "在册会员" in text and "为这些会员开通账号" in text
    assert world.union_b.code not in text  # not a choice for a county admin of county_a
    r = c.post("/members/accounts/bulk/", {"org": world.union_a.code})
    text = r.content.decode()
    assert "已开通 2 个账号" in text and "手机号码与同一批的其他会员重复" in text
    r = c.post("/members/accounts/bulk/", {"org": world.union_b.code})
    assert r.status_code == 200 and "已开通" not in r.content.decode()
