"""A cadre finds a member by name, edits a field, and the change shows in the audit trail."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_cadre_finds_edits_and_sees_the_audit_entry(page: Page, live_server, world) -> None:
    url = live_server.url
    login(page, url, world.cadre_a.mobile)
    # cadres land on 待办; the member list is in the main navigation
    expect(page).to_have_url(f"{url}/")
    expect(page.locator("h1")).to_have_text("待办")
    page.locator("nav.nav").get_by_role("link", name="会员", exact=True).click()
    expect(page).to_have_url(re.compile(r"/members/$"))

    # Find by name: typing searches through htmx, Enter works too.
    page.fill("input[name=q]", "木丽")
    page.press("input[name=q]", "Enter")
    result = page.locator("#results a", has_text="木丽华")
    expect(result).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("李永福")
    shot(page, "desktop-member-list")
    assert_accessible(page)
    result.click()

    expect(page.locator("h1")).to_contain_text("木丽华")
    expect(page.locator("#id-number")).to_have_text(world.member_a.id_masked)
    page.click("text=显示完整身份证号")
    expect(page.locator("#id-box .revealed")).to_be_visible()
    shot(page, "desktop-member-detail")
    assert_accessible(page)

    page.click("text=修改信息")
    assert_accessible(page)
    page.fill("input[name=employer]", "玉龙雪山旅游索道公司")
    page.select_option("select[name=education]", label="大学专科")
    page.click("button:has-text('保存')")
    expect(page.locator(".flash-success")).to_contain_text("会员信息已保存")
    expect(page.locator(".dl")).to_contain_text("玉龙雪山旅游索道公司")
    assert_accessible(page)

    page.click("text=变动与修改记录")
    entries = page.locator("#audit-entries")
    expect(entries).to_contain_text("修改会员信息")
    expect(entries).to_contain_text("和建国")
    expect(entries).to_contain_text("玉龙雪山旅游索道公司")
    expect(entries).to_contain_text("查看完整身份证号")
    shot(page, "desktop-member-history")
    assert_accessible(page)

    # The system admin sees the same change on the audit page.
    page.click("button:has-text('退出')")
    login(page, url, world.city_admin.mobile)
    page.goto(f"{url}/audit/?actor={world.cadre_a.mobile}")
    table = page.locator("table[aria-label='审计记录']")
    expect(table).to_contain_text("修改会员信息")
    expect(table).to_contain_text("工作单位")
    expect(table).to_contain_text("玉龙雪山旅游索道公司")
    shot(page, "desktop-audit")
    assert_accessible(page)
