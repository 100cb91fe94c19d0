"""The survey import's staged job pages (upload → check → confirm): a job of union_a is reached by its
own cadre and the admins above it only; anyone else is told it does not exist, and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .base import NOT_ALLOWED, OK, REDIRECT, Case, Ctx, everyone, union_a_only


def survey_job(c: Ctx) -> Any:
    """A survey file checked for union_a by cadre_a, waiting for its confirmation."""

    def make() -> Any:
        from gonghui.voice.services.imports import survey_job_create

        text = "\ufeff内容,反映人\n宿舍热水经常停，洗澡很不方便,木春梅\n".encode()
        upload = SimpleUploadedFile("问卷.csv", text, content_type="text/csv")
        return survey_job_create(org=c.w.union_a, upload=upload, actor=c.w.cadre_a)

    return c.memo("survey_job", make)


def _pk(c: Ctx) -> dict[str, Any]:
    return {"pk": survey_job(c).pk}


def _version(c: Ctx) -> dict[str, Any]:
    return {"version": survey_job(c).version}


PAGE_CASES: dict[str, list[Case]] = {
    "voice:import_job": [
        Case(union_a_only(OK), kwargs=_pk, secrets=lambda c: ["问卷.csv"], hidden=("worker", "cadre_b")),
        Case(everyone(NOT_ALLOWED), method="POST", kwargs=_pk),
    ],
    "voice:import_job_status": [Case(union_a_only(OK), kwargs=_pk)],
    "voice:import_job_confirm": [
        Case(everyone(NOT_ALLOWED), kwargs=_pk),
        Case(union_a_only(REDIRECT), method="POST", kwargs=_pk, data=_version),
    ],
    "voice:import_job_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=_pk),
        Case(union_a_only(REDIRECT), method="POST", kwargs=_pk, data=_version),
    ],
}
API_CASES: dict[str, list[Case]] = {}
