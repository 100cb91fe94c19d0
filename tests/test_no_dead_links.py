"""No page leads anyone to a dead end: signed in as each persona, follow every internal link of every
page reached from the home page, three clicks deep; none may answer 404 or 500.

Forbidden looks like absent (404) on this platform, so a link to a page outside the viewer's scope is a
dead link too — the case this guards: a grassroots cadre's union page linking up to the county.
"""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from gonghui.voice.choices import DemandSource
from gonghui.voice.services import demand_enter
from tests.conftest import World

HREF = re.compile(r"<a\b[^>]*?\shref=\"([^\"]*)\"", re.I)
# not pages: the static files, the Django admin (its own login), the API's machine answers
SKIP = ("/static/", "/django-admin/", "/api/")
DEPTH = 3
MAX_PAGES = 250  # per persona; the walk stops there (and says so) rather than run away on a big list


def internal_links(page: str) -> list[str]:
    out = []
    for raw in HREF.findall(page):
        href = urldefrag(html.unescape(raw)).url
        parts = urlsplit(href)
        if not href or parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
            continue
        out.append(href)
    return out


def crawl(client: Client, start: str = "/") -> tuple[dict[str, int], list[tuple[str, int, str]], bool]:
    """Breadth-first from `start`; returns status per URL, the dead links (url, status, found on) and
    whether the walk hit MAX_PAGES."""
    seen: dict[str, int] = {}
    dead: list[tuple[str, int, str]] = []
    queue: deque[tuple[str, int, str]] = deque([(start, 0, "(start)")])
    while queue and len(seen) < MAX_PAGES:
        url, depth, found_on = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        if response.status_code >= 400:
            dead.append((url, response.status_code, found_on))
            continue
        if depth >= DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in internal_links(response.content.decode()):
            if link not in seen:
                queue.append((link, depth + 1, url))
    return seen, dead, bool(queue)


@pytest.fixture
def voice_data(world: World) -> None:
    for org, text in (
        (world.union_a, "食堂饭菜太贵了，希望工会和单位协商降价"),
        (world.union_a, "夜班没有补贴，希望按规定发放"),
        (world.union_b, "宿舍没有热水，冬天洗澡很困难"),
    ):
        actor = world.cadre_a if org == world.union_a else world.cadre_b
        demand_enter(actor=actor, org=org, text=text, source=DemandSource.VISIT)


PERSONAS = ["worker", "cadre_a", "cadre_b", "county_cadre_a", "city_admin", "county_admin", "leader"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_answers_404_or_500(persona: str, world: World, voice_data: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, persona))
    seen, dead, _cut = crawl(client)
    assert len(seen) >= 3, seen  # the walk really went somewhere
    assert not dead, "\n".join(f"{status} {url}  (linked from {found_on})" for url, status, found_on in dead)


@pytest.mark.django_db
def test_the_union_cadre_walk_reaches_the_union_page_but_not_the_county(world: World) -> None:
    client = Client()
    client.force_login(world.cadre_a)
    seen, _dead, _cut = crawl(client)
    assert f"/orgs/{world.union_a.code}/" in seen
    assert f"/orgs/{world.county_a.code}/" not in seen
    page = client.get(f"/orgs/{world.union_a.code}/").content.decode()
    assert world.county_a.name in page  # named, as plain text
    assert f'href="/orgs/{world.county_a.code}/"' not in page
    assert client.get(f"/orgs/{world.county_a.code}/").status_code == 404


@pytest.mark.django_db
def test_the_county_cadre_gets_links_within_the_county(world: World) -> None:
    client = Client()
    client.force_login(world.county_cadre_a)
    page = client.get(f"/orgs/{world.union_a.code}/").content.decode()
    assert f'href="/orgs/{world.county_a.code}/"' in page  # the parent, inside the scope: a link
    assert f'href="/orgs/{world.city.code}/"' not in page and world.city.name in page


def test_the_crawler_reports_a_dead_link() -> None:
    class FakeResponse:
        def __init__(self, status: int, body: str) -> None:
            self.status_code, self.content = status, body.encode()

        def get(self, key: str, default: str = "") -> str:
            return "text/html; charset=utf-8"

    pages = {"/": (200, '<a href="/a/">a</a> <a href="/static/x.css">s</a>'), "/a/": (200, '<a href="/gone/">g</a>')}

    class FakeClient:
        def get(self, url: str, follow: bool = False) -> FakeResponse:
            return FakeResponse(*pages.get(url, (404, "")))

    seen, dead, _cut = crawl(FakeClient())  # type: ignore[arg-type]
    assert dead == [("/gone/", 404, "/a/")]
    assert "/static/x.css" not in seen
