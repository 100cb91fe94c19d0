from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.accounts.scope import members_for


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    return render(request, "members/list.html", {"members": members_for(request.user)[:50]})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(request, "members/me.html", {})


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    return render(request, "members/queues.html", {})


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    return render(request, "members/import_upload.html", {})
