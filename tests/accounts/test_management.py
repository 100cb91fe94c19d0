"""Account management services (ADR 0007): who may touch which account, grant which role where; the
one-time passwords; disabling; tokens revoked on every password change or reset."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from gonghui.accounts.granting import can_manage, manageable_users
from gonghui.accounts.models import ApiToken, Role, RoleAssignment, User
from gonghui.accounts.services import (
    account_create,
    account_disable,
    account_enable,
    account_password_reset,
    account_role_grant,
    account_role_revoke,
    one_time_password,
    password_change,
    role_grant,
    token_authenticate,
    token_create,
)
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.core.models import AuditEvent
from tests.conftest import World
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def account_admin_at(org, name="账号管理员", rank_role=None):
    """A cadre holding the 账号管理 right at `org` (and, optionally, a ranked role there)."""
    user = make_user(name, rank_role, org) if rank_role else make_user(name)
    role_grant(user=user, org=org, role=Role.ACCOUNT_ADMIN, actor=None)
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------- one-time passwords


def test_one_time_passwords_pass_the_password_rules_and_differ():
    seen = {one_time_password() for _ in range(200)}
    assert len(seen) == 200
    for p in list(seen)[:50]:
        validate_password(p, User(mobile="13900000000", name="某人"))
        assert not any(c in p for c in "01lIO")


# ---------------------------------------------------------------- create


def test_create_account_with_member_link_and_role(world: World):
    member = make_member(world.union_a, "和新工", mobile="13900001111")
    user, password = account_create(
        actor=world.city_admin, mobile="13900001111", name="", org=world.union_a, member=member, role="member"
    )
    user.refresh_from_db()
    assert user.name == "和新工" and user.member_id == member.pk
    assert user.check_password(password) and user.must_change_password
    assert user.managed_at_id == world.union_a.pk
    assert list(user.roles.values_list("role", "org_id")) == [("member", world.union_a.pk)]
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    assert password not in str(list(AuditEvent.objects.values_list("before", "after")))


def test_create_refuses_org_or_member_out_of_scope_and_duplicates(world: World):
    with pytest.raises(NotFound):
        account_create(actor=world.county_admin, mobile="13900001112", name="甲", org=world.city)
    with pytest.raises(NotFound):
        account_create(
            actor=world.county_admin, mobile="13900001112", name="甲", org=world.union_a, member=world.member_b
        )
    with pytest.raises(Conflict) as exc:
        account_create(
            actor=world.city_admin, mobile="13900001112", name="甲", org=world.union_a, member=world.member_a
        )
    assert exc.value.field == "member"
    with pytest.raises(Conflict) as exc:
        account_create(actor=world.city_admin, mobile=world.cadre_a.mobile, name="乙", org=world.union_a)
    assert exc.value.field == "mobile"
    with pytest.raises(NotFound):
        account_create(actor=world.cadre_a, mobile="13900001113", name="丙", org=world.union_a)
    assert not User.objects.filter(mobile__in=["13900001112", "13900001113"]).exists()


def test_create_with_a_role_above_the_creator_is_refused_and_nothing_is_written(world: World):
    admin = account_admin_at(world.union_a, rank_role=Role.GRASSROOTS_CADRE)
    before = User.objects.count()
    with pytest.raises(DomainError) as exc:
        account_create(actor=admin, mobile="13900001114", name="丁", org=world.union_a, role=Role.SYSADMIN)
    assert exc.value.field == "role" and "系统管理员" in exc.value.message
    assert User.objects.count() == before


# ---------------------------------------------------------------- granting rules


def test_rank_rule_never_above_the_granter_own_role(world: World):
    county_mgr = account_admin_at(world.county_a, "县账号管理员", Role.COUNTY_CADRE)
    target = make_user("被授权者", Role.MEMBER, world.union_a)
    # equal rank at its own level, lower ranks below: fine
    account_role_grant(actor=county_mgr, user=target, org=world.county_a, role=Role.COUNTY_CADRE)
    account_role_grant(actor=county_mgr, user=target, org=world.union_a, role=Role.GRASSROOTS_CADRE)
    # a city role: the city lies outside the county's subtree
    with pytest.raises(NotFound):
        account_role_grant(actor=county_mgr, user=target, org=world.city, role=Role.CITY_CADRE)
    # leader / sysadmin / 账号管理员: only a system admin at or above that org
    for role in (Role.LEADER, Role.SYSADMIN, Role.ACCOUNT_ADMIN):
        with pytest.raises(DomainError) as exc:
            account_role_grant(actor=county_mgr, user=target, org=world.union_a, role=role)
        assert exc.value.field == "role"
    # a grassroots account admin cannot make a county cadre, even at their own union
    union_mgr = account_admin_at(world.union_a, "基层账号管理员", Role.GRASSROOTS_CADRE)
    worker = make_user("职工乙", Role.MEMBER, world.union_a)
    with pytest.raises(DomainError) as exc:
        account_role_grant(actor=union_mgr, user=worker, org=world.union_a, role=Role.COUNTY_CADRE)
    assert "更高" in exc.value.message
    # an account admin without a ranked role grants the member role only
    bare = account_admin_at(world.union_a, "只管账号")
    with pytest.raises(DomainError):
        account_role_grant(actor=bare, user=worker, org=world.union_a, role=Role.GRASSROOTS_CADRE)
    made, _ = account_create(actor=bare, mobile="13900001120", name="职工丙", org=world.union_a, role=Role.MEMBER)
    assert list(made.roles.values_list("role", flat=True)) == ["member"]
    assert set(target.roles.values_list("role", flat=True)) == {"member", "county_cadre", "grassroots_cadre"}


def test_role_must_fit_the_org_level(world: World):
    with pytest.raises(DomainError) as exc:
        account_role_grant(actor=world.city_admin, user=world.worker, org=world.union_a, role=Role.COUNTY_CADRE)
    assert "层级" in exc.value.message


def test_sysadmin_at_county_grants_privileged_roles_in_its_county_only(world: World):
    target = make_user("县里的人", Role.MEMBER, world.union_a)
    account_role_grant(actor=world.county_admin, user=target, org=world.county_a, role=Role.ACCOUNT_ADMIN)
    with pytest.raises(NotFound):
        account_role_grant(actor=world.county_admin, user=target, org=world.city, role=Role.LEADER)
    with pytest.raises(Conflict):
        account_role_grant(actor=world.county_admin, user=target, org=world.county_a, role=Role.ACCOUNT_ADMIN)


def test_low_level_role_grant_keeps_the_rules_for_a_real_actor(world: World):
    with pytest.raises(DomainError):
        role_grant(user=world.worker, org=world.county_a, role=Role.SYSADMIN, actor=account_admin_at(world.county_a))
    # a join approval grants "member" as the approving cadre: still allowed
    role_grant(user=world.worker, org=world.union_a2, role=Role.MEMBER, actor=world.cadre_a)


# ---------------------------------------------------------------- reach


def test_accounts_reaching_above_the_manager_look_not_found(world: World):
    visible = set(manageable_users(world.county_admin).values_list("pk", flat=True))
    assert world.worker.pk in visible and world.cadre_a.pk in visible and world.county_cadre_a.pk in visible
    assert world.city_admin.pk not in visible  # city cadre + sysadmin at the city
    assert world.leader.pk not in visible and world.cadre_b.pk not in visible
    everyone = set(manageable_users(world.city_admin).values_list("pk", flat=True))
    assert {world.worker.pk, world.cadre_b.pk, world.leader.pk, world.county_admin.pk} <= everyone
    with pytest.raises(NotFound):
        account_password_reset(actor=world.county_admin, user=world.city_admin)
    city_cadre = make_user("市干部", Role.CITY_CADRE, world.city)
    for call in (account_password_reset, account_disable):
        with pytest.raises(NotFound):
            call(actor=world.county_admin, user=city_cadre)
    # a county account that also holds a city role is out of reach as a whole
    role_grant(user=world.county_cadre_a, org=world.city, role=Role.CITY_CADRE, actor=None)
    assert not can_manage(world.county_admin, world.county_cadre_a)


def test_a_union_b_manager_cannot_see_union_a_accounts(world: World):
    manager_b = account_admin_at(world.union_b, "永胜账号管理员", Role.GRASSROOTS_CADRE)
    visible = set(manageable_users(manager_b).values_list("pk", flat=True))
    assert world.cadre_b.pk in visible
    assert not visible & {world.worker.pk, world.cadre_a.pk, world.county_cadre_a.pk}
    with pytest.raises(NotFound):
        account_disable(actor=manager_b, user=world.worker)
    # a grassroots account admin cannot touch a county admin of their own county either
    manager_a = account_admin_at(world.union_a, "古城账号管理员", Role.GRASSROOTS_CADRE)
    assert not can_manage(manager_a, world.county_admin)
    assert can_manage(manager_a, world.worker) and not can_manage(manager_a, world.cadre_b)


def test_nobody_without_the_right_manages_anything(world: World):
    for persona in (world.worker, world.cadre_a, world.county_cadre_a, world.leader):
        assert not manageable_users(persona).exists()


# ---------------------------------------------------------------- revoke, disable, reset


def test_revoke_and_self_protection(world: World):
    target = make_user("要收回", Role.GRASSROOTS_CADRE, world.union_a)
    assignment = target.roles.get()
    account_role_revoke(actor=world.county_admin, user=target, assignment_id=assignment.pk)
    assert not target.roles.exists()
    target.refresh_from_db()
    assert target.managed_at_id == world.union_a.pk  # stays reachable by the union's managers
    assert can_manage(world.county_admin, target)
    with pytest.raises(NotFound):
        account_role_revoke(actor=world.county_admin, user=target, assignment_id=world.worker.roles.get().pk)
    with pytest.raises(DomainError):
        account_disable(actor=world.county_admin, user=world.county_admin)
    with pytest.raises(DomainError):
        account_password_reset(actor=world.city_admin, user=world.city_admin)


def test_disable_stops_login_sessions_and_tokens_and_enable_restores_login(world: World):
    _, secret = token_create(user=world.cadre_a, name="同步", actor=None)
    assert token_authenticate(secret) is not None
    browser = Client()
    browser.force_login(world.cadre_a)
    assert browser.get("/members/").status_code == 200
    account_disable(actor=world.county_admin, user=world.cadre_a)
    assert token_authenticate(secret) is None
    assert browser.get("/members/").status_code == 302  # the session no longer logs anyone in
    r = Client().post("/accounts/login/", {"username": world.cadre_a.mobile, "password": "Gonghui2026pass"})
    assert "_auth_user_id" not in r.wsgi_request.session
    with pytest.raises(DomainError):
        account_disable(actor=world.county_admin, user=world.cadre_a)
    account_enable(actor=world.county_admin, user=world.cadre_a)
    assert token_authenticate(secret) is None  # revoked tokens stay revoked
    r = Client().post("/accounts/login/", {"username": world.cadre_a.mobile, "password": "Gonghui2026pass"})
    assert r.status_code == 302
    actions = list(AuditEvent.objects.filter(object_id=str(world.cadre_a.pk)).values_list("action", flat=True))
    assert "user.disable" in actions and "user.enable" in actions


def test_reset_password_one_time_forced_change_old_password_sessions_tokens_dead(world: World):
    _, secret = token_create(user=world.worker, name="手机", actor=None)
    browser = Client()
    browser.force_login(world.worker)
    user, password = account_password_reset(actor=world.county_admin, user=world.worker)
    assert token_authenticate(secret) is None
    assert browser.get("/members/me/").status_code == 302  # session hash changed
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(password)
    assert not user.check_password("Gonghui2026pass")
    fresh = Client()
    r = fresh.post("/accounts/login/", {"username": user.mobile, "password": password})
    assert r.status_code == 302
    assert fresh.get("/members/me/")["Location"].startswith("/accounts/password/")
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.after == {"tokens_revoked": 1} and password not in str(event.after)


def test_password_change_revokes_every_token(world: World):
    token_create(user=world.cadre_a, name="一", actor=None)
    _, secret = token_create(user=world.cadre_a, name="二", actor=None)
    password_change(user=world.cadre_a, old_password="Gonghui2026pass", new_password="Yulong-Snow-2026")
    assert token_authenticate(secret) is None
    assert ApiToken.objects.filter(user=world.cadre_a, revoked_at__isnull=True).count() == 0


def test_only_role_assignment_rows_the_manager_could_grant_are_revocable(world: World):
    # the county admin sees the county cadre; its role is county level, granted in its county: revocable
    assignment = RoleAssignment.objects.get(user=world.county_cadre_a)
    account_role_revoke(actor=world.county_admin, user=world.county_cadre_a, assignment_id=assignment.pk)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
