"""The cadre's pages for one member record: the searchable list, adding one member by hand, detail,
edit, history, leave and the audited reveal of the full ID number."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.forms import domain_errors_on
from gonghui.orgs.models import MEMBER_HOLDING_KINDS, Org, OrgStatus
from gonghui.orgs.selectors import get_org_for_user, orgs_for

from .. import selectors
from ..forms import LeaveForm, MemberAddForm, MemberEditForm, MemberSearchForm
from ..models import Member
from ..services import MemberProblems, member_leave, member_register, member_reveal_id, member_update
from .shared import is_htmx, member_or_404


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
    context = {
        "form": form,
        "page": page,
        "first_page": not request.GET.get("after"),
        "can_add": _unions_to_add_to(request).exists(),
    }
    template = "members/_list_results.html" if is_htmx(request) else "members/list.html"
    return render(request, template, context)


def _unions_to_add_to(request: HttpRequest) -> Any:
    """The active unions (and groups) where the caller may register members: EDIT in scope."""
    return (
        orgs_for(request.user, Action.EDIT)
        .filter(status=OrgStatus.ACTIVE, kind__in=MEMBER_HOLDING_KINDS)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    """A cadre registers one member by hand, by the roster import's row rules (`member_register`)."""
    orgs: list[Org] = list(_unions_to_add_to(request))
    if not orgs:
        raise Http404
    form = MemberAddForm(request.POST or None, orgs=orgs, initial={"org": request.GET.get("org", "")})
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.code == form.cleaned_data["org"])
        with domain_errors_on(form):  # a duplicate ID number names the union holding the person
            try:
                member = member_register(org=org, values=form.member_values(), actor=request.user)
            except MemberProblems as exc:  # every problem beside its own field
                for field, problems in exc.problems.items():
                    for message in problems:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, f"已登记会员{member.name}（{member.id_masked}），所在工会：{org.name}")
                return redirect("members:detail", pk=member.pk)
    return render(request, "members/add.html", {"form": form, "single_org": orgs[0] if len(orgs) == 1 else None})


def _detail_context(request: HttpRequest, member: Member, **extra: Any) -> dict[str, Any]:
    scope = scope_for(request.user)
    own = request.user.member_id == member.pk  # type: ignore[union-attr]
    household = selectors.household_of(member)
    return {
        "member": member,
        "can_edit": scope.allows(Action.EDIT, member.org),
        "can_approve": scope.allows(Action.APPROVE, member.org),
        "can_reveal": own or scope.allows(Action.REVEAL, member.org),
        "household": household,
        "family": selectors.family_of(household),
        **extra,
    }


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, Action.VIEW, pk)
    return render(request, "members/detail.html", _detail_context(request, member))


@login_required
@require_POST
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, Action.VIEW, pk)
    try:
        number = member_reveal_id(member=member, actor=request.user)
    except NotFound:
        raise Http404 from None
    if is_htmx(request):
        return render(request, "members/_id_revealed.html", {"number": number})
    return render(request, "members/detail.html", _detail_context(request, member, revealed=number))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, Action.EDIT, pk)
    form = MemberEditForm(request.POST or None, initial=MemberEditForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        with domain_errors_on(form):
            member_update(member=member, data=form.profile(), version=form.cleaned_data["version"], actor=request.user)
            messages.success(request, "会员信息已保存")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/edit.html", {"member": member, "form": form})


@login_required
def member_history(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, Action.VIEW, pk)
    history = selectors.member_history(member=member)
    return render(request, "members/history.html", {"member": member, "history": history})


@login_required
@require_http_methods(["GET", "POST"])
def member_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, Action.APPROVE, pk)
    form = LeaveForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        transferred_out = form.cleaned_data.get("how") == "transferred"
        with domain_errors_on(form):
            member_leave(
                member=member,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                actor=request.user,
                transferred_out=transferred_out,
            )
            messages.success(request, f"已为{member.name}办理{'转出' if transferred_out else '退会'}")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/leave.html", {"member": member, "form": form})
