"""End-to-end tests: Django's live server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import World, world  # noqa: F401  (re-exported fixture)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django must allow its ORM calls anyway.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


PASSWORD = "Gonghui2026pass"


def login(page: Page, live_url: str, mobile: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=username]", mobile)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


# ------------------------------------------------------------------------------------ accessibility

AXE_URL = "/static/vendor/axe.min.js"  # copied from the npm package by scripts/assets.sh, served by us
AXE_FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core on the page as it is now; returns its violations (every impact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        origin = page.evaluate("location.origin")
        page.add_script_tag(url=f"{origin}{AXE_URL}")
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
                count: v.nodes.length,
            }));
        }"""
    )
    return list(result)


def assert_accessible(page: Page, *, allow: tuple[str, ...] = ()) -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now, listing them.

    Call it after each page the test visits has settled (after `expect(...)` of its content). `allow`
    names axe rule ids to ignore on this one call; say why beside the call.
    """
    failing = [v for v in axe_violations(page) if v["impact"] in AXE_FAILING_IMPACTS and v["id"] not in allow]
    if failing:
        lines = [f"axe-core: {len(failing)} serious/critical violation(s) on {page.url}"]
        for v in failing:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['count']} element(s))")
            for node in v["nodes"]:  # type: ignore[attr-defined]
                summary = " ".join(str(node["summary"] or "").split())
                lines.append(f"    {node['target']}: {summary[:300]}")
        raise AssertionError("\n".join(lines))
