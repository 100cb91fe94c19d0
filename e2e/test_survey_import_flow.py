"""A cadre imports survey results, staged: upload → every problem listed → fix → confirm → the count;
on a phone (375 px) and a desktop (1280 px), with no serious axe-core violation on any page visited."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.data.roster.builders import write_csv

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _flow(page: Page, live_url: str, world, tmp_path, name: str) -> None:  # type: ignore[no-untyped-def]
    header = ["内容", "类型", "反映人", "反映日期"]
    bad = write_csv(
        tmp_path / "问卷-有错.csv",
        [
            ["某酒店职工座谈会记录"],
            header,
            ["宿舍热水经常停，洗澡很不方便", "诉求", "木春梅", ""],
            ["短", "怪", "", ""],
        ],
    )
    good = write_csv(
        tmp_path / "问卷.csv",
        [header, ["宿舍热水经常停，洗澡很不方便", "诉求", "木春梅", ""], ["建议食堂晚上延长供餐时间", "建议", "", ""]],
        encoding="gbk",
    )
    login(page, live_url, world.cadre_a.mobile)
    page.goto(f"{live_url}/voice/import/")
    expect(page.locator("h1")).to_have_text("问卷导入")
    assert_accessible(page)
    page.set_input_files("input[name=file]", str(bad))
    page.click("button:has-text('上传并检查')")
    expect(page.locator("#import-job")).to_have_attribute("data-state", "failed")
    expect(page.locator("#error-count")).to_have_text("2")
    expect(page.locator(".errors-table tbody")).to_contain_text("第4行")
    expect(page.locator("text=确认导入")).to_have_count(0)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"survey-errors-{name}.png"), full_page=True)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.click("text=修改后重新上传")
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('上传并检查')")
    confirm = page.locator("button:has-text('确认导入 2 条诉求')")
    expect(confirm).to_be_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"survey-ready-{name}.png"), full_page=True)
    assert_accessible(page)
    confirm.click()
    expect(page.locator("#import-done")).to_contain_text("成功导入")
    expect(page.locator("#created")).to_have_text("2")
    assert_accessible(page)


def test_survey_import_on_a_desktop(page: Page, live_server, world, tmp_path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    _flow(page, live_server.url, world, tmp_path, "desktop")


def test_survey_import_on_a_phone(phone_page: Page, live_server, world, tmp_path) -> None:
    _flow(phone_page, live_server.url, world, tmp_path, "phone")
