"""Survey results in bulk (.xlsx/.xls/.csv), staged: upload → check → every problem listed → confirm.

Thin views: the upload goes to the survey job service (saved encrypted, checked after commit — in the
request for a small file, by the background worker otherwise); the job page polls a small partial
(HTMX) while it runs, then shows the count that would be written with a confirm button, or every
problem with its row and column. A finished import redirects to the batch's page (a reload imports
nothing twice).
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.tabular.models import TabularJobState
from gonghui.core.tabular.views import JobPages, cancel_step, confirm_step, job_context

from ..forms_import import ImportForm
from ..services.imports import (
    ERRORS_LISTED,
    MAX_FILE_BYTES,
    MAX_ROWS,
    get_import_for_user,
    get_survey_job_for_user,
    sample_workbook,
    survey_job_cancel,
    survey_job_confirm,
    survey_job_create,
    survey_jobs_for,
)
from .shared import org_choices, org_from, require_voice


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    form = ImportForm(request.POST or None, request.FILES or None, org_choices=org_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            org = org_from(request, form.cleaned_data["org"])
            job = survey_job_create(org=org, upload=form.cleaned_data["file"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("org" if exc.field == "org" else "file", exc.message)
        else:
            return redirect("voice:import_job", pk=job.pk)
    context: dict[str, Any] = {
        "form": form,
        "done": None,
        "max_rows": MAX_ROWS,
        "max_mb": MAX_FILE_BYTES // 1024 // 1024,
        "recent": list(survey_jobs_for(request.user).filter(actor_id=request.user.pk)[:5]),
    }
    if request.method == "GET" and request.GET.get("done"):
        try:
            context["done"] = get_import_for_user(request.user, request.GET["done"])
        except NotFound:
            raise Http404 from None
    return render(request, "voice/import.html", context)


PAGES = JobPages(
    namespace="voice",
    upload="voice:import",
    confirm=survey_job_confirm,
    cancel=survey_job_cancel,
    cancelled="已放弃这份文件，上传的文件已删除",
    errors_listed=ERRORS_LISTED,
)


def _job(request: HttpRequest, pk: int) -> Any:
    require_voice(request)
    try:
        return get_survey_job_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None


def _job_context(job: Any) -> dict[str, Any]:
    return {
        **job_context(PAGES, job),
        "batch_url": (
            f"{reverse('voice:import')}?done={job.result['batch']}"
            if job.state == TabularJobState.DONE and isinstance(job.result, dict) and job.result.get("batch")
            else ""
        ),
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = _job_context(job)
    if context["batch_url"]:
        return redirect(context["batch_url"])
    return render(request, "voice/import_job.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX partial the job page polls while the job runs (it stops polling once finished)."""
    return render(request, "voice/import_job_status.html", _job_context(_job(request, pk)))


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return confirm_step(PAGES, request, _job(request, pk))


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return cancel_step(PAGES, request, _job(request, pk))


@login_required
@require_GET
def sample(request: HttpRequest) -> FileResponse:
    require_voice(request)
    return FileResponse(
        io.BytesIO(sample_workbook()),
        as_attachment=True,
        filename="诉求导入模板.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
