"""The issue page polls its run's status while the run works; once the run is done the status answer
asks htmx to reload the page (HX-Refresh), so the new issues show without a click."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.voice.choices import DemandSource, RunStatus
from gonghui.voice.services import demand_enter
from gonghui.voice.services.analysis import run_execute, run_request
from tests.conftest import World

TEXTS = [
    "工地老板拖欠工资三个月了",
    "工资拖欠好几个月，老板一直不给",
    "拖欠农民工工资，希望工会帮忙讨薪",
    "食堂饭菜太贵，希望降价",
    "食堂伙食差价格高",
    "宿舍没有热水洗澡",
]


def _status(client: Client, run_pk: int, *, htmx: bool) -> tuple[int, str, str | None]:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(f"/voice/issues/runs/{run_pk}/", **headers)
    return response.status_code, response.content.decode(), response.get("HX-Refresh")


@pytest.mark.django_db
def test_done_run_asks_the_polling_page_to_reload(world: World) -> None:
    for text in TEXTS:
        demand_enter(actor=world.cadre_a, org=world.union_a, text=text, source=DemandSource.VISIT)
    run = run_request(actor=world.cadre_a, scope_org=world.union_a)
    client = Client()
    client.force_login(world.cadre_a)

    status, body, refresh = _status(client, run.pk, htmx=True)
    assert status == 200 and refresh is None
    assert 'hx-trigger="every 1s"' in body and 'data-status="queued"' in body

    assert run_execute(run_id=run.pk).status == RunStatus.DONE
    status, body, refresh = _status(client, run.pk, htmx=True)
    assert status == 200 and refresh == "true"
    assert "hx-trigger" not in body and 'data-status="done"' in body

    # the page itself (no htmx) never asks for a reload, and lists the issues
    assert _status(client, run.pk, htmx=False)[2] is None
    page = client.get(f"/voice/issues/?org={world.union_a.code}").content.decode()
    assert "暂无议题" not in page and "/voice/issues/" in page


@pytest.mark.django_db
def test_failed_run_shows_its_message_without_a_reload(world: World) -> None:
    demand_enter(actor=world.cadre_a, org=world.union_a, text=TEXTS[0], source=DemandSource.VISIT)
    run = run_request(actor=world.cadre_a, scope_org=world.union_a)
    assert run_execute(run_id=run.pk).status == RunStatus.FAILED  # too few demands
    client = Client()
    client.force_login(world.cadre_a)
    status, body, refresh = _status(client, run.pk, htmx=True)
    assert status == 200 and refresh is None
    assert "至少需要" in body and 'role="alert"' in body
