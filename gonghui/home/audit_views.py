from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.selectors import audit_events


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
