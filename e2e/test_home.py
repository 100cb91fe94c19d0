"""A cadre signs in and lands on 待办: cards with counts for their union, each leading to its list; it
fits a phone and a desktop, and axe-core finds nothing serious."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.members.services import join_request_submit
from gonghui.voice.choices import DemandSource
from gonghui.voice.services import demand_enter
from tests.factories import make_id_number, make_user

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_cadre_lands_on_todo_and_follows_a_card(page: Page, phone_page: Page, live_server, world) -> None:
    url = live_server.url
    applicant = make_user("申请人乙")
    join_request_submit(
        user=applicant, org=world.union_a, name="申请人乙", id_number=make_id_number(serial=8301), mobile="13900008301"
    )
    demand_enter(
        actor=world.cadre_a, org=world.union_a, text="工地脚手架没有安全带，随时会出事", source=DemandSource.VISIT
    )

    for p, name in ((phone_page, "home-375"), (page, "home-1280")):
        login(p, url, world.cadre_a.mobile)
        expect(p).to_have_url(f"{url}/")
        expect(p.locator("h1")).to_have_text("待办")
        expect(p.locator('[data-todo="members.joins"] .value')).to_contain_text("1")
        expect(p.locator('[data-todo="voice.urgent"]')).to_contain_text("紧急")
        assert p.evaluate("document.documentElement.scrollWidth") <= p.viewport_size["width"]
        assert_accessible(p)
        shot(p, name)

    page.locator('[data-todo="members.joins"] a').click()
    expect(page).to_have_url(re.compile(r"/members/queues/"))
    expect(page.locator("#join-queue")).to_contain_text("申请人乙")

    # another union's cadre: a calm page, none of union_a's items
    other = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(other, url, world.cadre_b.mobile)
    expect(other.locator("main")).to_contain_text("暂无待办")
    expect(other.locator("[data-todo]")).to_have_count(0)
    assert_accessible(other)
    other.context.close()
