"""core.jobs and the staged import's lifecycle: started after commit (run now or enqueue, chosen by the
service), heavy steps in a child process whose memory goes back to the system, a dead child leaves its job
failed with its file deleted, stale and long-waiting jobs expire, every end deletes the upload."""

from __future__ import annotations

import datetime as dt
import os
import resource
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core import jobs as background
from gonghui.core.models import AuditEvent, TabularJob
from gonghui.core.tabular import staged
from gonghui.members.imports import jobs as roster
from gonghui.members.models import ImportJob, Member
from gonghui.voice.services import imports as survey
from tests.factories import make_id_number

CALLS: list[tuple[str, int]] = []


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    CALLS.clear()


def record(*, tag: str, n: int) -> None:
    """A job body for the tests: note that it ran, and in which process."""
    CALLS.append((tag, n))
    Path(os.environ["TABULAR_TEST_OUT"]).write_text(f"{os.getpid()} {tag} {n}")


def grow_and_die(*, mb: int) -> None:
    """A job body that takes memory and then dies without a word (as the OOM killer would end it)."""
    hog = bytearray(mb << 20)
    hog[::4096] = b"x" * len(hog[::4096])
    os._exit(9)


def _roster_upload(serial: int = 7300) -> SimpleUploadedFile:
    text = f"\ufeff姓名,公民身份号码\n和新来,{make_id_number(serial=serial)}\n"
    return SimpleUploadedFile("名册.csv", text.encode("utf-8"), content_type="text/csv")


def test_start_runs_after_commit_and_not_on_rollback(db, monkeypatch):
    started: list[tuple[str, tuple[object, ...]]] = []

    class FakeTask:
        def call(self, *args: object) -> None:
            started.append(("call", args))

        def enqueue(self, *args: object) -> None:
            started.append(("enqueue", args))

    monkeypatch.setattr(background, "import_string", lambda path: FakeTask())
    background.start("x.task", 1, inline=True)  # only the test's own transaction: counts as committed
    assert started == [("call", (1,))]
    with transaction.atomic():
        background.start("x.task", 2, inline=False)
        assert started == [("call", (1,))]  # not before commit
    # pytest's transaction never commits: an inner block's callbacks wait for it (run on commit in production)
    with pytest.raises(RuntimeError), transaction.atomic():
        background.start("x.task", 3, inline=False)
        raise RuntimeError
    assert ("enqueue", (3,)) not in started


