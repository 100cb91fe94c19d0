from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from gonghui.accounts.scope import Action, scope_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(request.user)
    if scope.is_cadre:
        return redirect("members:list")
    return redirect("members:me")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).paths.get(Action.AUDIT):
        raise Http404
    from .selectors import audit_events

    page = audit_events(
        actor=request.GET.get("actor", ""),
        object_type=request.GET.get("object_type", ""),
        object_id=request.GET.get("object_id", ""),
        since=request.GET.get("since", ""),
        until=request.GET.get("until", ""),
        before_id=request.GET.get("before", ""),
    )
    return render(request, "core/audit_list.html", {"page": page, "filters": request.GET})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
