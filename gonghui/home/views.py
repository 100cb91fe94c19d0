from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.selectors import audit_events


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(request.user)
    if scope.is_cadre:
        return redirect("members:list")
    return redirect("members:me")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).paths.get(Action.AUDIT):
        raise Http404
    page = audit_events(
        actor=request.GET.get("actor", ""),
        object_type=request.GET.get("object_type", ""),
        object_id=request.GET.get("object_id", ""),
        since=request.GET.get("since", ""),
        until=request.GET.get("until", ""),
        before_id=request.GET.get("before", ""),
    )
    return render(request, "home/audit_list.html", {"page": page, "filters": request.GET})
