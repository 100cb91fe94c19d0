"""Survey results in bulk (.xlsx/.xls/.csv): every row or none."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def upload(request: HttpRequest) -> HttpResponse:
    raise Http404


def sample(request: HttpRequest) -> HttpResponse:
    raise Http404
