"""member_search: each search key, the filters, keyset pagination and the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.models import Role
from gonghui.accounts.scope import Action, scope_for
from gonghui.core.crypto import decrypt
from gonghui.members import search_sql, selectors
from gonghui.members.models import Member
from gonghui.members.selectors import PLAIN_WINDOW, MemberFilters, classify_query, member_search
from gonghui.members.services import member_leave
from gonghui.orgs.models import Org
from tests.data.roster.builders import hanzi_number
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def _names(page) -> list[str]:
    return [m.name for m in page.members]


def test_classify_query():
    assert classify_query("")[0] == ""
    assert classify_query(" 木丽 ")[0] == "name"
    assert classify_query("MLH") == ("initials", "mlh")
    assert classify_query("139 8700 0001") == ("mobile", "13987000001")
    assert classify_query("+8613987000001") == ("mobile", "13987000001")
    assert classify_query("1398")[0] == "error"
    kind, value = classify_query("５３０７０２１９９００１０１００１ｘ")  # full-width, lowercase x
    assert kind == "id_number" and len(value) == 64


def test_search_by_name_prefix(world):
    make_member(world.union_a, "木丽")
    make_member(world.union_a, "阿木丽")  # contains, does not start with
    page = member_search(user=world.cadre_a, q="木丽")
    assert sorted(_names(page)) == ["木丽", "木丽华"]
    assert page.kind == "name"


def test_search_by_pinyin_initials(world):
    make_member(world.union_a, "马立红")  # mlh too
    make_member(world.union_a, "马强")  # mq
    page = member_search(user=world.cadre_a, q="mlh")
    assert sorted(_names(page)) == sorted(["木丽华", "马立红"])
    assert sorted(_names(member_search(user=world.cadre_a, q="ml"))) == sorted(["木丽华", "马立红"])
    assert page.kind == "initials"


def test_search_by_full_id_number_exact(world):
    number = decrypt(world.member_a.id_cipher, context=b"id_number")
    page = member_search(user=world.cadre_a, q=number.lower())
    assert _names(page) == ["木丽华"] and page.kind == "id_number"
    assert member_search(user=world.cadre_a, q=number[:-1] + ("0" if number[-1] != "0" else "1")).members == []


def test_search_by_mobile_exact(world):
    assert _names(member_search(user=world.cadre_a, q="13987000001")) == ["木丽华"]
    assert member_search(user=world.cadre_a, q="13987000002").members == []


def test_search_never_crosses_the_scope(world):
    number_b = decrypt(world.member_b.id_cipher, context=b"id_number")
    for q in ("李永福", "lyf", number_b):
        assert member_search(user=world.cadre_a, q=q).members == [], q
        assert _names(member_search(user=world.cadre_b, q=q)) == ["李永福"], q
    assert _names(member_search(user=world.county_cadre_a, q="")) == ["木丽华"]
    assert sorted(_names(member_search(user=world.city_admin, q=""))) == sorted(["李永福", "木丽华"])
    # A worker sees only themselves; an account with no role and no member sees nothing.
    assert _names(member_search(user=world.worker, q="")) == ["木丽华"]
    assert member_search(user=make_user("路人"), q="").members == []


def test_filters(world):
    a2 = make_member(world.union_a2, "和骑手", is_new_employment=True, is_migrant_worker=True, ethnicity="彝族")
    left = make_member(world.union_a, "杨离开", ethnicity="白族")
    member_leave(member=left, reason="退休", version=None, actor=world.county_cadre_a)
    u = world.county_cadre_a
    assert _names(member_search(user=u, filters=MemberFilters(org=world.union_a2))) == ["和骑手"]
    assert sorted(_names(member_search(user=u, filters=MemberFilters(org=world.county_a)))) == sorted(
        ["和骑手", "木丽华", "杨离开"]
    )
    assert _names(member_search(user=u, filters=MemberFilters(status="left"))) == ["杨离开"]
    assert _names(member_search(user=u, filters=MemberFilters(new_employment=True))) == ["和骑手"]
    assert "和骑手" not in _names(member_search(user=u, filters=MemberFilters(new_employment=False)))
    assert _names(member_search(user=u, filters=MemberFilters(migrant=True))) == ["和骑手"]
    assert _names(member_search(user=u, filters=MemberFilters(ethnicity="纳西族"))) == ["木丽华"]
    sex = a2.sex
    assert "和骑手" in _names(member_search(user=u, filters=MemberFilters(sex=sex)))
    assert "和骑手" not in _names(member_search(user=u, filters=MemberFilters(sex="F" if sex == "M" else "M")))
    # Filters combine with the search box.
    assert _names(member_search(user=u, q="hqs", filters=MemberFilters(org=world.union_a2))) == ["和骑手"]
    assert member_search(user=u, q="hqs", filters=MemberFilters(org=world.union_a)).members == []


def test_keyset_pagination_walks_every_row_once(world):
    created = [make_member(world.union_a, f"张{hanzi_number(i, 2)}") for i in range(7)]
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        page = member_search(user=world.cadre_a, q="张", after_id=after, limit=3)
        seen += [m.pk for m in page.members]
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted(m.pk for m in created)
    assert pages == 3


def test_keyset_query_uses_no_offset(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        member_search(user=world.cadre_a, q="木", after_id=1, limit=10)
    sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "OFFSET" not in sql
    assert "LIMIT 11" in sql


def test_limit_is_capped(world):
    page = member_search(user=world.city_admin, limit=10_000)
    assert len(page.members) <= 200


# --- PostgreSQL's per-union path (search_sql) against the plain rules -----------------------------
# On PostgreSQL `member_search` first runs the plain query over an id window (PLAIN_WINDOW ids after the
# cursor) and falls back to a per-union LATERAL probe; SQLite always runs the plain query. Each case
# below is checked page by page against `_expected`, written from the rules in plain Python, with the
# window at 0 (per-union probe only), 3 (a partial window, then the probe) and its real size.


@dataclass
class Crowd:
    world: Any
    own: Member
    mixed: Any  # grassroots cadre of union_a2 whose own member record sits in union_b


@pytest.fixture
def crowd(world) -> Crowd:
    """Members of three unions created in turns, so every union's ids interleave with the others'."""
    names = ["和丽", "和强", "木兰", "李明", "和丽娟", "杨光", "和平", "马丽"]
    ethnicities = ["纳西族", "汉族", "彝族", "白族"]
    unions = [world.union_a, world.union_a2, world.union_b]
    made = [
        make_member(
            unions[i % 3],
            names[i % len(names)],
            ethnicity=ethnicities[i % 4],
            is_migrant_worker=i % 4 == 0,
            is_new_employment=i % 5 == 0,
        )
        for i in range(24)
    ]
    member_leave(member=made[7], reason="退休", version=None, actor=world.county_cadre_a)
    own = make_member(world.union_b, "和自己", ethnicity="纳西族")
    mixed = make_user("和自己", Role.GRASSROOTS_CADRE, world.union_a2, member=own)
    return Crowd(world=world, own=own, mixed=mixed)


def _expected(user, q: str = "", f: MemberFilters | None = None) -> list[int]:
    """Every member `user` finds for `q` and `f`, in id order, decided row by row in Python."""
    f = f or MemberFilters()
    kind, value = classify_query(q)
    scope = scope_for(user)
    paths = scope.paths.get(Action.VIEW, ())
    out = []
    for m in Member.objects.select_related("org").order_by("id"):
        checks = [
            any(m.org.path.startswith(p) for p in paths) or m.pk == scope.member_id,
            kind != "name" or m.name.startswith(value),
            kind != "initials" or m.name_initials.startswith(value),
            f.org is None or m.org.path.startswith(f.org.path),
            not f.status or m.status == f.status,
            not f.sex or m.sex == f.sex,
            not f.ethnicity or m.ethnicity == f.ethnicity,
            f.migrant is None or m.is_migrant_worker == f.migrant,
            f.new_employment is None or m.is_new_employment == f.new_employment,
        ]
        if all(checks):
            out.append(m.pk)
    return out


def _walk(user, q: str = "", f: MemberFilters | None = None, limit: int = 4) -> list[int]:
    """All pages, first page then keyset pages, as one list of ids."""
    seen: list[int] = []
    after = None
    for _ in range(100):
        page = member_search(user=user, q=q, filters=f, after_id=after, limit=limit)
        seen += [m.pk for m in page.members]
        if page.next_after is None:
            return seen
        assert page.next_after == seen[-1]
        after = page.next_after
    raise AssertionError("the pages never end")


def _cases(c: Crowd) -> list[tuple[Any, str, MemberFilters | None]]:
    w = c.world
    return [
        (w.county_cadre_a, "", None),
        (w.city_admin, "", None),
        (w.cadre_b, "", None),
        (w.county_cadre_a, "和", None),  # name prefix, one character
        (w.city_admin, "和丽", None),  # longer prefix: 和丽 and 和丽娟
        (w.county_cadre_a, "hl", None),  # initials
        (w.city_admin, "h", None),
        (w.county_cadre_a, "", MemberFilters(sex="M")),
        (w.county_cadre_a, "", MemberFilters(sex="F")),
        (w.city_admin, "", MemberFilters(ethnicity="彝族")),
        (w.city_admin, "和", MemberFilters(migrant=True)),
        (w.county_cadre_a, "", MemberFilters(migrant=False, new_employment=True)),
        (w.county_cadre_a, "", MemberFilters(status="left")),
        (w.city_admin, "", MemberFilters(org=w.union_a2)),  # union filter
        (w.city_admin, "和", MemberFilters(org=w.county_a, status="active")),
        (w.worker, "", None),  # a worker sees only their own record
        (c.mixed, "", None),  # own record outside the cadre's subtree
        (c.mixed, "和自", None),
        (c.mixed, "", MemberFilters(org=w.union_a2)),  # the own record is not in that union
        (w.county_cadre_a, "无此人", None),  # empty results
        (w.city_admin, "", MemberFilters(ethnicity="怒族")),
        (make_user("路人"), "", None),
    ]


@pytest.mark.parametrize("window", [0, 3, PLAIN_WINDOW])
def test_every_path_returns_exactly_the_plain_rows(crowd, monkeypatch, window):
    monkeypatch.setattr(selectors, "PLAIN_WINDOW", window)
    for user, q, f in _cases(crowd):
        expected = _expected(user, q, f)
        assert _walk(user, q, f) == expected, (user.name, q, f)
        first = member_search(user=user, q=q, filters=f)
        assert [m.pk for m in first.members] == expected[:50]
        assert first.next_after is None


def test_own_record_and_union_filter_cases_are_not_empty(crowd):
    # Guards the comparison above against passing on empty lists only.
    assert crowd.own.pk in _expected(crowd.mixed)
    assert crowd.own.pk not in _expected(crowd.mixed, "", MemberFilters(org=crowd.world.union_a2))
    assert len(_expected(crowd.world.county_cadre_a, "和")) > 4  # more than one page of 4
    assert _expected(crowd.world.county_cadre_a, "", MemberFilters(status="left"))


def test_per_union_probe_runs_on_postgresql_only(crowd, monkeypatch):
    user = crowd.world.county_cadre_a
    with CaptureQueriesContext(connection) as ctx:
        member_search(user=user, q="和")
    # The whole table fits in the window: one plain query answers, no probe.
    assert not any("LATERAL" in q["sql"] for q in ctx.captured_queries)
    monkeypatch.setattr(selectors, "PLAIN_WINDOW", 0)
    with CaptureQueriesContext(connection) as ctx:
        page = member_search(user=user, q="和", after_id=crowd.world.member_a.pk, limit=3)
    probed = any("LATERAL" in q["sql"] for q in ctx.captured_queries)
    assert probed == (connection.vendor == "postgresql")
    assert [m.pk for m in page.members] == [pk for pk in _expected(user, "和") if pk > crowd.world.member_a.pk][:3]


def test_per_union_sql_refuses_unknown_columns():
    with pytest.raises(ValueError):
        search_sql.first_ids_per_union(unions=Org.objects.all(), after_id=0, n=1, equals={"id_cipher": "x"})