# a child process opens the test database by name: SQLite's in-memory test database has none (there
# run_heavy runs the body inline, by design, and grow_and_die would end the test run itself)
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_run_heavy_runs_the_body_in_a_child_process(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    monkeypatch.setenv("TABULAR_TEST_OUT", str(out))
    info = background.run_heavy("tests.core.test_tabular_jobs.record", tag="child", n=7)
    assert info["exit"] == 0 and info["in_child"] is True
    pid, tag, n = out.read_text().split()
    assert int(pid) != os.getpid() and (tag, n) == ("child", "7")
    assert CALLS == []  # not run here


# a child process opens the test database by name: SQLite's in-memory test database has none (there
# run_heavy runs the body inline, by design, and grow_and_die would end the test run itself)
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_memory_of_a_heavy_child_goes_back_to_the_system():
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    info = background.run_heavy("tests.core.test_tabular_jobs.grow_and_die", mb=600)
    assert info["exit"] != 0 and info["in_child"] is True
    assert float(info["peak_rss_mb"]) > 500  # the child did hold it …
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - mine < 100 * 1024  # … this process did not


def test_in_a_test_transaction_the_body_runs_here(db, tmp_path, monkeypatch):
    monkeypatch.setenv("TABULAR_TEST_OUT", str(tmp_path / "out.txt"))
    info = background.run_heavy("tests.core.test_tabular_jobs.record", tag="here", n=1)
    assert info == {"exit": 0, "in_child": False} and CALLS == [("here", 1)]


@pytest.mark.django_db(transaction=True)
def test_a_check_whose_child_dies_leaves_the_job_failed_and_the_file_deleted(world, monkeypatch):
    object.__setattr__(roster.ROSTER, "inline_max_bytes", 0)  # everything goes through the queue
    try:
        monkeypatch.setattr(background, "start", lambda *a, **k: None)  # the queue: nothing runs yet
        job = roster.import_job_create(org=world.union_a, upload=_roster_upload(), actor=world.cadre_a)
        stored = roster.upload_dir() / job.stored_path
        assert job.state == "uploaded" and stored.exists()
        # the worker runs the task; its child dies (as the OOM killer would end it)
        from gonghui.core.tabular import tasks
        from gonghui.members.imports.tasks import validate_roster

        monkeypatch.setattr(tasks, "run_heavy", lambda *a, **k: {"exit": -9, "in_child": True})

        assert validate_roster.call(job.pk) == "failed"
        job.refresh_from_db()
        assert job.state == "failed" and "后台进程意外中止" in job.failure and not stored.exists()
    finally:
        object.__setattr__(roster.ROSTER, "inline_max_bytes", staged.INLINE_MAX_BYTES)


@pytest.mark.django_db(transaction=True)
def test_a_large_roster_is_checked_and_imported_in_child_processes(world, monkeypatch):
    """The whole path as in production: enqueue → worker task → child process → state in the database."""
    object.__setattr__(roster.ROSTER, "inline_max_bytes", 0)
    try:
        job = roster.import_job_create(org=world.union_a, upload=_roster_upload(7301), actor=world.cadre_a)
        job.refresh_from_db()  # the test settings' queue runs the task at once; the task runs a child
        assert job.state == "validated" and job.valid_rows == 1
        job = roster.import_job_confirm(job=job, version=job.version, actor=world.cadre_a)
        job.refresh_from_db()
        assert job.state == "done" and job.accepted == 1
        assert Member.objects.filter(org=world.union_a, name="和新来").exists()
        assert not (roster.upload_dir() / job.stored_path).exists()
    finally:
        object.__setattr__(roster.ROSTER, "inline_max_bytes", staged.INLINE_MAX_BYTES)


@pytest.mark.django_db
def test_stale_running_and_long_waiting_jobs_expire_and_lose_their_file(world):
    running = roster.import_job_create(org=world.union_a, upload=_roster_upload(7302), actor=world.cadre_a)
    waiting = roster.import_job_create(org=world.union_a, upload=_roster_upload(7303), actor=world.cadre_a)
    assert running.state == waiting.state == "validated"
    old = timezone.now()
    ImportJob.objects.filter(pk=running.pk).update(state="validating", updated_at=old - dt.timedelta(hours=2))
    ImportJob.objects.filter(pk=waiting.pk).update(updated_at=old - dt.timedelta(days=4))
    files = [roster.upload_dir() / j.stored_path for j in (running, waiting)]
    assert all(f.exists() for f in files)
    # the next upload sweeps
    roster.import_job_create(org=world.union_a, upload=_roster_upload(7304), actor=world.cadre_a)
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert (running.state, waiting.state) == ("failed", "failed")
    assert "后台处理中断" in running.failure and "超过三天没有确认" in waiting.failure
    assert not any(f.exists() for f in files)
    assert AuditEvent.objects.filter(action="member.import_expire").count() == 2


@pytest.mark.django_db
def test_every_end_of_a_survey_job_deletes_its_file(world):
    def new() -> TabularJob:
        upload = SimpleUploadedFile("问卷.csv", "内容\n宿舍热水经常停，洗澡很不方便\n".encode())
        return survey.survey_job_create(org=world.union_a, upload=upload, actor=world.cadre_a)

    def stored(job: TabularJob) -> Path:
        return staged.stored_path(survey.SURVEY, job)

    done = new()
    assert done.state == "validated" and stored(done).exists()
    done = survey.survey_job_confirm(job=done, version=done.version, actor=world.cadre_a)
    assert done.state == "done" and done.result.get("batch") and not stored(done).exists()

    cancelled = new()
    survey.survey_job_cancel(job=cancelled, version=cancelled.version, actor=world.cadre_a)
    cancelled.refresh_from_db()
    assert cancelled.state == "failed" and cancelled.finished_at and not stored(cancelled).exists()

    refused = survey.survey_job_create(
        org=world.union_a, upload=SimpleUploadedFile("问卷.csv", "内容\n短\n".encode()), actor=world.cadre_a
    )
    assert refused.state == "failed" and refused.errors and not stored(refused).exists()

    from tests.factories import make_user

    with pytest.raises(Exception) as denied:
        survey.survey_job_confirm(job=new(), version=1, actor=make_user("外人"))
    assert "未找到" in str(denied.value)


@pytest.mark.django_db
def test_an_analysis_run_whose_child_dies_is_failed_so_the_union_may_rerun(world, monkeypatch):
    from gonghui.core import jobs
    from gonghui.voice import tasks as voice_tasks
    from gonghui.voice.models import ClusterRun
    from gonghui.voice.services.analysis import run_start

    started: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr(jobs, "start", lambda path, *args, inline: started.append((path, args)))
    run = run_start(actor=world.cadre_a, scope_org=world.union_a)
    assert started == [("gonghui.voice.tasks.analyse_demands", (run.pk,))]  # named, started after commit
    monkeypatch.setattr(jobs, "run_heavy", lambda *a, **k: {"exit": -9, "in_child": True})
    assert voice_tasks.analyse_demands.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and "意外中止" in run.message
    assert ClusterRun.objects.filter(scope_org=world.union_a).count() == 1
