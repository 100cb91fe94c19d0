"""The home page: cadres and leaders land on 待办 for their scope, workers on 我的; one query per source;
another union's cadre never sees union_a's numbers."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.todo import SOURCES
from gonghui.members.imports import jobs
from gonghui.members.services import join_request_submit, transfer_request_create
from gonghui.voice.choices import DemandSource
from gonghui.voice.services import demand_enter
from tests.factories import make_id_number, make_member, make_user
from tests.matrix.base import roster_file


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts(response) -> dict[str, int]:
    """source key → the number its card shows."""
    body = response.content.decode()
    found = re.findall(r'data-todo="([\w.]+)">\s*<a href="[^"]*">\s*<div class="value">(\d+)', body)
    return {key: int(n) for key, n in found}


@pytest.fixture
def pending_a(world):
    """union_a has one of everything waiting."""
    applicant = make_user("申请人甲")
    join_request_submit(
        user=applicant, org=world.union_a, name="申请人甲", id_number=make_id_number(serial=8101), mobile="13900008101"
    )
    mover = make_member(world.union_a, "调动人", id_number=make_id_number(serial=8102))
    # asked by the county (the sending union's cadre decides; nobody decides what they asked themselves)
    transfer_request_create(member=mover, to_org=world.union_a2, reason="调岗", actor=world.county_cadre_a)
    job = jobs.import_job_create(org=world.union_a, upload=roster_file(8103), actor=world.cadre_a)
    jobs.import_job_validate(job_id=job.pk)
    demand_enter(
        actor=world.cadre_a, org=world.union_a, text="食堂饭菜太贵，希望工会出面协调", source=DemandSource.VISIT
    )
    demand_enter(
        actor=world.cadre_a, org=world.union_a, text="老板拖欠工资三个月了，大家都很着急", source=DemandSource.HOTLINE
    )
    return world


def test_anonymous_goes_to_login_and_a_worker_to_my_page(world):
    assert reverse("accounts:login") in Client().get("/")["Location"]
    r = client_for(world.worker).get("/")
    assert r.status_code == 302 and r["Location"] == reverse("members:me")


def test_cadre_a_sees_every_waiting_item_with_its_count_and_link(pending_a):
    w = pending_a
    r = client_for(w.cadre_a).get("/")
    assert r.status_code == 200
    assert counts(r) == {
        "voice.urgent": 1,
        "members.joins": 1,
        "members.transfers": 1,
        "members.imports": 1,
        "voice.demands": 2,
    }
    body = r.content.decode()
    assert 'href="/members/queues/#join-queue"' in body
    assert 'href="/voice/demands/?status=open&amp;urgent=1&amp;days=30"' in body
    assert "紧急" in body


def test_another_unions_cadre_sees_none_of_union_a_numbers(pending_a):
    r = client_for(pending_a.cadre_b).get("/")
    assert r.status_code == 200
    assert counts(r) == {}
    assert "暂无待办" in r.content.decode()


def test_the_county_and_city_see_union_a_items_and_a_leader_only_what_viewing_allows(pending_a):
    w = pending_a
    county = counts(client_for(w.county_cadre_a).get("/"))
    assert county["members.joins"] == 1 and county["voice.demands"] == 2
    leader = counts(client_for(w.leader).get("/"))
    # a leader holds only VIEW: no approvals, imports or demand work, but the urgent demands show
    assert leader == {"voice.urgent": 1}


def test_nothing_waiting_is_a_calm_empty_page(world):
    r = client_for(world.cadre_a).get("/")
    assert r.status_code == 200 and counts(r) == {}
    assert "暂无待办" in r.content.decode()


def test_the_home_page_runs_at_most_one_query_per_source(pending_a, django_assert_max_num_queries):
    c = client_for(pending_a.city_admin)
    c.get("/")  # warm: session and template caches
    # session + user + roles (scope) + the unread-messages badge, one per source, and one more for each
    # review-chain source (its candidates' review steps)
    with django_assert_max_num_queries(4 + len(SOURCES) + 2):
        r = c.get("/")
    assert r.status_code == 200 and len(counts(r)) == 5


def test_every_link_on_the_page_lists_exactly_the_counted_items(pending_a):
    """Follow each card: the list it opens holds as many rows as the card said."""
    w = pending_a
    c = client_for(w.cadre_a)
    shown = counts(c.get("/"))
    demands = c.get(reverse("voice:demands") + "?status=open").content.decode()
    assert demands.count('class="mono">') == shown["voice.demands"]
    urgent = c.get(reverse("voice:demands") + "?status=open&urgent=1&days=30").content.decode()
    assert urgent.count('class="mono">') == shown["voice.urgent"]
    imports = c.get(reverse("members:import_upload") + "?state=validated").content.decode()
    assert imports.count("/members/roster/jobs/") == shown["members.imports"]


def test_own_requests_are_not_waiting_for_their_own_cadre(world):
    """The review chain's rule reaches the home page: a county cadre's own join request does not count."""
    join_request_submit(
        user=world.county_cadre_a,
        org=world.union_a,
        name=world.county_cadre_a.name,
        id_number=make_id_number(serial=8111),
        mobile="13900008111",
    )
    assert "members.joins" not in counts(client_for(world.county_cadre_a).get("/"))
    assert counts(client_for(world.cadre_a).get("/"))["members.joins"] == 1


def test_a_capped_source_says_so(pending_a, monkeypatch):
    from gonghui.members import todo as members_todo

    monkeypatch.setattr(members_todo, "REVIEW_CAP", 1)
    monkeypatch.setitem(SOURCES, "members.joins", dataclasses.replace(SOURCES["members.joins"], cap=1))
    body = client_for(pending_a.cadre_a).get("/").content.decode()
    assert re.search(r'data-todo="members.joins">\s*<a href="[^"]*">\s*<div class="value">1\+', body)


def test_the_total_counts_an_urgent_demand_once(pending_a):
    """Urgent demands are open demands too: 1 join + 1 transfer + 1 roster + 2 open demands = 5, not 6."""
    body = client_for(pending_a.cadre_a).get("/").content.decode()
    assert "共 5 件" in body


def test_an_account_admin_without_a_cadre_role_lands_on_account_management(world):
    from gonghui.accounts.models import Role
    from gonghui.accounts.services import role_grant

    only_accounts = make_user("只管账号")
    role_grant(user=only_accounts, org=world.county_a, role=Role.ACCOUNT_ADMIN, actor=None)
    r = client_for(only_accounts).get("/")
    assert r.status_code == 302 and r["Location"] == reverse("useradmin:list")
