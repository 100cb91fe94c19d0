"""The job pages of a staged import (`core.tabular.staged`), once for every kind: the context of the job
page and of the partial it polls (each app's partial extends `tabular/_job_status.html`), and the confirm
and cancel steps. The app's views stay its own: they find the job in the caller's scope (forbidden → 404)
and pick the templates; this module only turns a job and a POST into a context or a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.core.errors import DomainError, NotFound

from .errors import errors_from_json
from .models import TabularJobState


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


@dataclass(frozen=True)
class JobPages:
    """One kind's job pages. Routes: `<namespace>:import_job`, `…_status`, `…_confirm`, `…_cancel`."""

    namespace: str  # "members", "voice"
    upload: str  # the upload page's route: "members:import_upload"
    confirm: Callable[..., Any]  # the kind's confirm service: (job=, version=, actor=) → job
    cancel: Callable[..., Any]  # the kind's cancel service, same arguments
    cancelled: str  # the message once a checked file is given up
    errors_listed: int  # problems listed on the page; the rest are only counted
    done: Callable[[Any], str] | None = None  # a message when the confirm finished the import within the request
    # Where a refused cancel (the job moved on meanwhile) lands: the job page, or (members) the upload page.
    refused_cancel_to_upload: bool = False

    def route(self, suffix: str = "") -> str:
        return f"{self.namespace}:import_job{suffix}"

    def job_url(self, job: Any) -> str:
        return reverse(self.route(), args=[job.pk])


def job_context(pages: JobPages, job: Any) -> dict[str, Any]:
    """The job page's and its partial's context: the job, its links, the first problems and their count."""
    stored = job.errors if isinstance(job.errors, list) else []
    errors = errors_from_json(stored)[: pages.errors_listed]
    total = len(stored) + job.errors_omitted
    return {
        "job": job,
        "errors": errors,
        "errors_total": total,
        "errors_hidden": max(0, total - len(errors)),
        "urls": {
            "job": pages.job_url(job),
            "status": reverse(pages.route("_status"), args=[job.pk]),
            "confirm": reverse(pages.route("_confirm"), args=[job.pk]),
            "cancel": reverse(pages.route("_cancel"), args=[job.pk]),
            "upload": reverse(pages.upload),
        },
    }


def confirm_step(pages: JobPages, request: HttpRequest, job: Any) -> HttpResponse:
    """POST confirm: the import starts (or is refused, said above the job page); back to the job page."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再确认")
        return redirect(pages.job_url(job))
    try:
        job = pages.confirm(job=job, version=form.cleaned_data["version"], actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(pages.job_url(job))
    if pages.done is not None and job.state == TabularJobState.DONE:
        messages.success(request, pages.done(job))
    return redirect(pages.job_url(job))


def cancel_step(pages: JobPages, request: HttpRequest, job: Any) -> HttpResponse:
    """POST cancel: the checked file is given up (its stored copy deleted); back to the upload page."""
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            pages.cancel(job=job, version=form.cleaned_data["version"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
            if not pages.refused_cancel_to_upload:
                return redirect(pages.job_url(job))
        else:
            messages.info(request, pages.cancelled)
    return redirect(pages.upload)
