"""The axe-core check itself: it passes on our pages and fails, naming the rule, on a bad one."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_and_home_pages_pass_axe(page: Page, phone_page: Page, live_server, world) -> None:
    for pg in (page, phone_page):
        pg.goto(f"{live_server.url}/accounts/login/")
        expect(pg.locator("h1")).to_be_visible()
        assert_accessible(pg)
        login(pg, live_server.url, world.cadre_a.mobile)
        assert_accessible(pg)


def test_the_check_fails_on_low_contrast_text(page: Page, live_server, world) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    # grey on white, about 1.5:1, set through the DOM (the CSP refuses inline style attributes)
    page.evaluate(
        """() => { const p = document.createElement('p'); p.textContent = '几乎看不见的字';
        p.style.color = '#cccccc'; p.style.background = '#ffffff'; document.querySelector('main').append(p); }"""
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_accessible(page)
    assert_accessible(page, allow=("color-contrast",))
