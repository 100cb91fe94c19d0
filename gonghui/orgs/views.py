"""Org tree pages for cadres: the tree with member counts and 有人/有钱/有地方 figures, one org's
detail, and the forms that call `orgs.services` (create, edit, move, merge, close)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.forms import domain_errors_on
from gonghui.core.selectors import object_history
from gonghui.orgs.selectors import get_org_for_user

from . import selectors
from .forms import OrgCloseForm, OrgCreateForm, OrgEditForm, OrgMergeForm, OrgMoveForm
from .models import Org
from .services import org_close, org_create, org_merge, org_move, org_update


def _org(request: HttpRequest, action: Action, code: str) -> Org:
    try:
        return get_org_for_user(request.user, action, code=code)
    except NotFound:
        raise Http404 from None


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_cadre:
        raise Http404
    include_closed = request.GET.get("closed") == "1"
    roots = selectors.scope_roots(user=request.user)
    summaries = [(root, selectors.capacity_summary(user=request.user, root=root)) for root in roots]
    return render(
        request,
        "orgs/tree.html",
        {
            "rows": selectors.org_tree_rows(user=request.user, include_closed=include_closed),
            "include_closed": include_closed,
            "summaries": summaries,
        },
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.VIEW, code)
    scope = scope_for(request.user)
    can_manage = scope.allows(Action.MANAGE_ORGS, org)
    children = list(selectors.org_with_member_counts(user=request.user, parent=org))
    history = object_history(object_type="orgs.org", object_id=org.pk) if can_manage else []
    # The chain above and the merge target are named even outside the viewer's scope, but linked only
    # where the viewer may open them: a grassroots cadre's own union page never leads to a 404.
    ancestors = [(a, scope.allows(Action.VIEW, a)) for a in selectors.org_ancestors(org)]
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "parent_link": org.parent is not None and scope.allows(Action.VIEW, org.parent),
            "merged_link": org.merged_into is not None and scope.allows(Action.VIEW, org.merged_into),
            "children": children,
            "members": selectors.subtree_member_count(org),
            "summary": selectors.capacity_summary(user=request.user, root=org) if not org.holds_members else None,
            "can_manage": can_manage,
            # a cadre who may edit this union's members adds one here (members:add)
            "can_add_member": org.holds_members and org.is_active and scope.allows(Action.EDIT, org),
            "history": history,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = _org(request, Action.MANAGE_ORGS, code)
    form = OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        with domain_errors_on(form):
            org = org_create(
                parent=parent,
                kind=form.cleaned_data["kind"],
                code=form.cleaned_data["code"] or None,
                actor=request.user,
                **form.values(),
            )
            messages.success(request, f"已在{parent.name}下建立{org.name}（编码 {org.code}）")
            return redirect("orgs:detail", code=org.code)
    return render(request, "orgs/form.html", {"org": parent, "form": form, "mode": "create"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.MANAGE_ORGS, code)
    form = OrgEditForm(request.POST or None, initial=OrgEditForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        with domain_errors_on(form):
            saved = org_update(org=org, data=form.values(), version=form.cleaned_data["version"], actor=request.user)
            messages.success(request, "组织信息已保存")
            return redirect("orgs:detail", code=saved.code)
    return render(request, "orgs/form.html", {"org": org, "form": form, "mode": "edit"})


# What a move / merge / close does once its form is valid: returns the org to land on and the message.
Perform = Callable[[Org, dict[str, Any]], tuple[Org, str]]


def _org_action(
    request: HttpRequest,
    code: str,
    *,
    mode: str,
    form_class: Callable[..., forms.Form],
    perform: Perform,
    targets: Callable[..., list[Org]] | None = None,
) -> HttpResponse:
    """The move / merge / close pages share one template and one flow: a form carrying the org's
    version (so a stale page gets the service's StaleVersion message), then the service call."""
    org = _org(request, Action.MANAGE_ORGS, code)
    choices = {"targets": targets(user=request.user, org=org)} if targets else {}
    form = form_class(request.POST or None, initial={"version": org.version}, **choices)
    if request.method == "POST" and form.is_valid():
        with domain_errors_on(form):
            landing, done = perform(org, form.cleaned_data)
            messages.success(request, done)
            return redirect("orgs:detail", code=landing.code)
    return render(request, "orgs/action.html", {"org": org, "form": form, "mode": mode})


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, code: str) -> HttpResponse:
    def perform(org: Org, data: dict[str, Any]) -> tuple[Org, str]:
        target = _org(request, Action.MANAGE_ORGS, data["parent"])
        moved = org_move(org=org, new_parent=target, version=data["version"], actor=request.user)
        return moved, f"{moved.name}已调整到{target.name}之下"

    return _org_action(
        request, code, mode="move", form_class=OrgMoveForm, perform=perform, targets=selectors.move_targets
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, code: str) -> HttpResponse:
    def perform(org: Org, data: dict[str, Any]) -> tuple[Org, str]:
        target = _org(request, Action.MANAGE_ORGS, data["target"])
        merged_into = org_merge(source=org, target=target, version=data["version"], actor=request.user)
        return merged_into, f"{org.name}已并入{merged_into.name}，会员和下级组织已随之转入"

    return _org_action(
        request, code, mode="merge", form_class=OrgMergeForm, perform=perform, targets=selectors.merge_targets
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, code: str) -> HttpResponse:
    def perform(org: Org, data: dict[str, Any]) -> tuple[Org, str]:
        closed = org_close(org=org, reason=data["reason"], version=data["version"], actor=request.user)
        return closed, f"{closed.name}已撤销"

    return _org_action(request, code, mode="close", form_class=OrgCloseForm, perform=perform)
