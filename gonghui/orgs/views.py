"""Org tree pages for cadres: the tree with member counts and 有人/有钱/有地方 figures, one org's
detail, and the forms that call `orgs.services` (create, edit, move, merge, close)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.accounts.scope import Action, get_org_for_user, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.selectors import audit_events

from . import selectors
from .forms import OrgCloseForm, OrgCreateForm, OrgEditForm, OrgMergeForm, OrgMoveForm, apply_domain_error
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
    history = audit_events(object_type="orgs.org", object_id=str(org.pk)).events[:20] if can_manage else []
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": selectors.org_ancestors(org),
            "children": children,
            "members": selectors.subtree_member_count(org),
            "summary": selectors.capacity_summary(user=request.user, root=org) if not org.holds_members else None,
            "can_manage": can_manage,
            "history": history,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = _org(request, Action.MANAGE_ORGS, code)
    form = OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = org_create(
                parent=parent,
                kind=form.cleaned_data["kind"],
                code=form.cleaned_data["code"] or None,
                actor=request.user,
                **form.values(),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已在{parent.name}下建立{org.name}（编码 {org.code}）")
            return redirect("orgs:detail", code=org.code)
    return render(request, "orgs/form.html", {"org": parent, "form": form, "mode": "create"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.MANAGE_ORGS, code)
    form = OrgEditForm(request.POST or None, initial=OrgEditForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        try:
            org = org_update(org=org, data=form.values(), version=form.cleaned_data["version"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "组织信息已保存")
            return redirect("orgs:detail", code=org.code)
    return render(request, "orgs/form.html", {"org": org, "form": form, "mode": "edit"})


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.MANAGE_ORGS, code)
    form = OrgMoveForm(
        request.POST or None,
        initial={"version": org.version},
        targets=selectors.move_targets(user=request.user, org=org),
    )
    if request.method == "POST" and form.is_valid():
        target = _org(request, Action.MANAGE_ORGS, form.cleaned_data["parent"])
        try:
            org = org_move(org=org, new_parent=target, version=form.cleaned_data["version"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{org.name}已调整到{target.name}之下")
            return redirect("orgs:detail", code=org.code)
    return render(request, "orgs/action.html", {"org": org, "form": form, "mode": "move"})


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.MANAGE_ORGS, code)
    form = OrgMergeForm(
        request.POST or None,
        initial={"version": org.version},
        targets=selectors.merge_targets(user=request.user, org=org),
    )
    if request.method == "POST" and form.is_valid():
        target = _org(request, Action.MANAGE_ORGS, form.cleaned_data["target"])
        try:
            merged_into = org_merge(source=org, target=target, version=form.cleaned_data["version"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{org.name}已并入{merged_into.name}，会员和下级组织已随之转入")
            return redirect("orgs:detail", code=merged_into.code)
    return render(request, "orgs/action.html", {"org": org, "form": form, "mode": "merge"})


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, Action.MANAGE_ORGS, code)
    form = OrgCloseForm(request.POST or None, initial={"version": org.version})
    if request.method == "POST" and form.is_valid():
        try:
            org = org_close(
                org=org, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"], actor=request.user
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{org.name}已撤销")
            return redirect("orgs:detail", code=org.code)
    return render(request, "orgs/action.html", {"org": org, "form": form, "mode": "close"})
