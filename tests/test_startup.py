"""Start-up: a `gonghui` command and a web process load no heavy library they do not use.

scikit-learn, SciPy, matplotlib, WeasyPrint, python-docx, the word segmenter and the pinyin tables
(~250 MB and several seconds together) load only where they are used: a clustering job, a report
download, a name being written. Each check runs in a fresh interpreter, so nothing this test process
already imported hides a regression.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sklearn", "scipy", "numpy", "matplotlib", "weasyprint", "docx", "rjieba", "pypinyin", "openpyxl", "pypdf")
PEAK_RSS_MB = 150

# What the probes write to the file named by GONGHUI_STARTUP_REPORT: the heavy modules loaded and the
# peak memory (VmHWM belongs to this program alone; ru_maxrss would carry the forking parent's).
REPORT = """
def _report(**extra):
    peak = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0].split()[1]
    with open(os.environ["GONGHUI_STARTUP_REPORT"], "w") as fh:
        loaded = sorted(m for m in HEAVY if m in sys.modules)
        json.dump({"loaded": loaded, "peak_rss_mb": int(peak) / 1024, **extra}, fh)
"""

# Runs the `gonghui` console script's main() with the given arguments.
PROBE = f"""
import json, os, sys
HEAVY = {HEAVY!r}
{REPORT}
from gonghui.__main__ import main
sys.argv = ["gonghui", *sys.argv[1:]]
try:
    main()
finally:
    _report()
"""

# A web process: the WSGI application answers its first page (the URL conf imports every view).
WEB_PROBE = f"""
import json, os, sys
HEAVY = {HEAVY!r}
{REPORT}
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.base")
from gonghui.wsgi import application
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns  # every view module and the API, as the first request does
_report(status=Client().get("/accounts/login/").status_code)
"""


def _database_url() -> str:
    """The test database as a URL a second process can open (PostgreSQL)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _probe(tmp_path: Path, code: str, *args: str, database_url: str | None = None) -> tuple[str, dict]:
    report = tmp_path / "report.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings.base",
        "DEBUG": "false",
        "GONGHUI_VAR_DIR": str(tmp_path / "var"),
        "GONGHUI_STARTUP_REPORT": str(report),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)  # an empty SQLite file under tmp_path is enough
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads(report.read_text())


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    out, report = _probe(tmp_path, PROBE, "help")
    assert "orgs" in out and "import-members" in out
    assert report["loaded"] == []
    assert report["peak_rss_mb"] < PEAK_RSS_MB


@pytest.mark.postgres_only  # the command opens the test database from a second process
@pytest.mark.django_db(transaction=True)
def test_orgs_command_loads_no_heavy_library(tmp_path: Path, world) -> None:  # type: ignore[no-untyped-def]
    out, report = _probe(tmp_path, PROBE, "orgs", "--json", database_url=_database_url())
    codes = {o["code"] for o in json.loads(out)}
    assert {world.city.code, world.union_a.code} <= codes
    assert report["loaded"] == []
    assert report["peak_rss_mb"] < PEAK_RSS_MB


def test_web_process_after_its_first_page_loads_no_heavy_library(tmp_path: Path) -> None:
    _out, report = _probe(tmp_path, WEB_PROBE)
    assert report["status"] == 200
    assert report["loaded"] == []
    assert report["peak_rss_mb"] < PEAK_RSS_MB


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check itself can fail: a command that does load one of them is reported."""
    code = PROBE.replace("from gonghui.__main__ import main", "import docx\nfrom gonghui.__main__ import main")
    _out, report = _probe(tmp_path, code, "help")
    assert report["loaded"] == ["docx"]
