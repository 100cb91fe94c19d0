"""The audit page as a county system admin uses it, on a phone and a desktop: its own county only,
names instead of ids, a refused filter said in words; no horizontal scrolling; axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gonghui.core import audit

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def _events(world) -> None:
    audit.record(
        actor=world.city_admin,
        action="role.grant",
        object_type="accounts.roleassignment",
        object_id=1,
        object_label="古城区授权（端到端）",
        org_id=world.union_a.pk,
        after={"user_id": world.cadre_a.pk, "org_id": world.union_a.pk, "role": "grassroots_cadre"},
    )
    audit.record(  # long changes: the widest column squeezes the others
        actor=world.cadre_a,
        action="member.update",
        object_type="members.member",
        object_id=world.member_a.pk,
        object_label="古城区的记录（端到端）",
        org_id=world.union_a.pk,
        before={"employer": "古城区某酒店" * 12},
        after={"employer": "玉龙雪山旅游索道公司" * 12},
    )
    audit.record(
        actor=world.cadre_b,
        action="member.update",
        object_type="members.member",
        object_id=world.member_b.pk,
        object_label="永胜县的记录（端到端）",
        org_id=world.union_b.pk,
    )


@pytest.mark.parametrize("device", ["phone_page", "page"])
def test_county_admin_reads_its_own_county(request, world, live_server, device):
    pg: Page = request.getfixturevalue(device)
    _events(world)
    login(pg, live_server.url, world.county_admin.mobile)
    pg.goto(f"{live_server.url}/audit/")
    table = pg.locator("table[aria-label='审计记录']")
    expect(table).to_contain_text("古城区授权（端到端）")
    expect(table).to_contain_text("和建国")  # the account named, not its id
    expect(table).to_contain_text("古城区某酒店工会")
    expect(table).not_to_contain_text("永胜县的记录（端到端）")
    width = pg.evaluate("document.documentElement.clientWidth")
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    if device == "page":  # at 1280 px a name stays on one line (it once broke as "李文 / 华")
        lines = pg.evaluate(
            """() => [...document.querySelectorAll("table.table > tbody > tr > td[data-label='操作人']")]
                .map(td => { const r = document.createRange(); r.selectNodeContents(td);
                             return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""
        )
        assert lines and all(n == 1 for n in lines), f"lines per 操作人 cell: {lines}"
    assert_accessible(pg)

    pg.fill("#f-org", "永胜")
    pg.click("button:has-text('筛选')")
    expect(pg.locator("#e-org")).to_contain_text("您的范围内没有名称或编码为“永胜”的工会")
    expect(pg.locator("#f-org")).to_have_value("永胜")
    assert_accessible(pg)
