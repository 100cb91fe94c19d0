"""Permission matrix: every URL pattern of the project and every API operation, five personas.

Personas: anonymous, member (world.worker), cadre of another union (world.cadre_b), cadre of the
right union (world.cadre_a), city admin (world.city_admin). Objects are union_a's. A forbidden object
answers 404 (never 403); anonymous pages redirect to login and the anonymous API answers 401. For every
denied unsafe call the whole tracked state (rows of every table below, the audit trail included) must
be exactly as before.

The routes are read from the URL resolver and from the ninja OpenAPI document, so a new route without
a case here fails `test_every_route_has_a_case`. To add a route: add an entry to PAGE_CASES (keyed
by the URL name) or API_CASES (keyed by "METHOD /api/path"), giving the expected answer per persona.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from gonghui.accounts.services import token_create
from tests.conftest import World
from tests.matrix.base import DENIED, DONE, LOGIN, OK, PERSONAS, REDIRECT, Case, Ctx, build_ctx

pytestmark = pytest.mark.django_db


def _gather() -> tuple[dict[str, list[Case]], dict[str, list[Case]]]:
    pages: dict[str, list[Case]] = {}
    api: dict[str, list[Case]] = {}
    for info in pkgutil.iter_modules(tests.matrix.__path__):
        if not info.name.startswith("cases_"):
            continue
        module = importlib.import_module(f"tests.matrix.{info.name}")
        for mine, theirs in ((pages, getattr(module, "PAGE_CASES", {})), (api, getattr(module, "API_CASES", {}))):
            twice = set(mine) & set(theirs)
            assert not twice, f"{info.name}: cases already given elsewhere for {sorted(twice)}"
            mine.update(theirs)
    return pages, api


PAGE_CASES, API_CASES = _gather()


@pytest.fixture
def ctx(world: World) -> Ctx:
    return build_ctx(world)


# ---------------------------------------------------------------- walking the routes


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself when unnamed
    pattern: str


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or pattern)
            yield Route(name, pattern)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("django-admin/")


def is_api_operation(route: Route) -> bool:
    """ninja's operation routes are covered operation by operation from the OpenAPI document."""
    return route.name.startswith("api:") and route.name not in PAGE_CASES


def openapi_operations() -> dict[str, dict[str, Any]]:
    from gonghui.api import api

    schema = api.get_openapi_schema()
    ops: dict[str, dict[str, Any]] = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops[f"{method.upper()} {path}"] = op
    return ops


def test_every_route_has_a_case():
    routes = all_routes()
    page_names = {r.name for r in routes if not is_admin(r) and not is_api_operation(r)}
    missing = sorted(page_names - set(PAGE_CASES))
    assert not missing, f"routes without a permission case (add them to PAGE_CASES): {missing}"
    stale = sorted(set(PAGE_CASES) - page_names)
    assert not stale, f"cases for routes that no longer exist: {stale}"
    ops = openapi_operations()
    missing_api = sorted(set(ops) - set(API_CASES))
    assert not missing_api, f"API operations without a permission case (add them to API_CASES): {missing_api}"
    stale_api = sorted(set(API_CASES) - set(ops))
    assert not stale_api, f"API cases for operations that no longer exist: {stale_api}"
    # every ninja URL pattern is an operation of the OpenAPI document (nothing hides from the schema)
    import re

    api_paths = {op.split(" ", 1)[1] for op in ops}
    for r in routes:
        if is_api_operation(r):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.pattern)
            assert path in api_paths, f"{r.pattern} is routed but missing from the OpenAPI document"
    assert any(is_admin(r) for r in routes)


# ---------------------------------------------------------------- running a case


def tracked_models() -> list[type[Model]]:
    """Every model of the project's own apps (new tables are watched without editing this file)."""
    return [m for m in apps.get_models() if m.__module__.startswith("gonghui.")]


VOLATILE = {"last_used_at", "last_login"}  # bumped by any authenticated request


def state() -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for model in tracked_models():
        rows = model.objects.order_by("pk").values()
        out[model._meta.label] = [tuple(sorted((k, repr(v)) for k, v in r.items() if k not in VOLATILE)) for r in rows]
    return out


def assert_state_unchanged(before: dict[str, Any], after: dict[str, Any], where: str) -> None:
    for label in before:
        assert before[label] == after[label], f"{where}: a denied call changed {label}"


