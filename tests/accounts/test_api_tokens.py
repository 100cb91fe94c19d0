"""`gonghui create-api-token` / `revoke-api-token`: the secret is shown once, only its hash is stored."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("create-api-token", *args, stdout=out)
    return out.getvalue()


def test_create_token_prints_it_once_and_stores_only_the_hash(world):
    data = json.loads(create("--mobile", world.cadre_a.mobile, "--name", "名册同步", "--json"))
    secret = data["token"]
    assert secret.startswith("gh_") and len(secret) > 40
    token = ApiToken.objects.get(user=world.cadre_a)
    assert token.name == "名册同步" and token.prefix == secret[:8] == data["prefix"]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([token.key_hash, token.name, token.prefix])
    event = AuditEvent.objects.get(action="token.create")
    assert event.actor is None and secret not in json.dumps([event.before, event.after, event.object_label])
    r = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200 and r.json()["id"] == world.cadre_a.pk


def test_plain_output_shows_the_header_to_use(world):
    text = create("--mobile", world.cadre_a.mobile)
    assert "只显示这一次" in text and "Authorization: Bearer gh_" in text


def test_unknown_bad_or_inactive_mobile_is_refused(world):
    with pytest.raises(CommandError, match="没有这个手机号码的账号"):
        create("--mobile", "13999999999")
    with pytest.raises(CommandError, match="手机号码"):
        create("--mobile", "12345")
    world.cadre_b.is_active = False
    world.cadre_b.save()
    with pytest.raises(CommandError, match="停用"):
        create("--mobile", world.cadre_b.mobile)
    assert not ApiToken.objects.exists()


def test_revoke_token(world):
    secret = json.loads(create("--mobile", world.cadre_a.mobile, "--json"))["token"]
    out = io.StringIO()
    call_command("revoke-api-token", "--prefix", secret[:8], stdout=out)
    assert "已吊销" in out.getvalue()
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1
    with pytest.raises(CommandError, match="没有以此开头的有效令牌"):
        call_command("revoke-api-token", "--prefix", secret[:8])


def test_token_of_a_user_still_on_a_first_password_is_refused(world):
    secret = json.loads(create("--mobile", world.cadre_a.mobile, "--json"))["token"]
    world.cadre_a.must_change_password = True
    world.cadre_a.save()
    r = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 403 and "初始密码" in r.json()["detail"]
    world.cadre_a.must_change_password = False
    world.cadre_a.save()
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
