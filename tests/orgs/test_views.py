"""Org tree pages: scope, counts, and the forms that call orgs.services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db


def _c(client, user):
    client.force_login(user)
    return client


def test_tree_lists_the_scope_in_path_order_with_counts(client, world):
    make_member(world.union_a2, "快递员甲")
    html = _c(client, world.county_cadre_a).get(reverse("orgs:tree")).content.decode()
    assert world.county_a.name in html and world.union_a.name in html and world.union_a2.name in html
    assert world.union_b.name not in html and world.county_b.name not in html
    assert html.index(world.county_a.name) < html.index(world.union_a.name)
    assert "基层工会" in html and "有人" in html and "有钱" in html and "有地方" in html


def test_tree_member_counts_include_the_subtree(client, world):
    from gonghui.orgs.selectors import org_tree_rows

    make_member(world.union_a2, "快递员甲")
    rows = {r.org.pk: r for r in org_tree_rows(user=world.city_admin)}
    assert rows[world.union_a.pk].members == 1
    assert rows[world.county_a.pk].members == 0 and rows[world.county_a.pk].subtree_members == 2
    assert rows[world.city.pk].subtree_members == 3


def test_tree_is_404_for_a_worker(client, world):
    assert _c(client, world.worker).get(reverse("orgs:tree")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("cadre_a", "union_a", 200),
        ("cadre_a", "union_b", 404),
        ("cadre_a", "county_a", 404),
        ("county_cadre_a", "union_a2", 200),
        ("county_cadre_a", "county_b", 404),
        ("city_admin", "union_b", 200),
        ("worker", "union_a", 404),
    ],
)
def test_detail_scope(client, world, persona, org, status):
    code = getattr(world, org).code
    assert _c(client, getattr(world, persona)).get(reverse("orgs:detail", args=[code])).status_code == status


def test_detail_shows_capacity_and_manage_buttons_only_to_managers(client, world):
    html = _c(client, world.cadre_a).get(reverse("orgs:detail", args=[world.union_a.code])).content.decode()
    assert "有人 · 有钱 · 有地方" in html and "专职干部" in html
    assert reverse("orgs:edit", args=[world.union_a.code]) not in html
    html = _c(client, world.county_cadre_a).get(reverse("orgs:detail", args=[world.union_a.code])).content.decode()
    assert reverse("orgs:edit", args=[world.union_a.code]) in html


def test_grassroots_cadre_cannot_manage(client, world):
    c = _c(client, world.cadre_a)
    for name in ("edit", "create_child", "move", "merge", "close"):
        assert c.get(reverse(f"orgs:{name}", args=[world.union_a.code])).status_code == 404, name
    resp = c.post(reverse("orgs:edit", args=[world.union_a.code]), {"version": 1, "name": "改名"})
    assert resp.status_code == 404
    world.union_a.refresh_from_db()
    assert world.union_a.name == "古城区某酒店工会"


def _edit_data(org: Org, **changes: object) -> dict[str, object]:
    data = {
        "version": org.version,
        "name": org.name,
        "region_code": org.region_code,
        "credit_code": org.credit_code or "",
        "industry": org.industry,
        "address": org.address,
        "fulltime_cadres": org.fulltime_cadres,
        "parttime_cadres": org.parttime_cadres,
        "funds_year": org.funds_year or "",
        "funds_received": org.funds_received,
        "funds_spent": org.funds_spent,
        "venue_name": org.venue_name,
    }
    data.update(changes)
    return data


def test_edit_capacity_figures_and_audit(client, world):
    c = _c(client, world.county_cadre_a)
    org = world.union_a
    resp = c.post(
        reverse("orgs:edit", args=[org.code]),
        _edit_data(
            org, fulltime_cadres=1, parttime_cadres=3, funds_year=2026, funds_received="12000.5", has_venue="on"
        ),
    )
    assert resp.status_code == 302
    org.refresh_from_db()
    assert (org.fulltime_cadres, org.parttime_cadres, org.has_venue) == (1, 3, True)
    assert str(org.funds_received) == "12000.50"
    event = AuditEvent.objects.get(action="org.update", object_id=str(org.pk))
    assert event.after["funds_received"] == "12000.50" and event.actor == world.county_cadre_a
    detail = c.get(reverse("orgs:detail", args=[org.code])).content.decode()
    assert "12,000.50 元" in detail


def test_edit_refuses_bad_input_and_stale_forms(client, world):
    c = _c(client, world.county_cadre_a)
    org = world.union_a
    bad = c.post(reverse("orgs:edit", args=[org.code]), _edit_data(org, credit_code="91530700MA6N12345X"))
    assert bad.status_code == 200 and "统一社会信用代码不正确" in bad.content.decode()
    neg = c.post(reverse("orgs:edit", args=[org.code]), _edit_data(org, funds_spent="-5"))
    assert "金额不能为负数" in neg.content.decode()
    stale = _edit_data(org, name="旧表单的名字")
    assert c.post(reverse("orgs:edit", args=[org.code]), _edit_data(org, name="新名字")).status_code == 302
    resp = c.post(reverse("orgs:edit", args=[org.code]), stale)
    assert "该记录已被他人修改" in resp.content.decode()
    org.refresh_from_db()
    assert org.name == "新名字"


def test_create_child_offers_only_allowed_kinds(client, world):
    c = _c(client, world.county_cadre_a)
    form = c.get(reverse("orgs:create_child", args=[world.county_a.code])).content.decode()
    assert 'value="grassroots"' in form and 'value="county"' not in form
    resp = c.post(
        reverse("orgs:create_child", args=[world.county_a.code]),
        {"kind": "grassroots", "name": "古城区新建筑工地工会", "industry": "construction"},
    )
    assert resp.status_code == 302
    org = Org.objects.get(name="古城区新建筑工地工会")
    assert org.parent == world.county_a and org.path.startswith(world.county_a.path)
    dup = c.post(
        reverse("orgs:create_child", args=[world.county_a.code]),
        {"kind": "grassroots", "name": "另一个", "code": org.code},
    )
    assert "已被使用" in dup.content.decode()


def test_move_and_merge_and_close(client, world):
    c = _c(client, world.city_admin)
    # move union_a2 from county A to county B
    page = c.get(reverse("orgs:move", args=[world.union_a2.code])).content.decode()
    assert world.county_b.name in page
    resp = c.post(
        reverse("orgs:move", args=[world.union_a2.code]),
        {"version": world.union_a2.version, "parent": world.county_b.code},
    )
    assert resp.status_code == 302
    world.union_a2.refresh_from_db()
    assert world.union_a2.parent == world.county_b
    # a stale move form is refused
    stale = c.post(reverse("orgs:move", args=[world.union_a2.code]), {"version": 1, "parent": world.county_a.code})
    assert "该记录已被他人修改" in stale.content.decode()
    # merging needs the confirmation box, then moves the members
    url = reverse("orgs:merge", args=[world.union_a.code])
    resp = c.post(url, {"version": world.union_a.version, "target": world.union_b.code})
    assert "请勾选确认后再合并" in resp.content.decode()
    resp = c.post(url, {"version": world.union_a.version, "target": world.union_b.code, "confirm": "on"})
    assert resp.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.org == world.union_b
    world.union_a.refresh_from_db()
    assert world.union_a.status == "merged"
    # closing a union that still has members is refused with the service's message
    close = c.post(
        reverse("orgs:close", args=[world.union_b.code]), {"version": world.union_b.version, "reason": "企业关停"}
    )
    assert "还有在会会员" in close.content.decode()
    empty = make_org(world.county_b, "grassroots", "空工会")
    ok = c.post(reverse("orgs:close", args=[empty.code]), {"version": empty.version, "reason": "企业关停"})
    assert ok.status_code == 302
    empty.refresh_from_db()
    assert empty.status == "closed"
    assert AuditEvent.objects.filter(action__in=["org.move", "org.merge", "org.close"]).count() >= 3


def test_merge_target_outside_scope_is_refused(client, world):
    c = _c(client, world.county_cadre_a)
    resp = c.post(
        reverse("orgs:merge", args=[world.union_a.code]),
        {"version": world.union_a.version, "target": world.union_b.code, "confirm": "on"},
    )
    assert resp.status_code == 200  # not offered, so the form refuses the choice
    world.union_a.refresh_from_db()
    assert world.union_a.status == "active"
