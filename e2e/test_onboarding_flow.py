"""People onto the platform, in Chromium: a system admin creates a county cadre (one-time password shown
once) → the cadre logs in, changes the password, adds a member → the member activates their account with
the code from the demo outbox, on the phone → and submits a demand. axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.accounts.models import User
from gonghui.voice.models import Demand
from tests.factories import make_id_number

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

CADRE_MOBILE = "13900006601"
WORKER_MOBILE = "13900006602"
CADRE_PASSWORD = "Yulong-Snow-2026"
WORKER_PASSWORD = "Lashi-Lake-2026"


@pytest.fixture
def demo_outbox(settings):  # type: ignore[no-untyped-def]
    settings.GONGHUI_DEMO_OUTBOX = True
    settings.GONGHUI_NOTIFY_SENDERS = ["gonghui.accounts.outbox.OutboxSender"]
    from gonghui.core import notify

    notify._senders.cache_clear()
    yield
    notify._senders.cache_clear()


def test_admin_creates_cadre_cadre_adds_member_member_activates_and_speaks(
    page: Page, phone_page: Page, live_server, world, demo_outbox
) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    id_number = make_id_number(serial=6602, sex="F")

    # 1. the system admin opens 账号管理 from the nav and creates a county cadre
    login(page, url, world.city_admin.mobile)
    page.click("nav >> text=账号管理")
    expect(page.locator("h1")).to_have_text("账号管理")
    # the 手机号码 column reads under its header (it was right-aligned under a left-aligned one)
    aligns = page.evaluate(
        """() => { const t = document.querySelector("table[aria-label='账号列表']");
                   const col = [...t.tHead.rows[0].cells].findIndex(c => c.textContent.trim() === '手机号码');
                   return [t.tHead.rows[0].cells[col], t.tBodies[0].rows[0].cells[col]]
                       .map(c => getComputedStyle(c).textAlign); }"""
    )
    assert aligns[0] == aligns[1], aligns
    assert_accessible(page)
    page.click("text=新建账号")
    assert_accessible(page)
    page.fill("input[name=mobile]", CADRE_MOBILE)
    page.fill("input[name=name]", "和县干")
    page.select_option("select[name=org]", world.county_a.code)
    page.select_option("select[name=role]", "county_cadre")
    page.click("button:has-text('建立账号')")
    expect(page.locator("h1")).to_have_text("账号已建立")
    assert_accessible(page)
    one_time = page.locator("[data-testid=one-time-password]").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", one_time)
    page.click("text=返回账号页面")
    expect(page.locator("h1")).to_have_text("和县干")
    assert one_time not in page.content()  # shown once
    assert_accessible(page)
    page.click("button:has-text('退出')")

    # 2. the cadre logs in with it and must change it first
    login(page, url, CADRE_MOBILE, one_time)
    expect(page).to_have_url(re.compile(r"/accounts/password/"))
    assert_accessible(page)
    page.fill("input[name=old_password]", one_time)
    page.fill("input[name=new_password]", CADRE_PASSWORD)
    page.fill("input[name=new_password2]", CADRE_PASSWORD)
    page.click("button:has-text('保存新密码')")
    expect(page.locator(".flash")).to_contain_text("密码已修改")

    # 3. the cadre adds a member of union_a, with the worker's mobile
    page.goto(f"{url}/members/add/")
    assert_accessible(page)
    page.select_option("select[name=org]", world.union_a.code)
    page.fill("input[name=name]", "和阿花")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=mobile]", WORKER_MOBILE)
    page.click("button:has-text('登记会员')")
    expect(page.locator(".flash")).to_contain_text("已登记会员和阿花")
    assert not User.objects.filter(mobile=WORKER_MOBILE).exists()

    # 4. the worker activates on the phone with the code from the outbox
    phone = phone_page
    phone.goto(f"{url}/accounts/login/")
    phone.click("text=激活账号")
    expect(phone.locator("h1")).to_have_text("激活职工账号")
    assert_accessible(phone)
    phone.fill("input[name=mobile]", WORKER_MOBILE)
    phone.fill("input[name=id_number]", id_number)
    phone.click("button:has-text('获取验证码')")
    expect(phone.locator("h1")).to_have_text("输入验证码并设置密码")
    assert_accessible(phone)
    outbox = phone.context.new_page()
    outbox.goto(f"{url}/accounts/outbox/")
    assert_accessible(outbox)
    body = outbox.locator("tbody tr").first.inner_text()
    code = re.search(r"\d{6}", body).group(0)  # type: ignore[union-attr]
    outbox.close()
    phone.fill("input[name=code]", "000000" if code != "000000" else "111111")
    phone.fill("input[name=password]", WORKER_PASSWORD)
    phone.fill("input[name=password2]", WORKER_PASSWORD)
    phone.click("button:has-text('激活账号')")
    expect(phone.locator(".error")).to_contain_text("验证码不正确")  # a wrong code first: told, not opened
    phone.fill("input[name=code]", code)
    phone.fill("input[name=password]", WORKER_PASSWORD)
    phone.fill("input[name=password2]", WORKER_PASSWORD)
    phone.click("button:has-text('激活账号')")
    expect(phone.locator(".flash")).to_contain_text("账号已激活")
    assert_accessible(phone)

    # 5. the new worker says what they need
    phone.goto(f"{url}/voice/submit/")
    assert_accessible(phone)
    phone.fill("textarea[name=text]", "酒店前厅夜班没有休息室，希望工会帮忙协调")
    phone.click("#submit-button")
    expect(phone.locator(".flash")).to_contain_text("受理编号")
    worker = User.objects.get(mobile=WORKER_MOBILE)
    assert worker.member is not None and worker.member.name == "和阿花"
    assert Demand.objects.filter(submitter=worker).count() == 1


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"  # type: ignore[index]


def test_account_pages_work_on_a_phone(phone_page: Page, live_server, world) -> None:  # type: ignore[no-untyped-def]
    """A county system admin at 375 px: list, an account of its county, reset its password."""
    url = live_server.url
    page = phone_page
    login(page, url, world.county_admin.mobile)
    page.goto(f"{url}/sysadmin/")
    expect(page.locator("h1")).to_have_text("账号管理")
    expect(page.locator("main")).to_contain_text(world.cadre_a.name)
    expect(page.locator("main")).not_to_contain_text(world.cadre_b.name)  # another county's account
    _fits(page)
    assert_accessible(page)
    page.click(f"text={world.cadre_a.name}")
    expect(page.locator("h1")).to_have_text(world.cadre_a.name)
    _fits(page)
    assert_accessible(page)
    page.click("button:has-text('重置密码')")
    expect(page.locator("h1")).to_have_text("密码已重置")
    _fits(page)
    assert_accessible(page)
    page.goto(f"{url}/members/accounts/bulk/?org={world.union_a.code}")
    expect(page.locator("main")).to_contain_text("在册会员")
    _fits(page)
    assert_accessible(page)
