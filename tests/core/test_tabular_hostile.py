"""Hostile files (issue 7, 5b/5c): whatever the file, a refusal within seconds, under 400 MB, a clear
Chinese message, nothing written, the job never stuck, the upload deleted.

Memory and time are measured in a process of its own (tests/data/hostile/probe.py reads the file through
the shared reader and reports ru_maxrss), since this test process's own peak would hide them. The same
files then go through the roster and survey pages and services as a cadre would send them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.data.hostile import builders as b

ROOT = Path(__file__).resolve().parents[2]
MAX_MB = 400
MAX_SECONDS = 10  # CPU seconds of the reading process and its children; alone each answers in well under 2 s

# name → (builder, words the refusal must hold)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "bomb_cell.xlsx": (lambda p: b.zip_bomb_cell(p, mb=300), "单元格内容过大"),
    "shared_strings.xlsx": (lambda p: b.shared_strings_bomb(p), "共享文字表"),
    "lying_sizes.xlsx": (lambda p: b.lying_sizes_xlsx(p), "无法打开"),
    "doctype_sheet.xlsx": (lambda p: b.doctype_xlsx(p), "DOCTYPE"),
    "doctype_workbook.xlsx": (lambda p: b.doctype_xlsx(p, part="workbook"), "DOCTYPE"),
    "junk_rows.xlsx": (lambda p: b.junk_rows_xlsx(p, rows=3_000_000), "超过 1000000 行"),
    "row_1048576.xlsx": (lambda p: b.junk_rows_xlsx(p, jump=True), "超过 1000000 行"),
    "far_column.xlsx": (lambda p: b.far_column_xlsx(p), "列"),
    "nul.xlsx": (lambda p: b.nul_xlsx(p), "空字符"),
    "junk_rows.csv": (lambda p: b.junk_rows_csv(p, rows=5_000_000), "超过 1000000 行"),
    "sparse.xls": (lambda p: b.sparse_xls(p), "展开后过大"),
    "utf16.csv": (lambda p: b.utf_csv(p, "utf-16"), "UTF-16"),
    "utf32.csv": (lambda p: b.utf_csv(p, "utf-32"), "UTF-32"),
    "utf32_no_bom.csv": (lambda p: b.utf_csv(p, "utf-32-le"), "UTF-32"),
    "nul.csv": (lambda p: b.nul_csv(p), "第2行第C列含有空字符"),
    "junk.xlsx": (lambda p: b.junk_named(p), "不是真正的 Excel"),
    "junk.xls": (lambda p: b.junk_named(p), "不是真正的 Excel"),
    "junk.csv": (lambda p: b.junk_named(p), "编码"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder / name) for name, (make, _) in HOSTILE.items()}


def probe(path: Path) -> dict[str, object]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "gonghui.settings.test")}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.data.hostile.probe", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_quickly_in_little_memory(hostile, name):
    path = hostile[name]
    assert path.stat().st_size < 16 << 20  # small on disk: the danger is in what it expands to
    answer = probe(path)
    assert "error" in answer, answer
    assert HOSTILE[name][1] in str(answer["error"]), answer
    assert float(answer["seconds"]) < MAX_SECONDS, answer  # type: ignore[arg-type]
    assert float(answer["maxrss_mb"]) < MAX_MB, answer  # type: ignore[arg-type]


def test_the_probe_measures_a_real_read(tmp_path):
    """The control: a well-formed file is read, not refused (so the refusals above are the files')."""
    answer = probe(b.plain_xlsx(tmp_path / "ok.xlsx", rows=50))
    assert answer.get("rows") == 50 and answer.get("header") == 1 and "error" not in answer
    assert 0 < float(answer["maxrss_mb"]) < MAX_MB  # type: ignore[arg-type]


# --- through the pages, as a cadre sends them ------------------------------------------------------------

WEB_SAMPLE = ("bomb_cell.xlsx", "shared_strings.xlsx", "doctype_sheet.xlsx", "nul.csv", "utf32.csv", "sparse.xls")


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", WEB_SAMPLE)
def test_roster_page_refuses_it_writes_nothing_and_deletes_the_upload(world, hostile, settings, tmp_path, name):
    from gonghui.members.models import ImportJob, Member

    settings.UPLOAD_DIR = tmp_path / "uploads"
    before = Member.objects.count()
    client = _client(world.cadre_a)
    upload = SimpleUploadedFile(name, hostile[name].read_bytes())
    response = client.post(reverse("members:import_upload"), {"org": world.union_a.code, "file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == "failed"  # checked and refused: never left "checking"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and HOSTILE[name][1] in html and "名册未导入" in html
    assert Member.objects.count() == before
    assert not any((Path(settings.UPLOAD_DIR) / "imports").iterdir())


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", WEB_SAMPLE)
def test_survey_import_refuses_it_and_writes_nothing(world, hostile, settings, tmp_path, name):
    from gonghui.core.models import TabularJob
    from gonghui.voice.models import Demand, DemandImport

    settings.UPLOAD_DIR = tmp_path / "uploads"
    client = _client(world.cadre_a)
    upload = SimpleUploadedFile(name, hostile[name].read_bytes())
    response = client.post(reverse("voice:import"), {"org": world.union_a.code, "file": upload})
    assert response.status_code == 302
    job = TabularJob.objects.get()
    assert job.state == "failed"
    html = client.get(response["Location"]).content.decode()
    assert HOSTILE[name][1] in html and "文件未导入" in html
    assert not Demand.objects.exists() and not DemandImport.objects.exists()
    assert not any((Path(settings.UPLOAD_DIR) / "survey").iterdir())


@pytest.mark.django_db
def test_roster_api_refuses_a_hostile_file_with_a_message(world, hostile, settings, tmp_path):
    from gonghui.members.models import Member

    settings.UPLOAD_DIR = tmp_path / "uploads"
    client = _client(world.cadre_a)
    before = Member.objects.count()
    response = client.post(
        "/api/imports/members",
        {
            "org": world.union_a.code,
            "dry_run": "false",
            "file": SimpleUploadedFile("r.csv", hostile["nul.csv"].read_bytes()),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["imported"] is False and "空字符" in body["errors"][0]["message"]
    assert Member.objects.count() == before
    assert not any(p.is_file() for p in Path(settings.UPLOAD_DIR).rglob("*"))
