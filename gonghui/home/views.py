from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.todo import todo_items


def home(request: HttpRequest) -> HttpResponse:
    """Cadres and leaders land on 待办 (what waits for them in their scope); workers on 我的."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(request.user)
    if not scope.is_cadre:
        # an 账号管理员 without a cadre role has one job here: the accounts of its subtree
        return redirect("useradmin:list" if scope.paths.get(Action.ACCOUNTS) else "members:me")
    items = todo_items(request.user, scope.paths)
    counted = [i for i in items if not i.within]
    capped = any(i.shown.endswith("+") for i in counted)
    total = sum(i.count for i in counted)
    return render(request, "home/home.html", {"items": items, "total": f"{total}+" if capped else total})