def check_answer(response: Any, expected: Any, where: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and "/login/" in location
    body = getattr(response, "content", b"")[:300]
    if expected == OK:
        assert status == 200, f"{where}: expected 200, got {status} {location} {body!r}"
    elif expected == DONE:
        assert status == 200 or (status == 302 and not to_login), f"{where}: expected 200/302, got {status} {location}"
    elif expected == REDIRECT:
        assert status == 302 and not to_login, f"{where}: expected a redirect, got {status} {location}"
    elif expected == LOGIN:
        assert to_login, f"{where}: expected a redirect to the login page, got {status} {location}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status} {location} {body!r}"
    assert status != 403, f"{where}: 403 tells that the object exists; forbidden must look like not found"


def client_for(persona: str, c: Ctx, *, api: bool) -> tuple[Client, dict[str, str]]:
    client = Client()
    user = c.user(persona)
    if user is None:
        return client, {}
    if api:
        _, secret = token_create(user=user, name="matrix", actor=None)
        return client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(user)
    return client, {}


def send(client: Client, case: Case, url: str, c: Ctx, headers: dict[str, str], *, api: bool) -> Any:
    data = case.data(c) if case.data else None
    method = case.method.lower()
    if method == "get":
        return client.get(url, data or {}, **headers)
    if api and not case.multipart:
        return client.generic(case.method, url, json.dumps(data or {}), "application/json", **headers)
    if case.method == "POST":
        return client.post(url, data or {}, **headers)
    return client.generic(case.method, url, "", **headers)


def run_case(c: Ctx, case: Case, url_for: Callable[[Ctx], str], *, api: bool, key: str) -> None:
    # objects the case makes with c.memo(...) are made now, outside the personas' savepoints and before
    # any "before" snapshot, so every persona meets the same rows
    url_for(c)
    if case.data:
        case.data(c)
    for persona in PERSONAS:
        where = f"{key} [{case.label or case.method}] as {persona}"
        sid = transaction.savepoint()
        try:
            client, headers = client_for(persona, c, api=api)
            before = state()
            response = send(client, case, url_for(c), c, headers, api=api)
            expected = case.expect[persona]
            check_answer(response, expected, where)
            if (case.method != "GET" and expected in DENIED) or persona in case.unchanged:
                assert_state_unchanged(before, state(), where)
            if case.check:
                case.check(persona, response, c)
            if persona in case.hidden and case.secrets and response.status_code == 200:
                text = response.content.decode("utf-8", "replace")
                for secret in case.secrets(c):
                    assert secret not in text, f"{where}: sees {secret!r} of another union"
        finally:
            transaction.savepoint_rollback(sid)


def _page_params() -> list[Any]:
    return [
        pytest.param(name, i, id=f"{name}-{case.label or case.method}-{i}")
        for name, cases in PAGE_CASES.items()
        for i, case in enumerate(cases)
    ]


def _api_params() -> list[Any]:
    return [
        pytest.param(key, i, id=f"{key}-{case.label or i}")
        for key, cases in API_CASES.items()
        for i, case in enumerate(cases)
    ]


@pytest.mark.parametrize(("name", "index"), _page_params())
def test_page_route(ctx: Ctx, name: str, index: int) -> None:
    case = PAGE_CASES[name][index]
    run_case(ctx, case, lambda c: reverse(name, kwargs=case.kwargs(c)), api=False, key=name)


@pytest.mark.parametrize(("key", "index"), _api_params())
def test_api_route(ctx: Ctx, key: str, index: int) -> None:
    case = API_CASES[key][index]
    method, template = key.split(" ", 1)
    assert case.method in ("GET", method)
    case = Case(**{**case.__dict__, "method": method})

    def url_for(c: Ctx) -> str:
        url = template
        for k, v in case.kwargs(c).items():
            url = url.replace("{" + k + "}", str(v))
        return url

    run_case(ctx, case, url_for, api=True, key=key)


# ---------------------------------------------------------------- Django admin (/sysadmin/)


def _admin_url(route: Route) -> str:
    """A concrete URL for any admin pattern (the object need not exist: access is refused first)."""
    import re

    url = "/" + route.pattern
    url = re.sub(r"<(?:\w+:)?\w+>", "1", url)
    m = re.search(r"\^\(\?P<app_label>([\w|]+)\)/\$", url)
    if m:
        url = url[: m.start()] + m.group(1).split("|")[0] + "/"
    url = url.replace("(?P<url>.*)$", "no-such-page/")
    return url


def _admin_routes() -> list[Any]:
    return [pytest.param(r, id=r.name) for r in all_routes() if is_admin(r)]


@pytest.mark.parametrize("route", _admin_routes())
def test_admin_route_is_closed_to_all_but_staff(world: World, route: Route) -> None:
    url = _admin_url(route)
    for persona in ("anonymous", "worker", "cadre_a", "city_admin"):
        client = Client()
        user = None if persona == "anonymous" else getattr(world, persona)
        if user is not None:
            assert not user.is_staff
            client.force_login(user)
        response = client.get(url)
        status, location = response.status_code, response.get("Location", "")
        where = f"{route.name} {url} as {persona}"
        if route.name == "admin:login":
            # the login form itself; a logged-in non-staff user is told they have no access
            assert status == 200, where
            assert 'name="password"' in response.content.decode(), where
            continue
        if route.name == "admin:logout":
            assert status in (302, 405), where
            continue
        if persona == "anonymous":
            assert (status == 302 and "/login/" in location) or status == 404, f"{where}: {status} {location}"
        else:
            assert status in (302, 404) and (status == 404 or "/login/" in location), f"{where}: {status} {location}"
        assert status != 200, where


def test_matrix_personas_are_what_they_claim(world: World) -> None:
    """The matrix means something only if the personas are set up as described."""
    from gonghui.accounts.scope import Action, scope_for

    assert not scope_for(AnonymousUser()).paths
    assert not scope_for(world.worker).is_cadre and world.worker.member_id == world.member_a.pk
    assert scope_for(world.cadre_a).allows(Action.EDIT, world.union_a)
    assert not scope_for(world.cadre_b).allows(Action.VIEW, world.union_a)
    assert scope_for(world.city_admin).allows(Action.MANAGE_ORGS, world.union_a)
    assert not any(u.is_staff for u in (world.worker, world.cadre_a, world.cadre_b, world.city_admin))
