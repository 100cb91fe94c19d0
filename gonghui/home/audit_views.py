from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.accounts.scope import Action
from gonghui.core.errors import NotFound
from gonghui.orgs.selectors import scope_roots

from .selectors import AuditFilters, action_choices, audit_events


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    filters = AuditFilters.from_query(request.GET)
    try:
        result = audit_events(user=request.user, filters=filters, cursor=request.GET.get("cursor") or None)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "home/audit_list.html",
        {
            "result": result,
            "page": result.page,
            "filters": filters,
            "actions": action_choices(),
            "roots": scope_roots(user=request.user, action=Action.AUDIT),
        },
    )
