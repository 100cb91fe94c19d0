"""Web roster import: upload → preview with every problem → confirm; jobs, progress, limits, scope."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members.imports import jobs
from gonghui.members.imports.sample import write_sample_roster
from gonghui.members.models import ImportJob, Member
from tests.data.roster.builders import write_csv
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号码"]


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _ids(n: int, start: int = 50_000) -> list[str]:
    return [make_id_number("530723", dt.date(1992, 2, 2), "MF"[i % 2], serial=start + i) for i in range(n)]


def _name(i: int, surname: str = "木") -> str:
    """A name without digits (names refuse digits and symbols): 木甲子, 木乙子, …"""
    return surname + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅卯辰巳午未申酉"[i // 10 % 10]


def _csv(tmp_path: Path, rows: list[list[object]], name: str = "名册.csv") -> SimpleUploadedFile:
    path = write_csv(tmp_path / name, rows, encoding="utf-8-sig")
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def _upload(client: Client, org_code: str, file: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    return client.post(reverse("members:import_upload"), {"org": org_code, "file": file})


def test_upload_page_lists_only_unions_in_scope(world):
    page = _client(world.cadre_a).get(reverse("members:import_upload")).content.decode()
    assert world.union_a.name in page and world.union_b.name not in page
    page = _client(world.county_cadre_a).get(reverse("members:import_upload")).content.decode()
    assert world.union_a.name in page and world.union_a2.name in page and world.union_b.name not in page


def test_upload_page_is_404_for_who_cannot_import(world):
    assert _client(world.worker).get(reverse("members:import_upload")).status_code == 404
    assert _client(world.leader).get(reverse("members:import_upload")).status_code == 404
    assert Client().get(reverse("members:import_upload")).status_code == 302


def test_preview_lists_every_problem_and_writes_nothing(world, tmp_path):
    a, b = _ids(2)
    rows = [["标题"], HEADER, ["甲", a, "13900000001"], ["乙", b[:-1] + ("1" if b[-1] != "1" else "2"), "139"]]
    client = _client(world.cadre_a)
    resp = _upload(client, world.union_a.code, _csv(tmp_path, rows))
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("members:import_job", args=[job.pk])
    assert job.state == "failed" and len(job.errors) == 2
    page = client.get(resp["Location"]).content.decode()
    assert "第4行" in page and "校验位" in page and "手机号码" in page
    assert "确认导入" not in page
    assert Member.objects.filter(org=world.union_a).count() == 1
    assert not (Path(jobs.upload_dir()) / job.stored_path).exists()  # the clear-text file is gone


def test_upload_then_confirm_imports_and_a_second_click_does_nothing(world, tmp_path):
    ids = _ids(3, start=51_000)
    rows = [HEADER, *[[_name(i), n, ""] for i, n in enumerate(ids)]]
    client = _client(world.cadre_a)
    resp = _upload(client, world.union_a.code, _csv(tmp_path, rows))
    job = ImportJob.objects.get()
    assert job.state == "validated" and job.valid_rows == 3
    page = client.get(resp["Location"]).content.decode()
    assert "确认导入 3 名会员" in page
    confirm = reverse("members:import_job_confirm", args=[job.pk])
    first = client.post(confirm, {"version": job.version}, follow=True)
    assert "已导入" in first.content.decode()
    second = client.post(confirm, {"version": job.version}, follow=True)
    assert "已经导入完成" in second.content.decode()
    job.refresh_from_db()
    assert job.state == "done" and job.accepted == 3
    assert Member.objects.filter(org=world.union_a).count() == 4
    assert AuditEvent.objects.filter(action="member.import").count() == 1
    assert AuditEvent.objects.filter(action="member.import_confirm").count() == 1


def test_confirm_refuses_a_stale_version(world, tmp_path):
    client = _client(world.cadre_a)
    _upload(client, world.union_a.code, _csv(tmp_path, [HEADER, ["甲", _ids(1, 52_000)[0], ""]]))
    job = ImportJob.objects.get()
    resp = client.post(reverse("members:import_job_confirm", args=[job.pk]), {"version": job.version - 1}, follow=True)
    assert "已被他人修改" in resp.content.decode()
    assert ImportJob.objects.get().state == "validated"


def test_confirm_re_checks_the_platform(world, tmp_path):
    """Someone registers one of the people between the preview and the confirm: nothing is imported."""
    a, b = _ids(2, start=53_000)
    client = _client(world.cadre_a)
    _upload(client, world.union_a.code, _csv(tmp_path, [HEADER, ["甲", a, ""], ["乙", b, ""]]))
    job = ImportJob.objects.get()
    from tests.factories import make_member

    make_member(world.union_b, "乙", id_number=b)
    client.post(reverse("members:import_job_confirm", args=[job.pk]), {"version": job.version})
    job.refresh_from_db()
    assert job.state == "failed" and job.errors[0]["row"] == 3
    assert not Member.objects.filter(org=world.union_a, name="甲").exists()


def test_cancel_deletes_the_stored_file(world, tmp_path):
    client = _client(world.cadre_a)
    _upload(client, world.union_a.code, _csv(tmp_path, [HEADER, ["甲", _ids(1, 54_000)[0], ""]]))
    job = ImportJob.objects.get()
    stored = Path(jobs.upload_dir()) / job.stored_path
    assert stored.exists()
    client.post(reverse("members:import_job_cancel", args=[job.pk]), {"version": job.version})
    assert ImportJob.objects.get().state == "failed" and not stored.exists()


def test_unknown_file_type_and_fake_excel_are_refused(world):
    client = _client(world.cadre_a)
    resp = _upload(client, world.union_a.code, SimpleUploadedFile("名册.pdf", b"%PDF-1.4 ..."))
    assert resp.status_code == 200 and "只能导入 .xlsx、.xls 或 .csv" in resp.content.decode()
    resp = _upload(client, world.union_a.code, SimpleUploadedFile("名册.xlsx", b"<html><table></table></html>"))
    assert resp.status_code == 200 and "不是真正的 Excel" in resp.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(jobs.upload_dir().iterdir())


def test_oversized_upload_is_refused(world, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    rows = [HEADER, *[[_name(i, "甲"), n, ""] for i, n in enumerate(_ids(60, start=55_000))]]
    resp = _upload(_client(world.cadre_a), world.union_a.code, _csv(tmp_path, rows))
    assert resp.status_code == 200 and "文件太大" in resp.content.decode()
    assert not ImportJob.objects.exists()


def test_cadre_of_another_union_cannot_post_into_a_union_outside_scope(world, tmp_path):
    client = _client(world.cadre_b)
    resp = _upload(client, world.union_a.code, _csv(tmp_path, [HEADER, ["甲", _ids(1, 56_000)[0], ""]]))
    assert resp.status_code == 200 and "请从列表中选择工会" in resp.content.decode()
    assert not ImportJob.objects.exists()


def test_job_pages_are_404_outside_scope(world, tmp_path):
    _upload(_client(world.cadre_a), world.union_a.code, _csv(tmp_path, [HEADER, ["甲", _ids(1, 57_000)[0], ""]]))
    job = ImportJob.objects.get()
    other = _client(world.cadre_b)
    for name in ("import_job", "import_job_status"):
        assert other.get(reverse(f"members:{name}", args=[job.pk])).status_code == 404
    for name in ("import_job_confirm", "import_job_cancel"):
        assert other.post(reverse(f"members:{name}", args=[job.pk]), {"version": job.version}).status_code == 404
    assert ImportJob.objects.get().state == "validated"
    # a county cadre above the union may see and confirm it
    county = _client(world.county_cadre_a)
    assert county.get(reverse("members:import_job", args=[job.pk])).status_code == 200


def test_large_file_runs_as_a_background_job_with_progress(world, tmp_path, monkeypatch):
    """Above the inline size the service enqueues the check (the view does not choose); the page polls."""
    from gonghui.core import jobs as background

    object.__setattr__(jobs.ROSTER, "inline_max_bytes", 100)
    started: list[tuple[str, int, bool]] = []
    # a stand-in for the DB-backed queue: remember what was started, run nothing (the worker is not here)
    monkeypatch.setattr(background, "start", lambda path, kind, pk, inline: started.append((path, pk, inline)))
    try:
        path = write_sample_roster(tmp_path / "big.csv", 300, start=900_000)
        client = _client(world.cadre_a)
        resp = _upload(client, world.union_a.code, SimpleUploadedFile("big.csv", path.read_bytes()))
        job = ImportJob.objects.get()
        assert started == [("gonghui.core.tabular.tasks.check_job", job.pk, False)] and job.state == "uploaded"
        status_url = reverse("members:import_job_status", args=[job.pk])
        page = client.get(resp["Location"]).content.decode()
        assert 'hx-trigger="every 1s"' in page and status_url in page and "<progress" in page

        # the worker picks it up; a reload shows the same job, now checked
        jobs.import_job_validate(job_id=job.pk)
        partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in partial and "确认导入 300 名会员" in partial

        job.refresh_from_db()
        client.post(reverse("members:import_job_confirm", args=[job.pk]), {"version": job.version})
        assert started[-1] == ("gonghui.core.tabular.tasks.run_job", job.pk, False)
        assert ImportJob.objects.get().state == "importing"
        assert 'hx-trigger="every 1s"' in client.get(status_url).content.decode()
        jobs.import_job_run(job_id=job.pk)
        jobs.import_job_run(job_id=job.pk)  # a task delivered twice imports once
        job.refresh_from_db()
        assert (job.state, job.accepted, job.processed_rows) == ("done", 300, 302)
        assert Member.objects.filter(org=world.union_a).count() == 301
        assert not (jobs.upload_dir() / job.stored_path).exists()
    finally:
        object.__setattr__(jobs.ROSTER, "inline_max_bytes", jobs.INLINE_MAX_BYTES)


def test_tasks_run_through_the_configured_backend(world, tmp_path):
    """Test settings use django-tasks' ImmediateBackend: enqueue runs the task at once."""
    from gonghui.members.imports.tasks import import_roster, validate_roster

    upload = _csv(tmp_path, [HEADER, ["甲", _ids(1, 58_000)[0], ""]])
    from gonghui.members.imports.jobs import import_job_confirm, import_job_create

    job = import_job_create(org=world.union_a, upload=upload, actor=world.cadre_a)
    assert validate_roster.enqueue(job.pk).return_value == "validated"
    job.refresh_from_db()
    import_job_confirm(job=job, version=job.version, actor=world.cadre_a)
    assert import_roster.enqueue(job.pk).return_value == "done"


