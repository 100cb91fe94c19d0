"""The member list says how many members match: exact up to a bound, PostgreSQL's estimate above it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gonghui.members import selectors
from gonghui.members.selectors import MemberCount, MemberFilters, member_count, member_search
from tests.factories import make_id_number, make_member


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def roster(world):
    for n, name in enumerate(["和丽", "和平", "和美", "杨光"]):
        make_member(world.union_a, name, id_number=make_id_number(serial=8200 + n, sex="F" if n % 2 else "M"))
    return world


def test_counts_are_exact_below_the_bound_and_follow_search_filters_and_scope(roster):
    w = roster
    # union_a: 木丽华 (the worker) + four more; union_b: 李永福
    assert member_search(user=w.cadre_a).total == MemberCount(5)
    assert member_search(user=w.cadre_a, q="和").total == MemberCount(3)
    women = member_search(user=w.cadre_a, filters=MemberFilters(sex="F"))
    assert women.total == MemberCount(len(women.members)) and len(women.members) == 2
    assert member_search(user=w.cadre_b).total == MemberCount(1)
    assert member_search(user=w.city_admin).total == MemberCount(6)
    # a search we cannot run counts nothing
    assert member_search(user=w.cadre_a, q="123").total is None


def test_above_the_bound_the_planner_estimate_is_shown(roster, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_EXACT_UP_TO", 2)
    total = member_search(user=roster.cadre_a).total
    assert total is not None
    if connection.vendor == "postgresql":
        assert total.estimated and total.value >= 3
        assert str(total).startswith("约 ")
    else:
        assert total == MemberCount(5)


def test_the_count_leaves_the_statement_timeout_as_it_was(roster):
    if connection.vendor != "postgresql":
        assert member_count(member_search(user=roster.cadre_a).matching) == MemberCount(5)
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
        member_count(member_search(user=roster.cadre_a).matching)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


def test_an_unfiltered_list_of_the_whole_tree_may_read_the_table_size(roster):
    w = roster
    assert selectors._sees_every_root(w.city_admin)
    assert not selectors._sees_every_root(w.cadre_a)
    assert member_search(user=w.city_admin).unfiltered_for == w.city_admin
    assert member_search(user=w.city_admin, q="和").unfiltered_for is None
    if connection.vendor == "postgresql":
        assert selectors._whole_table_rows(connection.alias) >= 0


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (MemberCount(0), "0"),
        (MemberCount(1234), "1,234"),
        (MemberCount(47, estimated=True), "约 47"),
        (MemberCount(123_456, estimated=True), "约 12.3 万"),
        (MemberCount(1_000_000, estimated=True), "约 100.0 万"),
        (MemberCount(310_000_000, estimated=True), "约 3.1 亿"),
    ],
)
def test_how_a_count_reads(count, shown):
    assert str(count) == shown


def test_the_list_page_shows_the_count(roster):
    body = client_for(roster.cadre_a).get(reverse("members:list")).content.decode()
    assert "共 <strong>5</strong> 人" in body
    body = client_for(roster.cadre_a).get(reverse("members:list"), {"q": "和"}).content.decode()
    assert "共 <strong>3</strong> 人" in body


def test_a_count_that_runs_too_long_is_cut_off_and_the_estimate_shown(roster, monkeypatch):
    if connection.vendor != "postgresql":  # SQLite counts exactly, always
        assert member_count(member_search(user=roster.cadre_a).matching) == MemberCount(5)
        return
    monkeypatch.setattr(selectors, "COUNT_TIMEOUT_MS", 20)
    slow = member_search(user=roster.cadre_a).matching.extra(where=["pg_sleep(0.05) IS NOT NULL"])
    total = member_count(slow)
    assert total.estimated and str(total).startswith("约 ")
    # the connection is usable afterwards, with its timeout as before
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    assert member_search(user=roster.cadre_a).total == MemberCount(5)
