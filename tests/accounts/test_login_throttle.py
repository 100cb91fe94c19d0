"""Per-address login throttle on top of axes' per-account lockout (security 5c)."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.accounts.models import Throttle
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GOOD = "Gonghui2026pass"


def login(client: Client, mobile: str, password: str):
    return client.post("/accounts/login/", {"username": mobile, "password": password})


def test_one_address_trying_many_accounts_is_slowed(settings):
    settings.GONGHUI_LOGIN_IP_FAILURE_LIMIT = 6
    victims = [make_user(f"受试{i}") for i in range(4)]
    attacker = Client(REMOTE_ADDR="10.6.6.6")
    for user in victims[:3]:  # two wrong tries per account: no account reaches axes' lockout
        for _ in range(2):
            assert login(attacker, user.mobile, "wrong-pass-1").status_code == 200
    r = login(attacker, victims[3].mobile, GOOD)  # even the right password of a fresh account
    assert r.status_code == 429
    text = r.content.decode()
    assert "这个网络地址" in text and "分钟后再试" in text
    assert "_auth_user_id" not in attacker.session
    # another address is not affected, and the accounts themselves are not locked
    assert login(Client(REMOTE_ADDR="10.6.6.7"), victims[0].mobile, GOOD).status_code == 302


def test_the_window_ends(settings):
    settings.GONGHUI_LOGIN_IP_FAILURE_LIMIT = 2
    user = make_user("窗口")
    c = Client(REMOTE_ADDR="10.6.6.8")
    login(c, user.mobile, "wrong-pass-1")
    login(c, user.mobile, "wrong-pass-1")
    assert login(c, user.mobile, GOOD).status_code == 429
    import datetime as dt

    from django.utils import timezone

    Throttle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))
    assert login(c, user.mobile, GOOD).status_code == 302


def test_defaults_leave_room_for_an_office_behind_one_address():
    from django.conf import settings as s

    assert s.GONGHUI_LOGIN_IP_FAILURE_LIMIT >= 5 * s.AXES_FAILURE_LIMIT
    assert s.GONGHUI_LOGIN_IP_WINDOW_MINUTES == 15
