"""Voice lists are keyset pages: no list stops silently at 200 rows, a cursor leads on, a bad cursor is
a clear message (422 in the API, the first page with a message on a page), filters the 待办 links use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts.services import token_create
from gonghui.voice.choices import DemandSource, DemandStatus, ReportStatus
from gonghui.voice.models import Demand, Issue
from gonghui.voice.selectors import demand_page, urgent_demands
from gonghui.voice.services import demand_enter


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> Client:
    _, secret = token_create(user=user, name="列表测试", actor=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def many_demands(world, n: int, *, submitter=None) -> list[Demand]:
    """`n` demands of union_a over a few days (many on the same day: ties in the first sort key)."""
    start = dt.date(2026, 10, 1)
    rows = [
        Demand(
            tracking_no=f"T{i:010d}",
            org=world.union_a,
            text=f"第{i}条：食堂的饭菜太贵",
            text_normalized=f"第{i}条:食堂的饭菜太贵",
            submitter=submitter,
            source=DemandSource.SELF if submitter else DemandSource.VISIT,
            submitted_on=start + dt.timedelta(days=i % 4),
        )
        for i in range(n)
    ]
    return Demand.objects.bulk_create(rows)


def walk_api(client: Client, url: str, **params: object) -> tuple[list[dict], int]:
    items: list[dict] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = client.get(url, query)
        assert r.status_code == 200, r.content
        body = r.json()
        items.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages


def test_my_demands_in_the_api_go_past_200_with_a_next_cursor(world):
    made = many_demands(world, 250, submitter=world.worker)
    c = api_client(world.worker)
    first = c.get("/api/voice/demands/mine", {"limit": 200}).json()
    assert len(first["items"]) == 200 and first["next_cursor"]
    second = c.get("/api/voice/demands/mine", {"limit": 200, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 50 and second["next_cursor"] is None
    got = [d["tracking_no"] for d in first["items"] + second["items"]]
    assert sorted(got) == sorted(d.tracking_no for d in made) and len(set(got)) == 250
    # newest first, ties broken by id (newest id first)
    expected = list(
        Demand.objects.filter(submitter=world.worker)
        .order_by("-submitted_on", "-id")
        .values_list("tracking_no", flat=True)
    )
    assert got == expected
    items, pages = walk_api(c, "/api/voice/demands/mine")  # default 50 a page
    assert len(items) == 250 and pages == 5


@pytest.mark.parametrize("cursor", ["garbage", "x" * 1001, "WyJuIixbMV1d:1xYYRM:forged"])
def test_a_bad_cursor_in_the_api_is_a_422_naming_the_field(world, cursor):
    many_demands(world, 3, submitter=world.worker)
    r = api_client(world.worker).get("/api/voice/demands/mine", {"cursor": cursor})
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "cursor"
    assert "翻页参数（cursor）无效" in body["detail"] or "cursor过长" in body["detail"]


def test_a_cursor_of_another_list_is_refused(world):
    many_demands(world, 60, submitter=world.worker)
    c = api_client(world.worker)
    cursor = c.get("/api/voice/demands/mine").json()["next_cursor"]
    assert cursor
    r = api_client(world.cadre_a).get("/api/voice/issues", {"org": world.union_a.code, "cursor": cursor})
    assert r.status_code == 422


def test_the_issue_list_in_the_api_pages_through_ties_in_score(world):
    Issue.objects.bulk_create(
        [Issue(scope_org=world.union_a, label=f"议题{i}", score=float(i % 3), size=i % 2) for i in range(250)]
    )
    items, pages = walk_api(api_client(world.cadre_a), "/api/voice/issues", org=world.union_a.code, limit=100)
    assert pages == 3 and len({i["id"] for i in items}) == 250
    keys = [(-i["score"], -i["size"], i["id"]) for i in items]
    assert keys == sorted(keys)
    assert api_client(world.cadre_a).get("/api/voice/issues", {"limit": 201}).status_code == 422


def test_the_demand_page_walks_forward_and_back(world):
    many_demands(world, 70)
    c = client_for(world.cadre_a)
    r1 = c.get(reverse("voice:demands"))
    assert r1.status_code == 200
    page1 = demand_page(world.cadre_a, size=30)
    page2 = demand_page(world.cadre_a, size=30, cursor=page1.next_cursor)
    page3 = demand_page(world.cadre_a, size=30, cursor=page2.next_cursor)
    assert [len(p.items) for p in (page1, page2, page3)] == [30, 30, 10] and page3.next_cursor is None
    back = demand_page(world.cadre_a, size=30, cursor=page3.prev_cursor)
    assert [d.pk for d in back.items] == [d.pk for d in page2.items]
    body = c.get(reverse("voice:demands"), {"cursor": page1.next_cursor}).content.decode()
    assert page2.items[0].tracking_no in body and "上一页" in body and "下一页" in body
    assert "共 " not in body  # no COUNT any more


def test_a_bad_cursor_on_a_page_shows_the_first_page_and_says_why(world):
    many_demands(world, 5)
    for name in ("voice:demands", "voice:reports", "voice:notifications"):
        user = world.worker if name == "voice:notifications" else world.cadre_a
        r = client_for(user).get(reverse(name), {"cursor": "not-a-cursor"})
        assert r.status_code == 200, name
        assert "翻页参数（cursor）无效" in r.content.decode(), name
    r = client_for(world.worker).get(reverse("voice:mine"), {"cursor": "'; DROP TABLE"})
    assert r.status_code == 200


def test_open_and_urgent_filters_list_what_the_home_page_counts(world):
    plain = demand_enter(
        actor=world.cadre_a, org=world.union_a, text="食堂饭菜太贵，希望改善", source=DemandSource.VISIT
    )
    unpaid = demand_enter(
        actor=world.cadre_a, org=world.union_a, text="包工头跑路了，三个月工资没发", source=DemandSource.VISIT
    )
    injured = demand_enter(
        actor=world.cadre_a, org=world.union_a, text="车间工人受伤了没人管工伤认定", source=DemandSource.VISIT
    )
    Demand.objects.filter(pk=injured.pk).update(status=DemandStatus.REPORTED)  # already taken up
    old = demand_enter(
        actor=world.cadre_a,
        org=world.union_a,
        text="去年冬天的工资到现在还拖欠着没发",
        source=DemandSource.VISIT,
        submitted_on=dt.date.today() - dt.timedelta(days=45),
    )
    # the 待办 card: urgent, open, and of the last 30 days
    assert set(urgent_demands(world.cadre_a)) == {unpaid}
    assert set(urgent_demands(world.cadre_a, days=60)) == {unpaid, old}
    c = client_for(world.cadre_a)
    body = c.get(reverse("voice:demands"), {"status": "open", "urgent": "1", "days": "30"}).content.decode()
    assert unpaid.tracking_no in body and plain.tracking_no not in body and injured.tracking_no not in body
    assert old.tracking_no not in body
    body = c.get(reverse("voice:demands"), {"status": "open", "urgent": "1", "days": "junk"}).content.decode()
    assert unpaid.tracking_no in body and old.tracking_no in body  # a bad window is no window
    body = c.get(reverse("voice:demands"), {"status": "open"}).content.decode()
    assert unpaid.tracking_no in body and plain.tracking_no in body and injured.tracking_no not in body
    # another union's cadre: none of it
    body = client_for(world.cadre_b).get(reverse("voice:demands"), {"status": "open"}).content.decode()
    assert unpaid.tracking_no not in body


def test_the_report_list_filters_by_state(world):
    from gonghui.voice.models import Report

    draft = Report.objects.create(org=world.union_a, year=2026, serial=1, title="草稿一号", created_by=world.cadre_a)
    sent = Report.objects.create(
        org=world.union_a,
        year=2026,
        serial=2,
        title="已报一号",
        status=ReportStatus.SUBMITTED,
        created_by=world.cadre_a,
    )
    c = client_for(world.cadre_a)
    body = c.get(reverse("voice:reports"), {"status": ReportStatus.SUBMITTED}).content.decode()
    assert sent.title in body and draft.title not in body
    body = c.get(reverse("voice:reports"), {"status": "nonsense"}).content.decode()
    assert sent.title in body and draft.title in body
