"""Account management pages (ADR 0007): thin views over accounts.services and useradmin.selectors.

An account out of the manager's reach is a 404, like an absent one. A one-time password is rendered
into the answer to the POST that made it (never stored, never redirected through the session) and the
answer is not cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts import services
from gonghui.accounts.models import User
from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error
from gonghui.orgs.selectors import get_org_for_user

from . import selectors
from .forms import AccountCreateForm, AccountSearchForm, GrantForm


def _manager_or_404(request: HttpRequest) -> None:
    if not scope_for(request.user).paths.get(Action.ACCOUNTS):
        raise Http404


def _account_or_404(request: HttpRequest, pk: int) -> User:
    _manager_or_404(request)
    try:
        return selectors.get_account_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    form = AccountSearchForm(request.GET or None)
    page = None
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        try:
            page = selectors.account_search(
                actor=request.user, q=data.get("q") or "", cursor=data.get("cursor") or None, strict=False
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
    return _no_store(render(request, "useradmin/list.html", {"form": form, "page": page}))


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    form = AccountCreateForm(request.POST or None, orgs=selectors.grant_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = get_org_for_user(request.user, Action.ACCOUNTS, code=data["org"])
            member = (
                selectors.member_for_link(request.user, data["member_id_number"]) if data["member_id_number"] else None
            )
            name = data["name"] or (member.name if member else "")
            user, password = services.account_create(
                actor=request.user, mobile=data["mobile"], name=name, org=org, member=member, role=data["role"]
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            context = {"account": user, "password": password, "created": True}
            return _no_store(render(request, "useradmin/password_shown.html", context))
    return render(request, "useradmin/create.html", {"form": form})


def _detail_context(request: HttpRequest, account: User, **extra: Any) -> dict[str, Any]:
    return {
        "account": account,
        "roles": list(selectors.account_roles(account)),
        "grant_form": extra.pop("grant_form", None) or GrantForm(orgs=selectors.grant_orgs(request.user)),
        "is_self": account.pk == request.user.pk,
        "has_password": account.has_usable_password(),
        **extra,
    }


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    return _no_store(render(request, "useradmin/detail.html", _detail_context(request, account)))


@login_required
@require_POST
def account_grant(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    form = GrantForm(request.POST, orgs=selectors.grant_orgs(request.user))
    if form.is_valid():
        try:
            org = get_org_for_user(request.user, Action.ACCOUNTS, code=form.cleaned_data["org"])
            assignment = services.account_role_grant(
                actor=request.user, user=account, org=org, role=form.cleaned_data["role"]
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已授予“{assignment.get_role_display()}”（{org.name}）")
            return redirect("useradmin:detail", pk=account.pk)
    return render(request, "useradmin/detail.html", _detail_context(request, account, grant_form=form))


def _step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    account = _account_or_404(request, pk)
    try:
        run(account)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("useradmin:detail", pk=account.pk)


@login_required
@require_POST
def account_revoke(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda a: services.account_role_revoke(actor=request.user, user=a, assignment_id=rid),
        "已收回该角色",
    )


@login_required
@require_POST
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda a: services.account_disable(actor=request.user, user=a), "账号已停用")


@login_required
@require_POST
def account_enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda a: services.account_enable(actor=request.user, user=a), "账号已启用")


@login_required
@require_POST
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    try:
        account, password = services.account_password_reset(actor=request.user, user=account)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("useradmin:detail", pk=account.pk)
    return _no_store(render(request, "useradmin/password_shown.html", {"account": account, "password": password}))
