"""Account security end to end: argon2, lockout, session expiry, password rules, first-password change."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GOOD = "Gonghui2026pass"
BASE = importlib.import_module("gonghui.settings.base")


def login(client: Client, mobile: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": mobile, "password": password})


# ---------------------------------------------------------------- argon2


def test_base_settings_hash_with_argon2id():
    assert BASE.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=BASE.PASSWORD_HASHERS):
        encoded = make_password("Lijiang2026x")
        assert encoded.startswith("argon2$argon2id$")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert check_password("Lijiang2026x", encoded)
        assert not check_password("Lijiang2026y", encoded)


def test_prod_settings_keep_argon2():
    source = (settings.BASE_DIR / "gonghui" / "settings" / "prod.py").read_text()
    assert "PASSWORD_HASHERS" not in source  # prod inherits base's argon2 list unchanged


def test_older_hash_is_upgraded_to_argon2_at_login():
    with override_settings(PASSWORD_HASHERS=BASE.PASSWORD_HASHERS):
        user = make_user("旧哈希")
        user.password = make_password(GOOD, hasher="pbkdf2_sha256")
        user.save()
        assert login(Client(), user.mobile, GOOD).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$")


# ---------------------------------------------------------------- lockout (django-axes, per account)


def test_five_failures_lock_the_account_even_for_the_right_password():
    user = make_user("锁定")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = login(client, user.mobile, "wrong-pass-1")
        assert r.status_code == 200
        assert "手机号码或密码不正确" in r.content.decode()
    r = login(client, user.mobile, "wrong-pass-1")  # the 5th failure locks
    assert r.status_code == 429
    assert "锁定" in r.content.decode()
    r = login(client, user.mobile, GOOD)
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/members/").status_code == 302  # still not logged in


def test_lockout_is_per_account_not_per_office_address():
    victim, colleague = make_user("被锁"), make_user("同事")
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, victim.mobile, "wrong-pass-1")
    assert login(client, victim.mobile, GOOD).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.8")  # same NAT address, another account
    assert login(other, colleague.mobile, GOOD).status_code == 302


def test_lock_lifts_after_the_cooloff():
    user = make_user("冷却")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.mobile, "wrong-pass-1")
    assert login(client, user.mobile, GOOD).status_code == 429
    assert settings.AXES_COOLOFF_TIME == 0.5  # hours
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert login(client, user.mobile, GOOD).status_code == 302


def test_success_resets_the_failure_count():
    user = make_user("重置")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.mobile, "wrong-pass-1")
    assert login(client, user.mobile, GOOD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.mobile, "wrong-pass-1")
    assert login(client, user.mobile, GOOD).status_code == 302


def test_inactive_account_cannot_log_in():
    user = make_user("停用")
    User.objects.filter(pk=user.pk).update(is_active=False)
    r = login(Client(), user.mobile, GOOD)
    assert r.status_code == 200 and "_auth_user_id" not in r.wsgi_request.session


# ---------------------------------------------------------------- sessions


def test_session_settings():
    assert BASE.SESSION_COOKIE_AGE == 8 * 3600
    assert BASE.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert BASE.SESSION_COOKIE_HTTPONLY is True
    prod = (settings.BASE_DIR / "gonghui" / "settings" / "prod.py").read_text()
    assert "SESSION_COOKIE_SECURE = True" in prod and "CSRF_COOKIE_SECURE = True" in prod


def test_session_cookie_ends_with_the_browser_and_expires_on_the_server():
    user = make_user("会话")
    client = Client()
    r = login(client, user.mobile, GOOD)
    cookie = r.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert client.get("/accounts/password/").status_code == 200
    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert dt.timedelta(hours=7, minutes=59) < left <= dt.timedelta(hours=8)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_logout_ends_the_session_and_needs_post():
    user = make_user("退出")
    client = Client()
    login(client, user.mobile, GOOD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/members/").status_code == 302


# ---------------------------------------------------------------- password rules


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab12345", "太短"),
        ("1234567890123", "只包含数字"),
        ("abcdefghijkl", "字母和数字"),
        ("password123", "太常见"),
    ],
)
def test_password_rules_refuse_weak_passwords(password, reason):
    user = User(mobile="13912345678", name="和丽萍")
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any(reason in m for m in exc.value.messages), exc.value.messages


@pytest.mark.parametrize("password", ["13912345678a", "Helipingx2026"])
def test_password_similar_to_the_mobile_or_name_is_refused(password):
    user = User(mobile="13912345678", name="helipingx")
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any("相似" in m for m in exc.value.messages), exc.value.messages


def test_good_password_passes_and_validators_are_in_base_settings():
    validate_password("Yulong-Snow-2026", User(mobile="13912345678", name="和丽萍"))
    names = [v["NAME"] for v in BASE.AUTH_PASSWORD_VALIDATORS]
    assert "gonghui.accounts.passwords.MixedCharactersValidator" in names
    min_length = next(v for v in BASE.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator"))
    assert min_length["OPTIONS"]["min_length"] == 10


# ---------------------------------------------------------------- first password


def _first_login_user() -> User:
    user = make_user("新干部")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    return User.objects.get(pk=user.pk)


def test_first_password_must_be_changed_before_anything_else():
    user = _first_login_user()
    client = Client()
    r = login(client, user.mobile, GOOD)
    assert r.status_code == 302
    for path in ("/", "/members/", "/orgs/", "/audit/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"] == "/accounts/password/?first=1", path
    page = client.get("/accounts/password/?first=1")
    assert page.status_code == 200 and "第一次登录" in page.content.decode()
    assert client.post("/accounts/logout/").status_code == 302  # logging out stays possible


def test_first_password_change_end_to_end():
    user = _first_login_user()
    client = Client()
    login(client, user.mobile, GOOD)
    # weak, mismatching and wrong-old attempts are refused with Chinese messages, nothing changes
    r = client.post(
        "/accounts/password/", {"old_password": GOOD, "new_password": "12345678", "new_password2": "12345678"}
    )
    assert r.status_code == 200 and "密码" in r.content.decode()
    r = client.post(
        "/accounts/password/",
        {"old_password": GOOD, "new_password": "Yulong-Snow-2026", "new_password2": "Yulong-Snow-2027"},
    )
    assert "两次输入的新密码不一致" in r.content.decode()
    r = client.post(
        "/accounts/password/",
        {"old_password": "not-it-123", "new_password": "Yulong-Snow-2026", "new_password2": "Yulong-Snow-2026"},
    )
    assert "原密码不正确" in r.content.decode()
    r = client.post("/accounts/password/", {"old_password": GOOD, "new_password": GOOD, "new_password2": GOOD})
    assert "不能与原密码相同" in r.content.decode()
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(GOOD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()

    r = client.post(
        "/accounts/password/",
        {"old_password": GOOD, "new_password": "Yulong-Snow-2026", "new_password2": "Yulong-Snow-2026"},
    )
    assert r.status_code == 302 and r["Location"] == "/"
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Yulong-Snow-2026") and not user.check_password(GOOD)
    assert AuditEvent.objects.filter(action="user.password_change", actor=user).count() == 1
    # still logged in (session hash updated), and pages open now
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] != "/accounts/password/?first=1"
    # the old password no longer logs in, the new one does
    fresh = Client()
    assert login(fresh, user.mobile, GOOD).status_code == 200
    assert login(fresh, user.mobile, "Yulong-Snow-2026").status_code == 302


def test_password_change_page_needs_login():
    r = Client().get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
