from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import org_tree


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/tree.html", {"orgs": org_tree(user=request.user)})
