"""A cadre adds one member (page and API) by the roster's row rules; typed values come back on a refused
form (the add form, the join form after a union search); the worker's contact mobile is not a login."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from gonghui.accounts.services import token_create
from gonghui.core.crypto import decrypt
from gonghui.core.models import AuditEvent
from gonghui.members.models import JoinRequest, Member, MembershipEvent
from gonghui.members.services import id_hmac
from gonghui.members.services.identity import mask_org_name
from tests.factories import make_id_number, make_user

pytestmark = pytest.mark.django_db

BORN = dt.date(1992, 5, 17)


def _number(serial: int = 1, sex: str = "F") -> str:
    return make_id_number("530702", BORN, sex, serial=31_000 + serial)


def _form(world, **over):  # type: ignore[no-untyped-def]
    data = {
        "org": world.union_a.code,
        "name": "和丽芳",
        "id_number": _number(),
        "sex": "F",
        "birth_date": BORN.isoformat(),
        "mobile": "139 8700 3101",
        "ethnicity": "纳西族",
        "education": "bachelor",
        "political_status": "cyl",
        "employer": "古城区某酒店（前厅部）",
        "joined_on": "2020年5月1日",
        "is_migrant_worker": "on",
    }
    data.update(over)
    return data


def _state() -> tuple[int, int, int]:
    return Member.objects.count(), MembershipEvent.objects.count(), AuditEvent.objects.count()


def test_the_member_list_and_the_add_page_are_there_for_a_cadre_with_edit_rights(client, world):
    client.force_login(world.cadre_a)
    assert reverse("members:add") in client.get(reverse("members:list")).content.decode()
    html = client.get(reverse("members:add")).content.decode()
    assert "添加会员" in html and world.union_a.name in html and world.union_b.name not in html
    client.force_login(world.leader)  # may read the city's members, not edit them: no link, no page
    assert reverse("members:add") not in client.get(reverse("members:list")).content.decode()
    assert client.get(reverse("members:add")).status_code == 404


def test_a_cadre_adds_a_member_checked_and_audited(client, world):
    client.force_login(world.cadre_a)
    resp = client.post(reverse("members:add"), _form(world))
    member = Member.objects.get(id_hmac=id_hmac(_number()))
    assert resp.status_code == 302 and resp["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.org, member.name, member.sex, member.birth_date) == (world.union_a, "和丽芳", "F", BORN)
    assert (member.mobile, member.education, member.political_status) == ("13987003101", "bachelor", "cyl")
    assert member.employer == "古城区某酒店（前厅部）"  # typed punctuation kept
    assert member.joined_on == dt.date(2020, 5, 1) and member.is_migrant_worker
    assert decrypt(member.id_cipher, context=b"id_number") == _number()
    event = AuditEvent.objects.get(action="member.create", object_id=str(member.pk))
    assert event.actor_id == world.cadre_a.pk and _number() not in json.dumps(event.after, ensure_ascii=False)
    assert member.events.get().kind == "joined"


def test_a_refused_form_says_every_problem_beside_its_field_and_keeps_every_value(client, world):
    client.force_login(world.cadre_a)
    before = _state()
    data = _form(world, name="和丽芳🌸", sex="M", birth_date="1992-05-18", mobile="1398700", employer="客房部，二楼")
    resp = client.post(reverse("members:add"), data)
    html = resp.content.decode()
    assert resp.status_code == 200 and _state() == before
    form = resp.context["form"]
    assert set(form.errors) == {"name", "sex", "birth_date", "mobile"}
    assert "🌸" in form.errors["name"][0]
    assert "1992年5月17日" in form.errors["birth_date"][0]
    assert "与身份证号不符" in form.errors["sex"][0]
    for typed in (_number(), "客房部，二楼", "1398700", "1992-05-18"):  # nothing typed is lost
        assert f'value="{typed}"' in html


def test_the_same_words_as_a_roster(client, world):
    client.force_login(world.cadre_a)
    resp = client.post(reverse("members:add"), _form(world, political_status="外星人"))
    assert resp.status_code == 200 and "political_status" in resp.context["form"].errors  # a choice list here
    from gonghui.members.services import member_register

    member = member_register(
        org=world.union_a,
        values={"name": "木春", "id_number": _number(2), "political_status": "无党派", "education": "职高"},
        actor=world.cadre_a,
    )
    assert (member.political_status, member.education) == ("nonparty", "vocational_high")


def test_a_duplicate_names_the_union_masked_outside_scope(client, world):
    client.force_login(world.cadre_a)
    number_b = decrypt(world.member_b.id_cipher, context=b"id_number")
    sex = "M" if int(number_b[16]) % 2 else "F"
    before = _state()
    resp = client.post(reverse("members:add"), _form(world, id_number=number_b, sex=sex, birth_date=""))
    errors = resp.context["form"].errors["id_number"]
    assert resp.status_code == 200 and _state() == before
    assert mask_org_name(world.union_b.name) in errors[0] and world.union_b.name not in errors[0]
    client.force_login(world.city_admin)  # the city sees union_b: named in full
    resp = client.post(reverse("members:add"), _form(world, id_number=number_b, sex=sex, birth_date=""))
    assert world.union_b.name in resp.context["form"].errors["id_number"][0]


def test_another_unions_cadre_cannot_add_to_union_a(client, world):
    client.force_login(world.cadre_b)
    before = _state()
    resp = client.post(reverse("members:add"), _form(world))
    assert resp.status_code == 200 and "org" in resp.context["form"].errors and _state() == before


def _api(world, user):  # type: ignore[no-untyped-def]
    _token, secret = token_create(user=user, name="测试", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "content_type": "application/json"}


def test_api_adds_a_member_by_the_same_rules(client, world):
    h = _api(world, world.cadre_a)
    body = {"org_code": world.union_a.code, "name": "和丽芳", "id_number": _number(), "political_status": "民盟"}
    before = _state()
    bad = client.post("/api/members/", json.dumps({**body, "birth_date": "1992-06-17"}), **h)
    assert bad.status_code == 422 and bad.json()["field"] == "birth_date" and "1992年5月17日" in bad.json()["detail"]
    wrong_sex = client.post("/api/members/", json.dumps({**body, "sex": "M"}), **h)
    assert wrong_sex.status_code == 422 and wrong_sex.json()["field"] == "sex"
    assert _state() == before
    ok = client.post("/api/members/", json.dumps({**body, "birth_date": BORN.isoformat(), "sex": "F"}), **h)
    assert ok.status_code == 201 and ok.json()["political_status"] == "cdl" and ok.json()["birth_date"] == "1992-05-17"
    again = client.post("/api/members/", json.dumps(body), **h)
    assert again.status_code == 409 and world.union_a.name in again.json()["detail"]
    other = client.post("/api/members/", json.dumps({**body, "id_number": _number(3)}), **_api(world, world.cadre_b))
    assert other.status_code == 404


# --- typed values come back -----------------------------------------------------------------------------


def test_join_form_keeps_the_id_number_and_employer_through_a_union_search(client, world):
    applicant = make_user("新职工")
    client.force_login(applicant)
    number = _number(5)
    data = {"org_q": "快递", "search_orgs": "1", "name": "新职工", "id_number": number, "mobile": "13900003105"}
    resp = client.post(reverse("members:join"), {**data, "employer": "某快递网点"})
    html = resp.content.decode()
    assert resp.status_code == 200 and not JoinRequest.objects.filter(user=applicant).exists()
    assert f'value="{number}"' in html and 'value="某快递网点"' in html and 'value="快递"' in html
    assert world.union_a2.name in html  # the search found the union
    assert not resp.context["form"].errors  # a search is not a refusal
    # a refused submission keeps them too (and the search typed)
    del data["search_orgs"]
    resp = client.post(reverse("members:join"), {**data, "employer": "某快递网点", "mobile": "12"})
    html = resp.content.decode()
    assert resp.status_code == 200 and f'value="{number}"' in html and 'value="某快递网点"' in html
    assert world.union_a2.name in html
    # and with the union picked, the request goes in
    resp = client.post(reverse("members:join"), {**data, "org": world.union_a2.code, "employer": "某快递网点"})
    assert resp.status_code == 302 and JoinRequest.objects.get(user=applicant).employer == "某快递网点"


# --- the worker's contact mobile ------------------------------------------------------------------------


def test_contact_mobile_cannot_be_another_accounts_login_and_the_page_says_it_is_not_the_login(client, world):
    client.force_login(world.worker)
    html = client.get(reverse("members:me")).content.decode()
    assert "不会改变登录手机号" in html and world.worker.mobile[-4:] in html
    before = (world.member_a.mobile, AuditEvent.objects.count())
    resp = client.post(reverse("members:me"), {"mobile": world.cadre_a.mobile})
    assert resp.status_code == 200 and "另一个账号的登录手机号" in resp.context["form"].errors["mobile"][0]
    world.member_a.refresh_from_db()
    assert (world.member_a.mobile, AuditEvent.objects.count()) == before
    # the worker's own login number is fine, and changing the contact leaves the login alone
    login = world.worker.mobile
    assert client.post(reverse("members:me"), {"mobile": login}).status_code == 302
    assert client.post(reverse("members:me"), {"mobile": "13987009999"}).status_code == 302
    world.worker.refresh_from_db()
    world.member_a.refresh_from_db()
    assert (world.worker.mobile, world.member_a.mobile) == (login, "13987009999")


def test_the_union_page_links_to_adding_a_member_only_for_who_may(client, world):
    link = f"{reverse('members:add')}?org={world.union_a.code}"
    client.force_login(world.cadre_a)
    assert link in client.get(reverse("orgs:detail", args=[world.union_a.code])).content.decode()
    client.force_login(world.leader)  # reads the union, may not edit its members
    assert link not in client.get(reverse("orgs:detail", args=[world.union_a.code])).content.decode()
    client.force_login(world.city_admin)  # a county federation holds no members itself: no link there
    assert reverse("members:add") not in client.get(reverse("orgs:detail", args=[world.county_a.code])).content.decode()
    resp = client.get(link)
    assert resp.context["form"]["org"].value() == world.union_a.code  # the union comes picked
