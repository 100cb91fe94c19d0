"""core.middleware: the client address the audit trail records, and no-store on personal answers."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from gonghui.accounts.services import token_create
from gonghui.core.middleware import NO_STORE, client_ip
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

rf = RequestFactory()


def _ip(forwarded: str | None, remote: str = "10.0.0.9") -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **meta))


# ---------------------------------------------------------------- X-Forwarded-For


@override_settings(GONGHUI_TRUSTED_PROXIES=0)
def test_no_trusted_proxy_ignores_the_header_whatever_it_says():
    assert _ip(None) == "10.0.0.9"
    assert _ip("6.6.6.6") == "10.0.0.9"
    assert _ip("6.6.6.6, 7.7.7.7") == "10.0.0.9"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_one_proxy_takes_the_hop_it_appended_not_what_the_client_sent():
    assert _ip("203.0.113.7") == "203.0.113.7"
    # The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the address it saw.
    assert _ip("6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert _ip("6.6.6.6,203.0.113.7") == "203.0.113.7"


@override_settings(GONGHUI_TRUSTED_PROXIES=2)
def test_two_proxies_take_the_second_hop_from_the_right():
    assert _ip("6.6.6.6, 203.0.113.7, 10.0.0.2") == "203.0.113.7"
    assert _ip("203.0.113.7, 10.0.0.2") == "203.0.113.7"
    # Fewer hops than proxies: the request did not come through our chain; the socket address it is.
    assert _ip("203.0.113.7") == "10.0.0.9"
    assert _ip("") == "10.0.0.9"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
@pytest.mark.parametrize("junk", ["<script>", "unknown", "1.2.3.4:5678", "999.1.1.1", "a" * 300, " , "])
def test_a_hop_that_is_not_an_address_falls_back_to_the_socket(junk):
    assert _ip(junk) == "10.0.0.9"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_ipv6_hops_are_kept_in_canonical_form():
    assert _ip("2001:DB8:0:0::1") == "2001:db8::1"
    assert _ip(None, remote="::1") == "::1"


def _reveal(client, world, **headers):
    client.force_login(world.cadre_a)
    response = client.post(reverse("members:reveal", kwargs={"pk": world.member_a.pk}), **headers)
    assert response.status_code == 200
    return AuditEvent.objects.filter(action="member.reveal_id").latest("id")


@override_settings(GONGHUI_TRUSTED_PROXIES=0)
def test_a_spoofed_header_does_not_reach_the_audit_trail(client, world):
    event = _reveal(client, world, HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.4")
    assert event.ip == "198.51.100.4"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_trail_records_the_client(client, world):
    event = _reveal(client, world, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert event.ip == "203.0.113.7"


@override_settings(GONGHUI_TRUSTED_PROXIES=1)
def test_a_junk_header_never_breaks_the_write(client, world):
    # An unparseable address used to go straight into the inet column (a 500 on PostgreSQL).
    event = _reveal(client, world, HTTP_X_FORWARDED_FOR="<script>alert(1)</script>", REMOTE_ADDR="10.0.0.2")
    assert event.ip == "10.0.0.2"


# ---------------------------------------------------------------- Cache-Control: no-store


def _no_store(response) -> bool:
    return response.get("Cache-Control") == NO_STORE


@pytest.mark.parametrize(
    ("persona", "name", "kwargs"),
    [
        ("cadre_a", "members:list", None),
        ("cadre_a", "members:detail", "member_a"),
        ("cadre_a", "members:history", "member_a"),
        ("worker", "members:me", None),
        ("worker", "voice:mine", None),
        ("city_admin", "home:audit_list", None),
        ("cadre_a", "orgs:tree", None),
        ("cadre_b", "members:detail", "member_a"),  # a 404 to a signed-in user too
    ],
)
def test_pages_for_a_signed_in_user_are_no_store(client, world, persona, name, kwargs):
    client.force_login(getattr(world, persona))
    url = reverse(name, kwargs={"pk": getattr(world, kwargs).pk} if kwargs else None)
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert _no_store(response), (name, response.get("Cache-Control"))


def test_the_member_reveal_answer_is_no_store(client, world):
    client.force_login(world.cadre_a)
    response = client.post(reverse("members:reveal", kwargs={"pk": world.member_a.pk}), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and _no_store(response)


def test_the_roster_export_file_is_no_store(client, world):
    client.force_login(world.cadre_a)
    response = client.post(reverse("members:roster_export"), {"org": world.union_a.code})
    assert "spreadsheet" in response["Content-Type"]
    assert _no_store(response)
    assert "Expires" not in response


def test_the_report_download_is_no_store(client, world):
    from gonghui.voice.services import demand_enter, report_create

    demand = demand_enter(actor=world.cadre_a, org=world.union_a, text="夜班没有补贴", source="visit")
    from gonghui.voice.models import Issue, IssueMembership

    issue = Issue.objects.create(scope_org=world.union_a, label="夜班补贴")
    IssueMembership.objects.create(issue=issue, demand=demand, scope_org=world.union_a)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue], title="专报")
    client.force_login(world.cadre_a)
    response = client.get(reverse("voice:report_download", kwargs={"pk": report.pk, "fmt": "docx"}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert _no_store(response)


def test_an_api_call_with_a_token_is_no_store(client, world):
    _, secret = token_create(user=world.cadre_a, name="t", actor=None)
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and _no_store(response)
    refused = client.get("/api/me", HTTP_AUTHORIZATION="Bearer gh_wrong")
    assert refused.status_code == 401 and _no_store(refused)


def test_anonymous_pages_keep_their_own_caching(client, world):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200 and not _no_store(response)


def test_static_assets_keep_their_caching_even_when_signed_in(client, world):
    client.force_login(world.cadre_a)
    response = client.get("/static/gonghui/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_that_asked_for_caching_is_overridden(client, world, settings):
    from django.http import HttpResponse

    from gonghui.core.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse("个人信息")
        response["Cache-Control"] = "public, max-age=3600"
        response["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        return response

    request = rf.get("/members/")
    request.user = world.cadre_a
    response = NoStoreMiddleware(view)(request)
    assert response["Cache-Control"] == NO_STORE and "Expires" not in response


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [(0, "6.6.6.6", "198.51.100.4"), (1, "6.6.6.6, 203.0.113.7", "203.0.113.7")],
)
def test_the_login_lockout_log_records_the_same_address(client, world, settings, trusted, forwarded, expected):
    from axes.models import AccessAttempt

    settings.GONGHUI_TRUSTED_PROXIES = trusted
    client.post(
        reverse("accounts:login"),
        {"username": world.cadre_a.mobile, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR="198.51.100.4",
    )
    assert AccessAttempt.objects.get().ip_address == expected
