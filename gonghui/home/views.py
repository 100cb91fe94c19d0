from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gonghui.accounts.scope import scope_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(request.user)
    if scope.is_cadre:
        return redirect("members:list")
    return redirect("members:me")
