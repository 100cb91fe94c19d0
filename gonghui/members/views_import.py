"""Roster import and export pages: upload → check (progress bar) → every problem listed → confirm.

Thin views: parse the request, call the import job services / the exporter, render. The services start
the check and the import (in the request for a small file, in the background worker otherwise); the job
page polls a small partial (HTMX) for the progress bar, and because the state lives in the ImportJob
row, reloading or coming back later shows the same job.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.tabular.views import JobPages, cancel_step, confirm_step, job_context
from gonghui.orgs.models import MEMBER_HOLDING_KINDS, Org, OrgStatus
from gonghui.orgs.selectors import get_org_for_user, orgs_for

from .exports import export_roster_xlsx
from .imports import jobs
from .imports.forms import ExportForm, UploadForm
from .models import ImportJob, ImportJobState

PAGES = JobPages(
    namespace="members",
    upload="members:import_upload",
    confirm=jobs.import_job_confirm,
    cancel=jobs.import_job_cancel,
    cancelled="已放弃这份名册，上传的文件已删除",
    errors_listed=1000,
    done=lambda job: f"已导入 {job.accepted} 名会员",
    refused_cancel_to_upload=True,
)


def _import_orgs(user: Any) -> list[Org]:
    return list(
        orgs_for(user, Action.IMPORT)
        .filter(kind__in=MEMBER_HOLDING_KINDS, status=OrgStatus.ACTIVE)
        .order_by("path")
        .only("code", "name", "path")
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    try:
        job = jobs.get_job_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    return jobs.import_job_expire_if_stale(job)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    orgs = _import_orgs(request.user)
    if not orgs:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            org = get_org_for_user(request.user, Action.IMPORT, code=form.cleaned_data["org"])
            job = jobs.import_job_create(org=org, upload=form.cleaned_data["file"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("file" if exc.field in (None, "file") else "org", exc.message)
        else:
            return redirect("members:import_job", pk=job.pk)
    # ?state=validated (the 待办 link): every roster of the caller's unions checked and waiting to be confirmed
    waiting = request.GET.get("state") == ImportJobState.VALIDATED
    shown = jobs.jobs_for(request.user)
    if waiting:
        recent = list(shown.filter(state=ImportJobState.VALIDATED)[:100])
    else:
        recent = list(shown.filter(actor_id=request.user.pk)[:10])
    return render(request, "members/import_upload.html", {"form": form, "recent": recent, "waiting": waiting})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "members/import_job.html", job_context(PAGES, job))


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX partial the job page polls while the job runs (it stops polling once finished)."""
    job = _job(request, pk)
    return render(request, "members/import_job_status.html", job_context(PAGES, job))


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return confirm_step(PAGES, request, _job(request, pk))


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return cancel_step(PAGES, request, _job(request, pk))


def _export_orgs(user: Any) -> list[Org]:
    return list(orgs_for(user, Action.EXPORT).filter(status=OrgStatus.ACTIVE).order_by("path").only("code", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse | FileResponse:
    orgs = _export_orgs(request.user)
    if not orgs:
        raise Http404
    scope = scope_for(request.user)
    can_reveal = bool(scope.paths.get(Action.REVEAL))
    form = ExportForm(request.POST or None, orgs=orgs, can_reveal=can_reveal, initial={"org": orgs[0].code})
    if request.method == "POST" and form.is_valid():
        try:
            org = get_org_for_user(request.user, Action.EXPORT, code=form.cleaned_data["org"])
        except NotFound:
            raise Http404 from None
        reveal = bool(form.cleaned_data.get("reveal")) and scope.allows(Action.REVEAL, org)
        out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            export_roster_xlsx(actor=request.user, org=org, out=out, reveal=reveal)
        except NotFound:
            out.close()
            raise Http404 from None
        out.seek(0)
        name = f"{org.name}会员名册{'（含完整身份证号）' if reveal else ''}-{dt.date.today():%Y%m%d}.xlsx"
        return FileResponse(
            out,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return render(request, "members/export_roster.html", {"form": form})
