"""Household pages. The cadre's (for a member in scope) and the worker's own (我的家庭) share one
template and one flow; `self_service` only changes the links and who may edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.forms import domain_errors_on

from .. import selectors
from ..forms import FamilyMemberForm, HouseholdAddressForm
from ..models import Member
from ..services import family_member_add, family_member_remove, household_ensure
from .shared import member_or_404, own_member


def _household_page(request: HttpRequest, member: Member, *, self_service: bool) -> HttpResponse:
    household = selectors.household_of(member)
    # Two forms on one page: the hidden `form` field says which one was posted.
    posted = request.POST.get("form")
    address_form = HouseholdAddressForm(
        request.POST if posted == "address" else None,
        initial={"address": household.address if household else ""},
        prefix="hh",
    )
    family_form = FamilyMemberForm(request.POST if posted == "family" else None, prefix="fm")
    if request.method == "POST":
        bound = address_form if posted == "address" else family_form
        if bound.is_valid():
            with domain_errors_on(bound):
                if bound is address_form:
                    household_ensure(head=member, address=bound.cleaned_data["address"], actor=request.user)
                    messages.success(request, "家庭住址已保存")
                else:
                    household = household_ensure(head=member, actor=request.user)
                    family_member_add(household=household, actor=request.user, **bound.cleaned_data)
                    messages.success(request, f"已添加家庭成员{bound.cleaned_data['name']}")
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
    member = member_or_404(request, Action.VIEW if request.method == "GET" else Action.EDIT, pk)
    return _household_page(request, member, self_service=False)


@login_required
@require_POST
def family_remove(request: HttpRequest, pk: int, fid: int) -> HttpResponse:
    member = member_or_404(request, Action.EDIT, pk)
    _family_remove(request, member, fid)
    return redirect("members:household", pk=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_household(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    if member is None:
        return redirect("members:join")
    return _household_page(request, member, self_service=True)


@login_required
@require_POST
def my_family_remove(request: HttpRequest, fid: int) -> HttpResponse:
    member = own_member(request)
    if member is None:
        raise Http404
    _family_remove(request, member, fid)
    return redirect("members:my_household")
