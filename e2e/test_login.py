import pytest

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_cadre_logs_in_and_lands_on_member_list(page, live_server, world):
    login(page, live_server.url, world.cadre_a.mobile)
    assert "/members/" in page.url
    assert page.locator("header").inner_text().count("退出") == 1
    assert_accessible(page)


def test_wrong_password_shows_chinese_message(page, live_server, world):
    login(page, live_server.url, world.cadre_a.mobile, "wrong-password-1")
    assert "手机号码或密码不正确" in page.content()
    assert_accessible(page)
