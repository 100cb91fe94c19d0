"""The whole voice loop in Chromium: a worker speaks on the phone, a cadre finds the issue, reports it
up as a 专报 (.docx and .pdf opened and read), records the answer, and the worker reads and rates it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document as WordDocument
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from gonghui.voice.choices import DemandSource
from gonghui.voice.services import demand_enter
from tests.voice.conftest import labelled_texts

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_TEXT = "工地老板拖欠我们工资三个月了，一直说没钱，我们班组十几个人都等着这钱过年"


@pytest.fixture
def heard(world):  # type: ignore[no-untyped-def]
    """What cadre_a heard on visits in union_a: wage arrears, canteen and dormitory, schooling."""
    today = timezone.localdate()
    for n, (_topic, text) in enumerate(labelled_texts(per_topic=10)):
        demand_enter(
            actor=world.cadre_a,
            org=world.union_a,
            text=text,
            source=DemandSource.VISIT,
            submitted_on=today - dt.timedelta(days=n % 40),
        )


def _download(page: Page, link_id: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"#{link_id}")
    path = info.value.path()
    with open(path, "rb") as fh:
        return fh.read()


def test_worker_speaks_cadre_reports_answer_comes_back(phone_page: Page, page: Page, live_server, world, heard) -> None:
    url = live_server.url
    # 1. the worker, on the phone
    login(phone_page, url, world.worker.mobile)
    phone_page.goto(f"{url}/voice/mine/")
    assert_accessible(phone_page)
    phone_page.click("text=我要反映")
    assert_accessible(phone_page)
    phone_page.fill("textarea[name=text]", WORKER_TEXT)
    phone_page.click("#submit-button")
    expect(phone_page.locator(".flash")).to_contain_text("受理编号")
    tracking = re.search(r"SQ\w{12}", phone_page.locator(".flash").inner_text())
    assert tracking
    expect(phone_page.locator("#demand-text")).to_have_text(WORKER_TEXT)
    expect(phone_page.locator("ol.steps li.done")).to_have_text(["已受理"])
    assert_accessible(phone_page)

    # 2. the cadre analyses union_a's demands and finds the worker's among an issue
    login(page, url, world.cadre_a.mobile)
    page.click("nav >> text=诉求与专报")
    page.goto(f"{url}/voice/issues/?org={world.union_a.code}")
    # Under the test settings' immediate task backend the POST returns only once the analysis has run
    # (in its own child process since ae28fae: a fresh Python, Django, scikit-learn and jieba), which
    # takes longer than the default 10 s on a busy machine; in production the queue takes it.
    page.click("text=重新分析议题", timeout=60_000)
    expect(page.locator("#run-status")).to_have_attribute("data-status", "done")
    expect(page.locator("table[aria-label=议题列表] tbody tr")).not_to_have_count(0)
    assert_accessible(page)
    page.goto(f"{url}/voice/demands/?q=班组十几个人")
    assert_accessible(page)
    page.click(f"text={tracking.group(0)}")
    assert_accessible(page)
    page.click("section:has-text('所在议题') a")
    issue_url = page.url
    issue_id = re.search(r"/issues/(\d+)/", issue_url).group(1)  # type: ignore[union-attr]
    expect(page.locator("table[aria-label=议题下的诉求]")).to_contain_text("班组十几个人")
    label = page.locator("#issue-label").inner_text()
    assert_accessible(page)

    # 3. a 专报 on that issue: edit, download both files and read them
    page.goto(f"{url}/voice/issues/?org={world.union_a.code}")
    page.check(f"input[name=issue][value='{issue_id}']")
    page.fill("#report-title", "关于建筑工地农民工工资拖欠问题的专报")
    page.click("#make-report")
    expect(page.locator("h1")).to_have_text("关于建筑工地农民工工资拖欠问题的专报")
    assert_accessible(page)
    page.fill("textarea[name=summary]", "近期我会走访中，职工集中反映工资拖欠。")
    page.fill("textarea[name=asks]", "建议区人社局开展欠薪专项检查。")
    page.click("text=保存草稿")
    expect(page.locator(".flash")).to_have_text("已保存")

    word = WordDocument(io.BytesIO(_download(page, "download-docx")))
    word_text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    assert "关于建筑工地农民工工资拖欠问题的专报" in word_text
    assert label in word_text and "草稿" in word_text
    assert "建议区人社局开展欠薪专项检查" in word_text
    assert world.member_a.name not in word_text  # quotes are anonymous
    pdf = PdfReader(io.BytesIO(_download(page, "download-pdf")))
    pdf_text = "".join(p.extract_text() for p in pdf.pages)
    assert "工资拖欠问题的专报" in pdf_text and label in pdf_text

    page.fill("input[name=submitted_to]", "中共古城区委办公室")
    page.click("text=记录报送")
    expect(page.locator("#report-status")).to_have_text("已报送")

    # 4. the answer, recorded and carried back to every worker behind the issue
    page.fill("input[name=body]", "古城区人力资源和社会保障局")
    page.fill("#report-answer textarea[name=text]", "已对涉事工地立案查处，责令十五日内足额支付拖欠工资。")
    page.click("text=保存答复并告知职工")
    expect(page.locator("#report-status")).to_have_text("已反馈")
    expect(page.locator("#answer")).to_contain_text("已告知")
    assert_accessible(page)

    # 5. the worker reads the answer and rates it
    phone_page.goto(f"{url}/voice/mine/")
    expect(phone_page.locator("nav.nav")).to_contain_text("我的诉求")
    expect(phone_page.locator(".menu-list")).to_contain_text("有答复")
    assert_accessible(phone_page)
    phone_page.goto(f"{url}/voice/messages/")
    expect(phone_page.locator(".menu-list")).to_contain_text("您反映的诉求有了答复")
    assert_accessible(phone_page)
    phone_page.goto(f"{url}/voice/mine/{tracking.group(0)}/")
    expect(phone_page.locator(".answer-text")).to_contain_text("责令十五日内足额支付")
    phone_page.check("input[name=rating][value=basically]")
    phone_page.fill("input[name=comment]", "希望说到做到")
    phone_page.click("text=提交评价")
    expect(phone_page.locator(".rating")).to_have_text("基本满意")
    assert_accessible(phone_page)

    # the cadre sees the loop closed in the figures
    page.goto(f"{url}/voice/loop/?org={world.union_a.code}")
    expect(page.locator("#loop-overall")).to_contain_text("100.0%")
    assert_accessible(page)
