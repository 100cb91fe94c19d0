"""The issue page refreshes itself when the analysis it started finishes: the cadre clicks nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gonghui.voice.choices import DemandSource
from gonghui.voice.services import demand_enter
from gonghui.voice.services.analysis import run_execute, run_request
from tests.voice.conftest import labelled_texts

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_issue_list_appears_when_the_run_finishes(page: Page, live_server, world) -> None:  # type: ignore[no-untyped-def]
    for _topic, text in labelled_texts(per_topic=6):
        demand_enter(actor=world.cadre_a, org=world.union_a, text=text, source=DemandSource.VISIT)
    run = run_request(actor=world.cadre_a, scope_org=world.union_a)  # queued; the worker has not begun

    login(page, live_server.url, world.cadre_a.mobile)
    page.goto(f"{live_server.url}/voice/issues/?org={world.union_a.code}")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "queued")
    expect(page.locator("table[aria-label=议题列表]")).to_contain_text("暂无议题")
    assert_accessible(page)

    run_execute(run_id=run.pk)  # the background worker's part, while the page keeps polling

    expect(page.locator("#run-status")).to_have_attribute("data-status", "done")
    rows = page.locator("table[aria-label=议题列表] tbody tr")
    expect(rows.first).not_to_contain_text("暂无议题")
    expect(rows).not_to_have_count(1)
    assert_accessible(page)
