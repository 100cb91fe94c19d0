import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_cadre_logs_in_and_lands_on_todo(page, live_server, world):
    login(page, live_server.url, world.cadre_a.mobile)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("待办")
    assert page.locator("header").inner_text().count("退出") == 1
    assert_accessible(page)

    # the member list is one click away in the main navigation
    page.locator("nav.nav").get_by_role("link", name="会员", exact=True).click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    assert_accessible(page)


def test_wrong_password_shows_chinese_message(page, live_server, world):
    login(page, live_server.url, world.cadre_a.mobile, "wrong-password-1")
    assert "手机号码或密码不正确" in page.content()
    assert_accessible(page)
