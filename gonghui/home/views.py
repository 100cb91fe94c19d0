from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gonghui.accounts.scope import scope_for
from gonghui.core.todo import todo_items


def home(request: HttpRequest) -> HttpResponse:
    """Cadres and leaders land on 待办 (what waits for them in their scope); workers on 我的."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(request.user)
    if not scope.is_cadre:
        return redirect("members:me")
    items = todo_items(request.user, scope.paths)
    capped = any(i.shown.endswith("+") for i in items)
    total = sum(i.count for i in items)
    return render(request, "home/home.html", {"items": items, "total": f"{total}+" if capped else total})
