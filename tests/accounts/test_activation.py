"""Worker self-activation: mobile + 身份证号 + a code through the notification senders.

No enumeration: an unknown ID number, a wrong mobile, an account already open all answer exactly like
the right pair (same page, same words, same next step); only the right pair makes the code go out.
Rate limits per mobile and per address; wrong codes lock the mobile out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gonghui.accounts.models import OneTimeCode, OutboxMessage, Throttle, User
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members.services.activation import activation_confirm, activation_request
from tests.conftest import World
from tests.factories import make_id_number, make_member, make_user

pytestmark = pytest.mark.django_db

OUTBOX = ["gonghui.accounts.outbox.OutboxSender"]
GOOD_PASSWORD = "Yulong-Snow-2026"


@pytest.fixture
def outbox(settings):
    settings.GONGHUI_NOTIFY_SENDERS = OUTBOX
    settings.GONGHUI_DEMO_OUTBOX = True
    from gonghui.core import notify

    notify._senders.cache_clear()
    yield
    notify._senders.cache_clear()


@pytest.fixture
def person(world: World):
    number = make_id_number(serial=9101)
    member = make_member(world.union_a, "和阿月", id_number=number, mobile="13900009101")
    return member, number


def start(client: Client, mobile: str, id_number: str):
    return client.post("/members/activate/", {"mobile": mobile, "id_number": id_number}, follow=True)


def code_in_outbox(mobile: str) -> str:
    body = OutboxMessage.objects.filter(mobile=mobile).latest("id").body
    return re.search(r"\d{6}", body).group(0)


def visible(response) -> str:
    """The page as read: the answer's text without the CSRF token (which differs per request)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_the_right_pair_gets_a_code_and_opens_the_account(person, outbox, django_capture_on_commit_callbacks):
    member, number = person
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = start(client, "13900009101", number)
    assert r.redirect_chain[-1][0] == "/members/activate/confirm/"
    code = code_in_outbox("13900009101")
    assert number not in str(list(AuditEvent.objects.values_list("after", flat=True)))
    r = client.post("/members/activate/confirm/", {"code": code, "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    user = User.objects.get(mobile="13900009101")
    assert user.member_id == member.pk and user.check_password(GOOD_PASSWORD) and not user.must_change_password
    assert list(user.roles.values_list("role", "org_id")) == [("member", member.org_id)]
    assert client.get("/members/me/").status_code == 200  # logged in
    assert AuditEvent.objects.filter(action="user.activate", object_id=str(user.pk)).exists()
    # the code is used up
    with pytest.raises(DomainError):
        activation_confirm(ticket=_ticket("13900009101", number), code=code, password=GOOD_PASSWORD, ip="10.1.1.1")


def _ticket(mobile: str, number: str):
    from gonghui.members.services.activation import ActivationTicket
    from gonghui.members.services.identity import id_hmac

    return ActivationTicket(mobile=mobile, subject=id_hmac(number))


def test_no_enumeration_unknown_id_wrong_mobile_and_open_account_answer_the_same(
    world: World, person, outbox, django_capture_on_commit_callbacks
):
    _member, number = person
    cases = {
        "right": ("13900009101", number),
        "unknown_id": ("13900009101", make_id_number(serial=9199)),
        "wrong_mobile": ("13900009109", number),
    }
    from gonghui.core.crypto import decrypt

    cases["has_account"] = (world.member_a.mobile, decrypt(world.member_a.id_cipher, context=b"id_number"))
    pages = {}
    for name, (mobile, id_number) in cases.items():
        Throttle.objects.all().delete()  # each case as a first visit (the cases share mobiles)
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            r = start(client, mobile, id_number)
        pages[name] = (r.redirect_chain, visible(r).replace(f"{mobile[:3]}****{mobile[-4:]}", "MOBILE"))
        # step two answers a wrong code identically too
        r2 = client.post("/members/activate/confirm/", {"code": "000000", "password": "x", "password2": "x"})
        pages[name] += (visible(r2).replace(f"{mobile[:3]}****{mobile[-4:]}", "MOBILE"),)
    for name in ("unknown_id", "wrong_mobile", "has_account"):
        for a, b in zip(pages[name], pages["right"], strict=True):
            if a != b:
                import difflib

                print("\n".join(difflib.unified_diff(str(b).splitlines(), str(a).splitlines(), lineterm="")))
        assert pages[name] == pages["right"], name
    # only the right pair made a code leave the platform
    assert list(OutboxMessage.objects.values_list("mobile", flat=True)) == ["13900009101"]
    assert OneTimeCode.objects.count() == 1


def test_malformed_input_names_the_field_and_writes_nothing(person, outbox):
    client = Client()
    r = client.post("/members/activate/", {"mobile": "12345", "id_number": "530702199001010011"})
    assert r.status_code == 200 and "手机号码应为" in r.content.decode()
    r = client.post("/members/activate/", {"mobile": "13900009101", "id_number": "5307021990"})
    assert r.status_code == 200 and "身份证号" in r.content.decode()
    assert not Throttle.objects.exists() and not OneTimeCode.objects.exists()


def test_codes_per_mobile_are_rate_limited_with_a_message(person, outbox, settings):
    settings.GONGHUI_ACTIVATION_PER_MOBILE = 3
    _member, number = person
    for _ in range(3):
        activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    with pytest.raises(DomainError) as exc:
        activation_request(mobile="13900009101", id_number=number, ip="10.0.0.2")
    assert "分钟后再试" in exc.value.message
    # an unknown ID number on the same mobile meets the same limit (no tell)
    with pytest.raises(DomainError) as exc2:
        activation_request(mobile="13900009101", id_number=make_id_number(serial=9198), ip="10.0.0.3")
    assert exc2.value.message == exc.value.message
    assert OneTimeCode.objects.count() == 3


def test_requests_per_address_are_rate_limited(world: World, outbox, settings):
    settings.GONGHUI_ACTIVATION_PER_IP = 2
    activation_request(mobile="13900009201", id_number=make_id_number(serial=9201), ip="10.9.9.9")
    activation_request(mobile="13900009202", id_number=make_id_number(serial=9202), ip="10.9.9.9")
    with pytest.raises(DomainError):
        activation_request(mobile="13900009203", id_number=make_id_number(serial=9203), ip="10.9.9.9")
    activation_request(mobile="13900009203", id_number=make_id_number(serial=9203), ip="10.9.9.10")


def test_wrong_codes_lock_the_mobile_out_even_for_the_right_code(person, outbox, settings):
    settings.GONGHUI_ACTIVATION_CODE_FAILURES = 3
    _member, number = person
    ticket = activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    row = OneTimeCode.objects.get()
    messages = []
    for _ in range(3):
        with pytest.raises(DomainError) as exc:
            activation_confirm(ticket=ticket, code="999999", password=GOOD_PASSWORD, ip="10.0.0.1")
        messages.append(exc.value.message)
    assert "还可尝试2次" in messages[0] and "过多" in messages[-1]
    row.refresh_from_db()
    assert row.used_at is not None  # the code is dead
    # a fresh code cannot be asked for while locked
    with pytest.raises(DomainError) as exc:
        activation_request(mobile="13900009101", id_number=number, ip="10.0.0.5")
    assert "分钟后再试" in exc.value.message
    assert not User.objects.filter(mobile="13900009101").exists()


def test_wrong_codes_for_a_mobile_with_no_code_are_counted_the_same(world: World, outbox, settings):
    settings.GONGHUI_ACTIVATION_CODE_FAILURES = 2
    ticket = activation_request(mobile="13900009301", id_number=make_id_number(serial=9301), ip="10.0.0.1")
    with pytest.raises(DomainError) as first:
        activation_confirm(ticket=ticket, code="123456", password=GOOD_PASSWORD, ip="10.0.0.1")
    assert "还可尝试1次" in first.value.message
    with pytest.raises(DomainError) as second:
        activation_confirm(ticket=ticket, code="123456", password=GOOD_PASSWORD, ip="10.0.0.1")
    assert "过多" in second.value.message


def test_a_weak_password_keeps_the_code_for_another_try(person, outbox, django_capture_on_commit_callbacks):
    member, number = person
    with django_capture_on_commit_callbacks(execute=True):
        ticket = activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    code = code_in_outbox("13900009101")
    with pytest.raises(DomainError) as exc:
        activation_confirm(ticket=ticket, code=code, password="12345678", ip="10.0.0.1")
    assert exc.value.field == "password"
    assert not User.objects.filter(mobile="13900009101").exists()
    user = activation_confirm(ticket=ticket, code=code, password=GOOD_PASSWORD, ip="10.0.0.1")
    assert user.member_id == member.pk


def test_a_bulk_made_account_gets_its_first_password(world: World, person, outbox, django_capture_on_commit_callbacks):
    from gonghui.members.services.accounts_bulk import worker_accounts_for_union

    member, number = person
    worker_accounts_for_union(org=world.union_a, actor=world.city_admin)
    made = User.objects.get(member=member)
    assert not made.has_usable_password()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    user = activation_confirm(ticket=ticket, code=code_in_outbox("13900009101"), password=GOOD_PASSWORD, ip="10.0.0.1")
    assert user.pk == made.pk and user.check_password(GOOD_PASSWORD)
    assert user.roles.count() == 1


def test_a_disabled_or_activated_account_gets_no_code(world: World, person, outbox, django_capture_on_commit_callbacks):
    from gonghui.accounts.services import account_disable
    from gonghui.members.services.accounts_bulk import worker_accounts_for_union

    member, number = person
    worker_accounts_for_union(org=world.union_a, actor=world.city_admin)
    account_disable(actor=world.city_admin, user=User.objects.get(member=member))
    with django_capture_on_commit_callbacks(execute=True):
        activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    assert not OutboxMessage.objects.exists()


def test_a_mobile_that_is_another_login_gets_no_code(world: World, outbox, django_capture_on_commit_callbacks):
    taken = make_user("占用者")
    number = make_id_number(serial=9401)
    make_member(world.union_a, "和阿星", id_number=number, mobile=taken.mobile)
    with django_capture_on_commit_callbacks(execute=True):
        activation_request(mobile=taken.mobile, id_number=number, ip="10.0.0.1")
    assert not OutboxMessage.objects.exists()


def test_without_any_sender_no_code_leaves_and_the_answer_is_the_same(person, settings):
    settings.GONGHUI_NOTIFY_SENDERS = []
    from gonghui.core import notify

    notify._senders.cache_clear()
    _member, number = person
    ticket = activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    assert ticket.mobile == "13900009101"
    assert not OutboxMessage.objects.exists()


def test_the_outbox_page_shows_the_code_only_when_turned_on(
    person, outbox, settings, django_capture_on_commit_callbacks
):
    _member, number = person
    with django_capture_on_commit_callbacks(execute=True):
        activation_request(mobile="13900009101", id_number=number, ip="10.0.0.1")
    code = code_in_outbox("13900009101")
    page = Client().get("/accounts/outbox/")
    assert page.status_code == 200 and code in page.content.decode()
    assert "13900009101" not in page.content.decode()  # the mobile is masked
    settings.GONGHUI_DEMO_OUTBOX = False
    assert Client().get("/accounts/outbox/").status_code == 404


def test_activation_pages_are_not_cached_and_logged_in_users_are_sent_home(world: World):
    assert Client().get("/members/activate/")["Cache-Control"] == "no-store"
    c = Client()
    c.force_login(world.worker)
    assert c.get("/members/activate/")["Location"] == "/"
    assert Client().get("/members/activate/confirm/")["Location"] == "/members/activate/"
