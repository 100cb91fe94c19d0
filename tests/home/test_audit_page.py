"""The audit page: scoped to the viewer's subtree, names instead of ids, filters with Chinese labels,
keyset pages, a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.home.selectors import AuditFilters, audit_events, visible_events
from gonghui.members.services import member_update
from gonghui.orgs.services import org_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("home:audit_list")


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def _html(client, user, **params) -> str:
    response = _get(client, user, **params)
    assert response.status_code == 200
    return response.content.decode()


def _mark(world, org, label, **kw):
    """An event at `org` whose object label says where it is (what the page must or must not show)."""
    return audit.record(
        actor=world.city_admin,
        action="member.update",
        object_type="members.member",
        object_id=kw.pop("object_id", 1),
        object_label=label,
        org_id=org.pk if org is not None else None,
        **kw,
    )


# ---------------------------------------------------------------- who sees the page at all


@pytest.mark.parametrize("persona", ["worker", "cadre_a", "cadre_b", "county_cadre_a", "leader"])
def test_the_page_is_not_found_without_the_audit_right(client, world, persona):
    assert _get(client, getattr(world, persona)).status_code == 404


def test_anonymous_goes_to_the_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---------------------------------------------------------------- scope


@pytest.fixture
def marks(world):
    return {
        "union_a": _mark(world, world.union_a, "甲酒店的记录"),
        "union_a2": _mark(world, world.union_a2, "甲快递的记录"),
        "county_a": _mark(world, world.county_a, "古城区本级的记录"),
        "county_b": _mark(world, world.county_b, "永胜县本级的记录"),
        "union_b": _mark(world, world.union_b, "永胜水电站的记录"),
        "city": _mark(world, world.city, "市总本级的记录"),
        "platform": _mark(world, None, "平台级的记录"),
    }


def test_a_county_admin_reads_its_county_and_nothing_else(client, world, marks):
    html = _html(client, world.county_admin)
    for mine in ("甲酒店的记录", "甲快递的记录", "古城区本级的记录"):
        assert mine in html
    for theirs in ("永胜县本级的记录", "永胜水电站的记录", "市总本级的记录", "平台级的记录"):
        assert theirs not in html
    assert "查看范围：古城区总工会及其下级" in html


def test_the_city_admin_reads_the_whole_trail(client, world, marks):
    html = _html(client, world.city_admin)
    for label in (
        "甲酒店的记录",
        "古城区本级的记录",
        "永胜县本级的记录",
        "永胜水电站的记录",
        "市总本级的记录",
        "平台级的记录",
    ):
        assert label in html


def test_a_county_admin_cannot_reach_other_events_through_filters_or_paging(client, world, marks):
    for params in (
        {"object_type": "members.member", "object_id": "1"},
        {"org": world.county_b.code},
        {"org": "永胜"},
        {"action": "member.update"},
    ):
        html = _html(client, world.county_admin, **params)
        assert "永胜县本级的记录" not in html and "市总本级的记录" not in html
    refused = _html(client, world.county_admin, org="永胜县")
    assert "您的范围内没有名称或编码为“永胜县”的工会" in refused


def test_the_scope_is_the_selector_not_the_view(world, marks):
    ids = set(visible_events(world.county_admin).values_list("id", flat=True))
    assert ids & {m.id for m in marks.values()} == {marks["union_a"].id, marks["union_a2"].id, marks["county_a"].id}
    seen_orgs = set(visible_events(world.county_admin).values_list("org_id_snapshot", flat=True))
    assert world.union_b.pk not in seen_orgs and world.city.pk not in seen_orgs
    everything = set(visible_events(world.city_admin).values_list("id", flat=True))
    assert everything >= {m.id for m in marks.values()}


def test_account_events_without_an_org_follow_the_accounts_roles(client, world):
    at_county_a = make_user("古城区新干部", Role.GRASSROOTS_CADRE, world.union_a2)
    at_county_b = make_user("永胜县新干部", Role.GRASSROOTS_CADRE, world.union_b)
    at_city = make_user("市总新干部", Role.CITY_CADRE, world.city)
    for user in (at_county_a, at_county_b, at_city):
        audit.record(actor=world.city_admin, action="user.password_change", obj=user)
    # the worker's account: reached through the member record, not a role
    audit.record(actor=world.worker, action="user.password_change", obj=world.worker)
    html = _html(client, world.county_admin, action="user.password_change")
    assert "古城区新干部" in html and world.worker.name in html
    assert "永胜县新干部" not in html and "市总新干部" not in html
    everyone = _html(client, world.city_admin, action="user.password_change")
    assert "永胜县新干部" in everyone and "市总新干部" in everyone


def test_org_events_belong_to_that_org(client, world):
    org_update(
        org=world.union_a, data={"address": "古城区七一街"}, version=world.union_a.version, actor=world.city_admin
    )
    event = AuditEvent.objects.filter(action="org.update").latest("id")
    assert event.org_id_snapshot == world.union_a.pk
    # and an older event on an org, written before, without its org, is still the org's
    old = audit.record(actor=None, action="org.update", object_type="orgs.org", object_id=world.union_b.pk)
    assert old.org_id_snapshot is None
    ids = set(visible_events(world.county_admin).values_list("id", flat=True))
    assert event.id in ids and old.id not in ids


# ---------------------------------------------------------------- names, not ids


def test_names_not_ids(client, world):
    audit.record(
        actor=world.city_admin,
        action="role.grant",
        object_type="accounts.roleassignment",
        object_id=99,
        org_id=world.union_a.pk,
        after={"user_id": world.cadre_a.pk, "role": Role.GRASSROOTS_CADRE, "org_id": world.union_a.pk},
    )
    audit.record(
        actor=world.cadre_a,
        action="join_request.approve",
        object_type="members.joinrequest",
        object_id=98,
        org_id=world.union_a.pk,
        after={"member_id": world.member_a.pk},
    )
    audit.record(
        actor=world.cadre_a,
        action="transfer.accept",
        object_type="members.transferrequest",
        object_id=97,
        org_id=world.union_a2.pk,
        after={"to_org": world.union_a2.pk, "member_id": world.member_b.pk},  # member_b is not county A's
    )
    html = _html(client, world.county_admin)
    rows = re.findall(r'<table class="changes">.*?</table>', html, flags=re.S)
    text = "\n".join(rows)
    assert "和建国" in text  # the account
    assert "古城区某酒店工会" in text and "古城区快递物流工会" in text  # orgs
    assert "木丽华" in text  # a member inside the viewer's subtree
    assert "李永福" not in html and f"#{world.member_b.pk}" in text  # outside it: the id only
    assert f">{world.union_a.pk}<" not in text and f">{world.cadre_a.pk}<" not in text
    assert "授予角色" in html and "基层工会干部" in text  # action label, role choice label
    # the org column names the event's union
    assert '<td data-label="所属工会">古城区快递物流工会</td>' in html


def test_real_services_render_with_names(client, world):
    m = world.member_a
    member_update(member=m, data={"employer": "玉龙雪山景区"}, version=m.version, actor=world.cadre_a)
    html = _html(client, world.county_admin, action="member.update")
    assert "修改会员信息" in html and "和建国" in html
    assert "工作单位" in html and "玉龙雪山景区" in html and "（空）" in html
    assert '<td data-label="所属工会">古城区某酒店工会</td>' in html


def test_no_action_or_object_type_shows_a_raw_code(client, world):
    for code in ("member.import_batch", "household.bulk_create", "member.transfer_out", "report.download_pdf"):
        audit.record(actor=world.city_admin, action=code, object_type="members.importjob", org_id=world.union_a.pk)
    html = _html(client, world.city_admin)
    body = html.split("<tbody>", 1)[1]
    for code in ("member.import_batch", "household.bulk_create", "member.transfer_out", "report.download_pdf"):
        assert f">{code}<" not in body
    assert ">members.importjob " not in body


# ---------------------------------------------------------------- filters


def test_filters(client, world):
    m = world.member_a
    member_update(member=m, data={"employer": "甲"}, version=m.version, actor=world.cadre_a)
    c = world.city_admin
    by_actor = _html(client, c, actor="和建国")
    assert "修改会员信息" in by_actor.split("<tbody>", 1)[1]
    assert "登记会员" not in by_actor.split("<tbody>", 1)[1]
    by_mobile = _html(client, c, actor=world.cadre_a.mobile)
    assert "修改会员信息" in by_mobile.split("<tbody>", 1)[1]
    by_object = _html(client, c, object_type="members.member", object_id=str(world.member_b.pk))
    assert "李永福" in by_object and "木丽华" not in by_object.split("<tbody>", 1)[1]
    by_action = _html(client, c, action="member.create").split("<tbody>", 1)[1]
    assert "登记会员" in by_action and "修改会员信息" not in by_action
    by_union = _html(client, c, org="永胜").split("<tbody>", 1)[1]
    assert "李永福" in by_union and "木丽华" not in by_union
    by_code = _html(client, c, org=world.county_a.code).split("<tbody>", 1)[1]
    assert "木丽华" in by_code and "李永福" not in by_code
    future = _html(client, c, since="2999-01-01")
    assert "没有符合条件的记录" in future


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "明天"}, "“从”的日期格式应为 2026-11-27"),
        ({"until": "2026-13-01"}, "“到”的日期格式应为 2026-11-27"),
        ({"since": "2026-12-01", "until": "2026-11-01"}, "“到”的日期不能早于“从”的日期"),
        ({"action": "member.teleport"}, "没有这种动作，请从列表中选择"),
        ({"org": "不存在的工会"}, "您的范围内没有名称或编码为“不存在的工会”的工会"),
    ],
)
def test_bad_filters_say_which_field_and_show_nothing(client, world, params, message):
    _mark(world, world.union_a, "甲酒店的记录")
    html = _html(client, world.city_admin, **params)
    assert message in html and "没有符合条件的记录" in html and "甲酒店的记录" not in html
    assert 'aria-invalid="true"' in html


def test_the_filter_lists_are_chinese(client, world):
    html = _html(client, world.city_admin)
    select = html.split('id="f-action"', 1)[1].split("</select>", 1)[0]
    assert '<option value="member.reveal_id">查看完整身份证号</option>' in select
    assert '<option value="report.download_pdf">下载专报 PDF</option>' in select
    types = html.split('id="f-type"', 1)[1].split("</select>", 1)[0]
    assert '<option value="members.member">会员</option>' in types
    assert re.search(r'<option value="members\.importjob">[^<a-z]+</option>', types)


def test_typed_filters_come_back(client, world):
    html = _html(client, world.city_admin, actor="和建国", org="古城", since="2026-01-01", action="member.create")
    assert 'value="和建国"' in html and 'value="古城"' in html and 'value="2026-01-01"' in html
    assert '<option value="member.create" selected>' in html


# ---------------------------------------------------------------- paging and queries


def test_keyset_pages(client, world):
    for i in range(60):
        _mark(world, world.union_a, f"第{i}条", object_id=i)
    first = _html(client, world.county_admin)
    assert "第59条" in first and "第10条" in first and "第9条" not in first
    cursor = re.search(r'rel="next" href="\?cursor=([^"&]+)"', first)
    assert cursor, "a next-page link"
    second = _html(client, world.county_admin, cursor=cursor.group(1).replace("%3A", ":"))
    assert "第9条" in second and "第0条" in second and "第10条" not in second
    assert 'rel="next"' not in second and "第一页" in second
    bad = _html(client, world.county_admin, cursor="forged")
    assert "翻页参数" in bad and "第59条" in bad


def test_a_cursor_cannot_widen_the_scope(world):
    for i in range(3):
        _mark(world, world.union_b, f"永胜{i}", object_id=i)
    result = audit_events(user=world.county_admin, filters=AuditFilters())
    assert not [e for e in result.events if e.org_id_snapshot == world.union_b.pk]


def _references(world, n):
    for i in range(n):
        audit.record(
            actor=world.cadre_a,
            action="transfer.accept",
            object_type="members.transferrequest",
            object_id=i,
            org_id=(world.union_a if i % 2 else world.union_a2).pk,
            before={"member_id": world.member_a.pk, "org_id": world.union_a.pk},
            after={"user_id": world.cadre_a.pk, "to_org": world.union_a2.pk},
        )


@pytest.mark.parametrize("n", [3, 60])
def test_queries_do_not_grow_with_the_rows(client, world, django_assert_max_num_queries, n):
    _references(world, n)
    client.force_login(world.county_admin)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("古城区快递物流工会") >= min(n, 50)