def test_import_nav_link_points_at_the_upload_page(world):
    page = _client(world.cadre_a).get(reverse("members:list")).content.decode()
    assert f'href="{reverse("members:import_upload")}"' in page


def test_xlsx_upload_through_the_page(world, tmp_path):
    from tests.data.roster.builders import write_xlsx

    ids = _ids(2, start=59_000)
    path = write_xlsx(tmp_path / "r.xlsx", [["标题"], HEADER, ["甲", ids[0], ""], ["乙", ids[1], ""]])
    client = _client(world.cadre_a)
    _upload(client, world.union_a.code, SimpleUploadedFile("r.xlsx", path.read_bytes()))
    job = ImportJob.objects.get()
    assert job.state == "validated" and job.valid_rows == 2


def test_export_page_downloads_a_masked_roster(world):
    import openpyxl

    client = _client(world.cadre_a)
    page = client.get(reverse("members:roster_export")).content.decode()
    assert world.union_a.name in page and world.union_b.name not in page
    resp = client.post(reverse("members:roster_export"), {"org": world.union_a.code})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    ws = wb.active
    assert ws is not None
    assert [c.value for c in ws[4]][1] == "木丽华"
    assert "*" in str(ws.cell(4, 4).value)


def test_export_page_refuses_a_union_outside_scope(world):
    resp = _client(world.cadre_b).post(reverse("members:roster_export"), {"org": world.union_a.code})
    assert resp.status_code == 200 and "请从列表中选择工会" in resp.content.decode()
    assert not AuditEvent.objects.filter(action="member.export").exists()
    assert _client(world.worker).get(reverse("members:roster_export")).status_code == 404


def test_a_job_whose_worker_died_is_shown_failed_after_an_hour(world, tmp_path):
    from django.utils import timezone

    ids = _ids(2, start=52_000)
    client = _client(world.cadre_a)
    _upload(client, world.union_a.code, _csv(tmp_path, [HEADER, *[[_name(i, "和"), n, ""] for i, n in enumerate(ids)]]))
    job = ImportJob.objects.get()
    # the worker picked it up and was killed: state importing, nothing moved since
    ImportJob.objects.filter(pk=job.pk).update(state="importing", updated_at=timezone.now() - dt.timedelta(minutes=50))
    page = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "正在导入" in page  # within the hour it may still be working
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    page = client.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "后台处理中断" in page
    job.refresh_from_db()
    assert job.state == "failed" and not Member.objects.filter(name__startswith="和").exists()
    assert AuditEvent.objects.filter(action="member.import_expire", object_id=str(job.pk)).count() == 1
