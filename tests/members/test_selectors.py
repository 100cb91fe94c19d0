"""member_search: each search key, the filters, keyset pagination and the scope."""

from __future__ import annotations

import pytest

from gonghui.core.crypto import decrypt
from gonghui.members.selectors import MemberFilters, classify_query, member_search
from gonghui.members.services import member_leave
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
    created = [make_member(world.union_a, f"张{i:02d}") for i in range(7)]
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
