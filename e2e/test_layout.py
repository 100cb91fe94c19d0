"""The frame every page shares, on a phone and on a desktop: every navigation item on screen and one tap
away, nothing wider than the screen, no serious accessibility problem."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def _nav_boxes(page: Page) -> list[dict[str, float]]:
    links = page.locator("nav.nav a")
    boxes = []
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None, f"navigation item {i} is not displayed"
        boxes.append({**box, "label": links.nth(i).inner_text()})  # type: ignore[dict-item]
    return boxes


@pytest.mark.parametrize("width", [375, 1280])
def test_every_navigation_item_is_on_screen(browser: Browser, live_server, world, width: int) -> None:  # type: ignore[no-untyped-def]
    # the system admin has the most items; the worker and the union cadre the fewest
    for user, at_least in ((world.city_admin, 7), (world.cadre_a, 5), (world.worker, 2)):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800}, is_mobile=width < 500)
        page = context.new_page()
        login(page, live_server.url, user.mobile)
        boxes = _nav_boxes(page)
        assert len(boxes) >= at_least, [b["label"] for b in boxes]
        off = [b["label"] for b in boxes if b["x"] < 0 or b["x"] + b["width"] > width]
        assert not off, f"{user.name} at {width} px: {off} off the screen"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # each item can be tapped where it is: nothing covers it
        for b in boxes:
            x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
            tag = page.evaluate(f"document.elementFromPoint({x}, {y}).closest('nav.nav a')?.innerText")
            assert tag == b["label"], (b["label"], tag)
        assert_accessible(page)
        context.close()
