"""A cadre uploads a roster with mistakes, reads them on the page, fixes the file, imports it."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.data.roster.builders import write_csv, write_xlsx
from tests.factories import make_id_number

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("GONGHUI_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"


def test_upload_with_errors_fix_and_import(page: Page, live_server, world, tmp_path) -> None:
    ids = [make_id_number("530721", dt.date(1986, 5, 20), "MF"[i % 2], serial=81_000 + i) for i in range(3)]
    sexes = ["男" if int(n[16]) % 2 else "女" for n in ids]
    header = ["序号", "姓名", "性别", "身份证号码", "联系电话", "民族", "入会日期"]
    good = [
        [1, "和志强", sexes[0], ids[0], "13987100001", "纳西族", "2015年3月8日"],
        [2, "杨春梅", sexes[1], ids[1], "13987100002", "白族", "2016/12/12"],
        [3, "李金花", sexes[2], ids[2], "13987100003", "彝族", "20170101"],
    ]
    bad = [row[:] for row in good]
    bad[0][3] = 5.32701199001011e17  # the ID column was typed as a number
    bad[1][2] = "男" if sexes[1] == "女" else "女"  # sex contradicts the ID
    bad[2][4] = "1398710"  # mobile too short
    broken = write_xlsx(tmp_path / "名册-有错.xlsx", [["古城区某酒店工会会员名册"], header, *bad])

    login(page, live_server.url, world.cadre_a.mobile)
    page.click("nav >> text=名册导入")
    expect(page.locator("h1")).to_have_text("名册导入")
    assert_accessible(page)
    page.set_input_files("input[name=file]", str(broken))
    page.click("button:has-text('上传并检查')")

    expect(page.locator("#import-job")).to_have_attribute("data-state", "failed")
    expect(page.locator("#error-count")).to_have_text("3")
    problems = page.locator(".errors-table tbody")
    expect(problems).to_contain_text("第3行")
    expect(problems).to_contain_text("存成了数字")
    expect(problems).to_contain_text("第4行")
    expect(problems).to_contain_text("与身份证号不符")
    expect(problems).to_contain_text("第5行")
    expect(problems).to_contain_text("联系电话")
    expect(page.locator("text=确认导入")).to_have_count(0)
    shot(page, "import-errors")
    assert_accessible(page)

    # The cadre fixes the file (saved as CSV this time) and uploads it again.
    fixed = write_csv(tmp_path / "名册-已改.csv", [["古城区某酒店工会会员名册"], header, *good], encoding="gbk")
    page.click("text=修改后重新上传")
    page.set_input_files("input[name=file]", str(fixed))
    page.click("button:has-text('上传并检查')")
    confirm = page.locator("button:has-text('确认导入 3 名会员')")
    expect(confirm).to_be_visible()
    shot(page, "import-ready")
    assert_accessible(page)
    confirm.click()

    expect(page.locator("#import-job")).to_have_attribute("data-state", "done")
    expect(page.locator("#accepted")).to_have_text("3")
    assert_accessible(page)
    page.click("text=查看会员")
    expect(page).to_have_url(re.compile(r"/members/"))
    page.fill("input[name=q]", "杨春梅")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#results")).to_contain_text("杨春梅")
    shot(page, "import-members-listed")
    assert_accessible(page)

    # The upload page remembers both attempts.
    page.goto(f"{live_server.url}/members/import/")
    expect(page.locator("table[aria-label='最近上传的名册']")).to_contain_text("名册-已改.csv")
    expect(page.locator("table[aria-label='最近上传的名册']")).to_contain_text("名册-有错.xlsx")
    assert_accessible(page)
