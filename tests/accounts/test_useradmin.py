"""Account management pages (/sysadmin/) and API (/api/accounts): thin over the services, bad input
answered in Chinese naming the field, one-time passwords shown once and never cached."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import token_create
from tests.conftest import World
from tests.factories import make_id_number, make_member, make_user

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user) -> tuple[Client, dict[str, str]]:
    _, secret = token_create(user=user, name="测试", actor=None)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# ---------------------------------------------------------------- pages


def test_demo_style_sysadmin_reaches_the_account_pages_and_the_nav_item(world: World):
    c = browser(world.city_admin)
    r = c.get("/sysadmin/")
    assert r.status_code == 200 and "账号管理" in r.content.decode()
    assert 'href="/sysadmin/"' in c.get("/members/").content.decode()  # the nav item
    assert 'href="/sysadmin/"' not in browser(world.cadre_a).get("/members/").content.decode()
    assert browser(world.cadre_a).get("/sysadmin/").status_code == 404
    # Django's admin is for is_staff operators only, elsewhere
    assert c.get("/django-admin/").status_code == 302


def test_list_searches_by_name_and_mobile_and_pages_by_keyset(world: World):
    for i in range(5):
        make_user(f"翻页{i}", Role.MEMBER, world.union_a)
    c = browser(world.county_admin)
    text = c.get("/sysadmin/", {"q": "翻页"}).content.decode()
    assert text.count("翻页") >= 5
    assert world.cadre_a.name not in text
    r = c.get("/sysadmin/", {"q": world.cadre_a.mobile})
    assert world.cadre_a.name in r.content.decode()
    from gonghui.useradmin.selectors import account_search

    first = account_search(actor=world.county_admin, q="翻页", size=2)
    second = account_search(actor=world.county_admin, q="翻页", cursor=first.next_cursor, size=2)
    third = account_search(actor=world.county_admin, q="翻页", cursor=second.next_cursor, size=2)
    pages = [[u.name for u in p.items] for p in (first, second, third)]
    assert pages == [["翻页4", "翻页3"], ["翻页2", "翻页1"], ["翻页0"]] and third.next_cursor is None
    r = c.get("/sysadmin/", {"q": "1" * 14})
    assert r.status_code == 200 and "最多11位" in r.content.decode()
    r = c.get("/sysadmin/", {"cursor": "forged"})
    assert r.status_code == 200 and "翻页参数" in r.content.decode()
    r = c.get("/sysadmin/", {"q": "翻页", "cursor": first.next_cursor})
    assert "翻页2" in r.content.decode() and "翻页4" not in r.content.decode()


def test_create_shows_the_one_time_password_once_and_the_first_login_must_change_it(world: World):
    member = make_member(world.union_a, "和档案", id_number=make_id_number(serial=9501), mobile="13900009501")
    c = browser(world.county_admin)
    r = c.post(
        "/sysadmin/new/",
        {
            "mobile": "13900009501",
            "name": "",
            "org": world.union_a.code,
            "role": "grassroots_cadre",
            "member_id_number": make_id_number(serial=9501),
        },
    )
    assert r.status_code == 200 and r["Cache-Control"].startswith("no-store")
    import re

    password = re.search(r'data-testid="one-time-password">([^<]+)<', r.content.decode()).group(1)
    user = User.objects.get(mobile="13900009501")
    assert user.member_id == member.pk and user.name == "和档案"
    assert password not in c.get(f"/sysadmin/{user.pk}/").content.decode()  # shown once only
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "13900009501", "password": password})
    assert fresh.get("/members/")["Location"].startswith("/accounts/password/")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mobile": "1234", "name": "甲"}, "手机号码应为"),
        ({"mobile": "13900009502", "name": ""}, "请填写姓名"),
        ({"mobile": "13900009502", "name": "甲", "member_id_number": "123"}, "身份证号"),
        ({"mobile": "13900009502", "name": "甲", "member_id_number": make_id_number(serial=9599)}, "没有这个身份证号"),
        ({"mobile": "13900009502", "name": "甲", "role": "sysadmin_x"}, "有效的选项"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(world: World, data, message):
    c = browser(world.county_admin)
    r = c.post("/sysadmin/new/", {"org": world.union_a.code, **data})
    assert r.status_code == 200 and message in r.content.decode()
    assert not User.objects.filter(mobile="13900009502").exists()


def test_detail_grant_revoke_disable_enable_reset(world: World):
    target = make_user("被管理", Role.MEMBER, world.union_a)
    c = browser(world.county_admin)
    assert "被管理" in c.get(f"/sysadmin/{target.pk}/").content.decode()
    r = c.post(f"/sysadmin/{target.pk}/grant/", {"org": world.union_a.code, "role": "grassroots_cadre"})
    assert r.status_code == 302
    assert set(target.roles.values_list("role", flat=True)) == {"member", "grassroots_cadre"}
    r = c.post(f"/sysadmin/{target.pk}/grant/", {"org": world.union_a.code, "role": "county_cadre"})
    assert r.status_code == 200 and "层级不符" in r.content.decode()
    rid = target.roles.get(role="grassroots_cadre").pk
    assert c.post(f"/sysadmin/{target.pk}/roles/{rid}/revoke/").status_code == 302
    assert c.post(f"/sysadmin/{target.pk}/disable/").status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert c.post(f"/sysadmin/{target.pk}/enable/").status_code == 302
    r = c.post(f"/sysadmin/{target.pk}/reset-password/")
    assert r.status_code == 200 and "一次性密码" in r.content.decode()
    target.refresh_from_db()
    assert target.is_active and target.must_change_password
    r = c.post(f"/sysadmin/{world.county_admin.pk}/disable/", follow=True)
    assert "不能停用自己的账号" in r.content.decode()


# ---------------------------------------------------------------- API


def test_api_create_grant_reset_and_errors(world: World):
    client, h = api(world.county_admin)
    r = client.post(
        "/api/accounts/",
        json.dumps({"mobile": "13900009601", "name": "接口甲", "org_code": world.union_a.code, "role": "member"}),
        "application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["one_time_password"] and body["account"]["roles"][0]["role"] == "member"
    pk = body["account"]["id"]
    r = client.post(
        f"/api/accounts/{pk}/roles",
        json.dumps({"org_code": world.city.code, "role": "city_cadre"}),
        "application/json",
        **h,
    )
    assert r.status_code == 404  # a county admin cannot grant a city role
    r = client.post(
        f"/api/accounts/{pk}/roles",
        json.dumps({"org_code": world.union_a.code, "role": "leader"}),
        "application/json",
        **h,
    )
    assert r.status_code == 201  # a system admin at the county grants 领导 in the county
    r = client.post(
        f"/api/accounts/{pk}/roles", json.dumps({"org_code": world.union_a.code, "role": 7}), "application/json", **h
    )
    assert r.status_code == 422 and r.json()["field"] == "role"
    r = client.post(
        "/api/accounts/",
        json.dumps({"mobile": "13900009602", "org_code": world.union_a.code, "x": 1}),
        "application/json",
        **h,
    )
    assert r.status_code == 422 and "未知字段" in r.json()["detail"]
    r = client.post(f"/api/accounts/{pk}/reset-password", **h)
    assert r.status_code == 200 and r.json()["one_time_password"] != body["one_time_password"]
    r = client.get("/api/accounts/", {"q": "接口"}, **h)
    assert [a["id"] for a in r.json()["items"]] == [pk] and r.json()["next_cursor"] is None
    r = client.get("/api/accounts/", {"cursor": "forged"}, **h)
    assert r.status_code == 422 and r.json()["field"] == "cursor"
    r = client.get("/api/accounts/", {"q": "1" * 14}, **h)
    assert r.status_code == 422 and r.json()["field"] == "q"
    r = client.get(f"/api/accounts/{world.city_admin.pk}", **h)
    assert r.status_code == 404


def test_api_token_dies_when_its_owner_is_reset(world: World):
    client, h = api(world.cadre_a)
    assert client.get("/api/me", **h).status_code == 200
    admin, ah = api(world.county_admin)
    assert admin.post(f"/api/accounts/{world.cadre_a.pk}/reset-password", **ah).status_code == 200
    assert client.get("/api/me", **h).status_code == 401


def test_api_bulk_counts(world: World):
    make_member(world.union_a, "批量一", mobile="13900009701")
    make_member(world.union_a, "批量二")
    client, h = api(world.county_admin)
    r = client.post(
        "/api/accounts/bulk-for-union", json.dumps({"org_code": world.union_a.code}), "application/json", **h
    )
    assert r.status_code == 200
    body = r.json()
    assert body["created"] == 1
    assert {s["reason"]: s["count"] for s in body["skipped"]}["no_mobile"] >= 1
