"""The worker's own pages: 我的 (own record and contact), joining a union, moving to another, and the
list of one's own requests with their withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error

from .. import selectors
from ..forms import JoinForm, OwnContactForm, TransferForm
from ..services import (
    join_request_cancel,
    join_request_submit,
    member_reveal_id,
    member_update_own_contact,
    transfer_cancel,
    transfer_request_create,
)
from .shared import is_htmx, own_member

# Here every refusal, NotFound included, stays on the form as a message: these pages only ever reach
# the worker's own record, so there is no out-of-scope object for a 404 to hide (the cadre pages use
# domain_errors_on, which turns NotFound into a 404).


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    if member is None:
        if not scope_for(request.user).is_cadre:
            return redirect("members:join")
        return render(request, "members/me.html", {"member": None})
    form = OwnContactForm(request.POST or None, initial={"mobile": member.mobile})
    if request.method == "POST" and form.is_valid():
        try:
            member_update_own_contact(member=member, mobile=form.cleaned_data["mobile"], actor=request.user)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "联系电话已更新；登录手机号没有改变")
            return redirect("members:me")
    login = request.user.mobile  # type: ignore[union-attr]
    return render(
        request,
        "members/me.html",
        {
            "member": member,
            "form": form,
            "login_mobile": f"{login[:3]}****{login[-4:]}" if len(login) == 11 else login,
            "household": selectors.household_of(member),
            "transfers": selectors.my_transfer_requests(user=request.user)[:3],
        },
    )


@login_required
@require_POST
def my_reveal(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    if member is None:
        raise Http404
    number = member_reveal_id(member=member, actor=request.user)
    if is_htmx(request):
        return render(request, "members/_id_revealed.html", {"number": number})
    messages.info(request, f"您的身份证号：{number}")
    return redirect("members:me")


def _org_search_context(request: HttpRequest, selected: str) -> dict[str, Any]:
    # A search typed into the page's own form comes with the POST (so nothing typed is lost); the htmx
    # live search and the search-only page ask by GET.
    q = request.POST.get("org_q", "") if request.method == "POST" else request.GET.get("org_q", "")
    orgs = selectors.joinable_orgs(q=q)
    chosen = selectors.joinable_org_by_code(selected) if selected else None
    # Keep the union already picked on the list even when the new search would not find it.
    if chosen is not None and all(o.pk != chosen.pk for o in orgs):
        orgs.insert(0, chosen)
    return {"org_q": q, "org_results": orgs, "selected_org": selected, "searched": bool(q.strip())}


def _searching(request: HttpRequest) -> bool:
    """The page's 搜索 button posts the whole form (so the ID number and employer typed so far come back
    with the results) without submitting the request."""
    return request.method == "POST" and "search_orgs" in request.POST


def _selected_org(request: HttpRequest) -> str:
    return request.POST.get("org", "") or request.GET.get("org", "")


@login_required
def org_search(request: HttpRequest) -> HttpResponse:
    """HTMX: the radio list of unions matching what the worker typed."""
    return render(request, "members/_org_choices.html", _org_search_context(request, request.GET.get("org", "")))


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.member_id is not None:  # type: ignore[union-attr]
        messages.info(request, "您已是工会会员")
        return redirect("members:me")
    initial = {"mobile": user.mobile, "name": user.name}  # type: ignore[union-attr]
    if _searching(request):  # the union search button: show the results, keep every value, check nothing yet
        form = JoinForm(initial={**initial, **request.POST.dict()})
    else:
        form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and not _searching(request) and form.is_valid():
        org = selectors.joinable_org_by_code(form.cleaned_data["org"])
        if org is None:
            form.add_error(None, "所选工会不存在或已撤销，请重新选择")
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
            try:
                join_request_submit(user=user, org=org, **data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"入会申请已提交给{org.name}，审批结果会显示在“我的申请”中")
                return redirect("members:my_requests")
    pending = [r for r in selectors.my_join_requests(user=user) if r.state == "pending"]
    ctx = {"form": form, "pending": pending, **_org_search_context(request, _selected_org(request))}
    return render(request, "members/join.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def my_transfer(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    if member is None:
        return redirect("members:join")
    form = TransferForm(initial=request.POST.dict()) if _searching(request) else TransferForm(request.POST or None)
    if request.method == "POST" and not _searching(request) and form.is_valid():
        org = selectors.joinable_org_by_code(form.cleaned_data["org"])
        if org is None:
            form.add_error(None, "所选工会不存在或已撤销，请重新选择")
        else:
            try:
                transfer_request_create(
                    member=member, to_org=org, reason=form.cleaned_data["reason"], actor=request.user
                )
            except DomainError as exc:
                apply_domain_error(form, exc, aliases={"to_org": "org", "status": "org"})
            else:
                messages.success(request, f"转会申请已提交：先由{member.org.name}同意转出，再由{org.name}接收")
                return redirect("members:my_requests")
    ctx = {"form": form, "member": member, **_org_search_context(request, _selected_org(request))}
    return render(request, "members/transfer.html", ctx)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/my_requests.html",
        {
            "joins": selectors.my_join_requests(user=request.user),
            "transfers": selectors.my_transfer_requests(user=request.user),
        },
    )


def _withdraw(request: HttpRequest, req: Any, cancel: Callable[..., Any], done: str) -> HttpResponse:
    """Withdraw one of the caller's own pending requests; a refusal (already decided) is a message."""
    if req is None:
        raise Http404
    try:
        cancel(req=req, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("members:my_requests")


@login_required
@require_POST
def my_join_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_my_join_request(user=request.user, pk=pk)
    return _withdraw(request, req, join_request_cancel, "入会申请已撤回")


@login_required
@require_POST
def my_transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_my_transfer_request(user=request.user, pk=pk)
    return _withdraw(request, req, transfer_cancel, "转会申请已撤回")
