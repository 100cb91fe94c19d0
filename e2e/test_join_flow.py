"""A worker with no member record applies on a phone; the cadre approves; the worker is a member."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_id_number, make_user

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_worker_joins_on_a_phone_and_cadre_approves(phone_page: Page, page: Page, live_server, world) -> None:
    url = live_server.url
    newcomer = make_user("和新人")

    login(phone_page, url, newcomer.mobile)
    expect(phone_page).to_have_url(re.compile(r"/members/join/$"))
    expect(phone_page.locator("h1")).to_contain_text("申请加入工会")
    # Nothing on the page is wider than the phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone_page)

    phone_page.fill("#org-q", "酒店")
    choice = phone_page.locator("#org-results label", has_text=world.union_a.name)
    expect(choice).to_be_visible()
    choice.click()
    phone_page.fill("input[name=id_number]", make_id_number("530721", sex="F"))
    phone_page.select_option("select[name=ethnicity]", "纳西族")
    phone_page.fill("input[name=employer]", "古城某客栈")
    phone_page.check("input[name=is_new_employment]")
    shot(phone_page, "phone-join")
    assert_accessible(phone_page)
    phone_page.click("button:has-text('提交入会申请')")
    expect(phone_page.locator(".flash-success")).to_contain_text("入会申请已提交")
    expect(phone_page.locator("table[aria-label='入会申请']")).to_contain_text("待审批")
    assert_accessible(phone_page)

    # The cadre approves on a desktop.
    login(page, url, world.cadre_a.mobile)
    page.goto(f"{url}/members/queues/")
    row = page.locator("#join-queue tr", has_text="和新人")
    expect(row).to_be_visible()
    shot(page, "desktop-queues")
    assert_accessible(page)
    row.locator("button:has-text('批准入会')").click()
    expect(page.locator(".flash-success")).to_contain_text("已批准和新人的入会申请")
    expect(page.locator("#join-queue")).not_to_contain_text("和新人")
    assert_accessible(page)

    # The worker sees the membership.
    phone_page.goto(f"{url}/members/me/")
    expect(phone_page.locator("#membership-status")).to_contain_text("在会")
    expect(phone_page.locator(".profile-head")).to_contain_text(world.union_a.name)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone_page, "phone-me")
    assert_accessible(phone_page)
    phone_page.goto(f"{url}/members/me/requests/")
    expect(phone_page.locator("table[aria-label='入会申请']")).to_contain_text("已通过")
    assert_accessible(phone_page)
