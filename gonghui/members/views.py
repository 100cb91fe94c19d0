"""Member pages: the cadre back office (list, detail, edit, history, leave, household, queues) and the
worker's self-service (我的, household, join, requests, transfer). Thin: parse → service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import Action, get_member_for_user, get_org_for_user, scope_for
from gonghui.core.errors import DomainError, NotFound

from . import selectors
from .forms import (
    DecisionForm,
    FamilyMemberForm,
    HouseholdAddressForm,
    JoinForm,
    LeaveForm,
    MemberEditForm,
    MemberSearchForm,
    OwnContactForm,
    TransferForm,
    apply_domain_error,
)
from .models import Member
from .services import (
    family_member_add,
    family_member_remove,
    household_ensure,
    join_request_approve,
    join_request_cancel,
    join_request_reject,
    join_request_submit,
    member_leave,
    member_reveal_id,
    member_update,
    member_update_own_contact,
    transfer_accept,
    transfer_cancel,
    transfer_reject,
    transfer_release,
    transfer_request_create,
)


def _member(request: HttpRequest, action: Action, pk: Any) -> Member:
    try:
        return get_member_for_user(request.user, action, pk)
    except NotFound:
        raise Http404 from None


def _htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (not a boosted navigation)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "boosted", False)


def _require_cadre(request: HttpRequest) -> None:
    if not scope_for(request.user).is_cadre:
        raise Http404


# --- cadre back office ------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_cadre:
        return redirect("members:me")
    orgs = list(selectors.filter_orgs(user=request.user))
    form = MemberSearchForm(request.GET or None, orgs=orgs)
    page = None
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        org = None
        if data.get("org"):
            try:
                org = get_org_for_user(request.user, Action.VIEW, code=data["org"])
            except NotFound:
                raise Http404 from None
        filters = selectors.MemberFilters(
            org=org,
            status=data.get("status", ""),
            sex=data.get("sex", ""),
            ethnicity=data.get("ethnicity", ""),
            migrant=MemberSearchForm.tristate(data.get("migrant", "")),
            new_employment=MemberSearchForm.tristate(data.get("new_employment", "")),
        )
        page = selectors.member_search(
            user=request.user, q=data.get("q", ""), filters=filters, after_id=data.get("after")
        )
        if page.error:
            form.add_error("q", page.error)
    context = {"form": form, "page": page, "first_page": not request.GET.get("after")}
    template = "members/_list_results.html" if _htmx(request) else "members/list.html"
    return render(request, template, context)


def _detail_context(request: HttpRequest, member: Member, **extra: Any) -> dict[str, Any]:
    scope = scope_for(request.user)
    own = request.user.member_id == member.pk  # type: ignore[union-attr]
    return {
        "member": member,
        "can_edit": scope.allows(Action.EDIT, member.org),
        "can_approve": scope.allows(Action.APPROVE, member.org),
        "can_reveal": own or scope.allows(Action.REVEAL, member.org),
        "household": selectors.household_of(member),
        **extra,
    }


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.VIEW, pk)
    ctx = _detail_context(request, member)
    ctx["family"] = selectors.family_of(ctx["household"])
    return render(request, "members/detail.html", ctx)


@login_required
@require_POST
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.VIEW, pk)
    try:
        number = member_reveal_id(member=member, actor=request.user)
    except NotFound:
        raise Http404 from None
    if _htmx(request):
        return render(request, "members/_id_revealed.html", {"number": number})
    ctx = _detail_context(request, member, revealed=number)
    ctx["family"] = selectors.family_of(ctx["household"])
    return render(request, "members/detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.EDIT, pk)
    form = MemberEditForm(request.POST or None, initial=MemberEditForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        try:
            member_update(member=member, data=form.profile(), version=form.cleaned_data["version"], actor=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "会员信息已保存")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/edit.html", {"member": member, "form": form})


@login_required
def member_history(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.VIEW, pk)
    history = selectors.member_history(member=member)
    return render(request, "members/history.html", {"member": member, "history": history})


@login_required
@require_http_methods(["GET", "POST"])
def member_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.APPROVE, pk)
    form = LeaveForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        try:
            member_leave(
                member=member,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                actor=request.user,
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已为{member.name}办理退会")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/leave.html", {"member": member, "form": form})


# --- households (cadre and self-service share one template) ------------------------------------------


def _household_page(request: HttpRequest, member: Member, *, self_service: bool) -> HttpResponse:
    household = selectors.household_of(member)
    address_form = HouseholdAddressForm(
        request.POST if request.POST.get("form") == "address" else None,
        initial={"address": household.address if household else ""},
        prefix="hh",
    )
    family_form = FamilyMemberForm(request.POST if request.POST.get("form") == "family" else None, prefix="fm")
    if request.method == "POST":
        bound = address_form if request.POST.get("form") == "address" else family_form
        if bound.is_valid():
            try:
                if bound is address_form:
                    household_ensure(head=member, address=bound.cleaned_data["address"], actor=request.user)
                    messages.success(request, "家庭住址已保存")
                else:
                    household = household_ensure(head=member, actor=request.user)
                    family_member_add(household=household, actor=request.user, **bound.cleaned_data)
                    messages.success(request, f"已添加家庭成员{bound.cleaned_data['name']}")
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                apply_domain_error(bound, exc)
            else:
                return redirect(request.path)
    return render(
        request,
        "members/household.html",
        {
            "member": member,
            "household": household,
            "family": selectors.family_of(household),
            "address_form": address_form,
            "family_form": family_form,
            "self_service": self_service,
            "can_edit": self_service or scope_for(request.user).allows(Action.EDIT, member.org),
        },
    )


def _family_remove(request: HttpRequest, member: Member, fid: int) -> None:
    person = selectors.get_family_member(household=selectors.household_of(member), pk=fid)
    if person is None:
        raise Http404
    try:
        family_member_remove(person=person, actor=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, f"已移除家庭成员{person.name}")


@login_required
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, Action.VIEW if request.method == "GET" else Action.EDIT, pk)
    return _household_page(request, member, self_service=False)


@login_required
@require_POST
def family_remove(request: HttpRequest, pk: int, fid: int) -> HttpResponse:
    member = _member(request, Action.EDIT, pk)
    _family_remove(request, member, fid)
    return redirect("members:household", pk=member.pk)


# --- queues -----------------------------------------------------------------------------------------


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    _require_cadre(request)
    return render(
        request,
        "members/queues.html",
        {
            "joins": list(selectors.join_queue(user=request.user)[:200]),
            "transfers": list(selectors.transfer_queue(user=request.user)[:200]),
            "scope": scope_for(request.user),
        },
    )


_JOIN_DONE = {"approve": "已批准{name}的入会申请", "reject": "已驳回{name}的入会申请"}
_TRANSFER_DONE = {
    "release": "已同意{name}转出，等待转入工会接收",
    "accept": "已接收{name}转入本工会",
    "reject": "已驳回{name}的转会申请",
}


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in _JOIN_DONE:
        raise Http404
    req = selectors.get_join_request_for_approver(user=request.user, pk=pk)
    if req is None:
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        # The service's state check (under a row lock) is the guard against a second click.
        if decision == "approve":
            join_request_approve(req=req, version=None, actor=request.user)
        else:
            join_request_reject(req=req, note=form.cleaned_data.get("note", ""), version=None, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, f"{req.name}：{exc.message}")
    else:
        messages.success(request, _JOIN_DONE[decision].format(name=req.name))
    return redirect("members:queues")


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in _TRANSFER_DONE:
        raise Http404
    req = selectors.get_transfer_for_approver(user=request.user, pk=pk)
    if req is None:
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    name = req.member.name
    try:
        if decision == "release":
            transfer_release(req=req, version=None, actor=request.user)
        elif decision == "accept":
            transfer_accept(req=req, version=None, actor=request.user)
        else:
            transfer_reject(req=req, note=form.cleaned_data.get("note", ""), version=None, actor=request.user)
    except NotFound:
        messages.error(request, f"{name}：这一步应由另一方工会办理")
    except DomainError as exc:
        messages.error(request, f"{name}：{exc.message}")
    else:
        messages.success(request, _TRANSFER_DONE[decision].format(name=name))
    return redirect("members:queues")


# --- self-service -----------------------------------------------------------------------------------


def _own_member(request: HttpRequest) -> Member | None:
    member_id = request.user.member_id  # type: ignore[union-attr]
    if member_id is None:
        return None
    return _member(request, Action.VIEW, member_id)


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
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
            messages.success(request, "手机号码已更新")
            return redirect("members:me")
    return render(
        request,
        "members/me.html",
        {
            "member": member,
            "form": form,
            "household": selectors.household_of(member),
            "transfers": selectors.my_transfer_requests(user=request.user)[:3],
        },
    )


@login_required
@require_POST
def my_reveal(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        raise Http404
    number = member_reveal_id(member=member, actor=request.user)
    if _htmx(request):
        return render(request, "members/_id_revealed.html", {"number": number})
    messages.info(request, f"您的身份证号：{number}")
    return redirect("members:me")


@login_required
@require_http_methods(["GET", "POST"])
def my_household(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        return redirect("members:join")
    return _household_page(request, member, self_service=True)


@login_required
@require_POST
def my_family_remove(request: HttpRequest, fid: int) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        raise Http404
    _family_remove(request, member, fid)
    return redirect("members:my_household")


def _org_search_context(request: HttpRequest, selected: str) -> dict[str, Any]:
    q = request.GET.get("org_q", "")
    orgs = selectors.joinable_orgs(q=q)
    chosen = selectors.joinable_org_by_code(selected) if selected else None
    if chosen is not None and all(o.pk != chosen.pk for o in orgs):
        orgs.insert(0, chosen)
    return {"org_q": q, "org_results": orgs, "selected_org": selected, "searched": bool(q.strip())}


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
    form = JoinForm(request.POST or None, initial={"mobile": user.mobile, "name": user.name})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
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
    selected = request.POST.get("org", "") or request.GET.get("org", "")
    pending = [r for r in selectors.my_join_requests(user=user) if r.state == "pending"]
    ctx = {"form": form, "pending": pending, **_org_search_context(request, selected)}
    return render(request, "members/join.html", ctx)


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


@login_required
@require_POST
def my_join_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_my_join_request(user=request.user, pk=pk)
    if req is None:
        raise Http404
    try:
        join_request_cancel(req=req, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "入会申请已撤回")
    return redirect("members:my_requests")


@login_required
@require_POST
def my_transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_my_transfer_request(user=request.user, pk=pk)
    if req is None:
        raise Http404
    try:
        transfer_cancel(req=req, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "转会申请已撤回")
    return redirect("members:my_requests")


@login_required
@require_http_methods(["GET", "POST"])
def my_transfer(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        return redirect("members:join")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
    selected = request.POST.get("org", "") or request.GET.get("org", "")
    ctx = {"form": form, "member": member, **_org_search_context(request, selected)}
    return render(request, "members/transfer.html", ctx)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    # Placeholder kept for the route name; the roster import pages live in views_import.py.
    return render(request, "members/import_upload.html", {})
