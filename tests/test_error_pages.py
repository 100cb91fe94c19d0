"""With DEBUG off (as `make run` and production serve), every error answers a Chinese page in the
platform's own frame, and `make run`'s static files come hashed and compressed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

ROOT = Path(__file__).resolve().parent.parent


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("", include("gonghui.urls")),
]


def _page(response: HttpResponse) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_404_is_chinese_in_the_site_frame(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.cadre_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = _page(response)
    assert "未找到" in html and "返回首页" in html
    assert "/static/gonghui/site.css" in html and "退出（" in html  # the usual header, signed in


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_500_is_chinese_and_standalone() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = _page(response)
    assert "系统出错了" in html and "错误已记录" in html
    assert "/static/gonghui/site.css" in html
    assert "a bug" not in html and "Traceback" not in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_403_is_chinese(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.worker)
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "无权操作" in _page(response)


@pytest.mark.django_db
def test_expired_form_answers_a_chinese_csrf_page() -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "1", "password": "2"})
    assert response.status_code == 403
    html = _page(response)
    assert "页面已过期" in html and "刷新后重新填写" in html


@pytest.mark.django_db
def test_unknown_host_answers_a_chinese_400() -> None:
    response = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in _page(response)


# `make run` as scripts/serve.sh runs it: STATIC_MANIFEST=true, DEBUG off, collectstatic into the var dir.
SERVE_PROBE = """
import json, os
from gonghui.wsgi import application
from django.test import Client
page = Client().get("/accounts/login/")
css = Client().get(page.content.decode().split('href="')[1].split('"')[0], HTTP_ACCEPT_ENCODING="br, gzip")
print(json.dumps({"page": page.status_code, "html": page.content.decode(), "css": css.status_code,
                  "encoding": css.get("Content-Encoding"), "cache": css.get("Cache-Control")}))
"""


@pytest.mark.slow
def test_make_run_serves_hashed_compressed_static_files(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings.base",
        "DEBUG": "false",
        "STATIC_MANIFEST": "true",
        "GONGHUI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "--ignore", "axe.min.js"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True, timeout=600)
    static = tmp_path / "static"
    assert (static / "staticfiles.json").is_file()
    hashed = [p.name for p in (static / "gonghui").iterdir() if p.name.startswith("site.")]
    assert any(n.endswith(".css.br") for n in hashed) and any(n.endswith(".css.gz") for n in hashed)
    assert "site.css" not in hashed  # only the hashed copies are kept
    assert not (static / "vendor" / "axe.min.js").exists()  # the accessibility checker stays in the tests

    proc = subprocess.run(
        [sys.executable, "-c", SERVE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["page"] == 200
    assert "/static/gonghui/site.css" not in got["html"]  # a hashed name instead
    assert got["css"] == 200 and got["encoding"] == "br" and "immutable" in got["cache"]
