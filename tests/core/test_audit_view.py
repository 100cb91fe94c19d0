"""The audit page: system admins only; filters; keyset "older" link; before/after values."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.members.services import member_update

pytestmark = pytest.mark.django_db


def _c(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["worker", "cadre_a", "county_cadre_a", "leader"])
def test_audit_page_is_404_for_non_admins(client, world, persona):
    assert _c(client, getattr(world, persona)).get(reverse("home:audit_list")).status_code == 404


def test_audit_page_shows_before_and_after(client, world):
    m = world.member_a
    member_update(member=m, data={"employer": "玉龙雪山景区"}, version=m.version, actor=world.cadre_a)
    html = _c(client, world.city_admin).get(reverse("home:audit_list")).content.decode()
    assert "修改会员信息" in html and "和建国" in html
    assert "工作单位" in html and "玉龙雪山景区" in html and "（空）" in html
    assert "审计记录" in html


def test_audit_filters(client, world):
    m = world.member_a
    member_update(member=m, data={"employer": "甲"}, version=m.version, actor=world.cadre_a)
    c = _c(client, world.city_admin)
    by_actor = c.get(reverse("home:audit_list"), {"actor": "和建国"}).content.decode()
    assert "修改会员信息" in by_actor and "登记会员" not in by_actor
    by_mobile = c.get(reverse("home:audit_list"), {"actor": world.cadre_a.mobile}).content.decode()
    assert "修改会员信息" in by_mobile
    by_object = c.get(
        reverse("home:audit_list"), {"object_type": "members.member", "object_id": str(world.member_b.pk)}
    ).content.decode()
    assert "李永福" in by_object and "木丽华" not in by_object
    future = c.get(reverse("home:audit_list"), {"since": "2999-01-01"}).content.decode()
    assert "没有符合条件的记录" in future
    bad = c.get(reverse("home:audit_list"), {"since": "明天"}).content.decode()
    assert "日期格式应为" in bad


def test_audit_keyset_older_link(client, world):
    for i in range(60):
        audit.record(actor=world.cadre_a, action="member.reveal_id", object_type="members.member", object_id=i)
    c = _c(client, world.city_admin)
    html = c.get(reverse("home:audit_list"), {"actor": "和建国"}).content.decode()
    assert "更早的记录" in html
    newest = AuditEvent.objects.filter(actor=world.cadre_a).order_by("-id")
    cut = newest[49].id
    assert f"before={cut}" in html
    older = c.get(reverse("home:audit_list"), {"actor": "和建国", "before": cut}).content.decode()
    assert "回到最新" in older and "更早的记录" not in older
    assert f">#{newest[49].object_id}<" not in older
    assert f">#{newest[50].object_id}<" in older
