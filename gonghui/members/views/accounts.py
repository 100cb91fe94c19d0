"""Accounts for members: a worker activates their own (mobile + 身份证号 + code), a manager opens accounts
for a whole union. The services are members.services.activation and .accounts_bulk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error
from gonghui.core.middleware import client_ip
from gonghui.orgs.models import MEMBER_HOLDING_KINDS, OrgStatus
from gonghui.orgs.selectors import get_org_for_user, orgs_for

from ..services.accounts_bulk import union_account_counts, worker_accounts_for_union
from ..services.activation import SENT_MESSAGE, ActivationTicket, activation_confirm, activation_request

SESSION_KEY = "gonghui_activation"


class ActivateForm(forms.Form):
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="工会会员档案里登记的手机号码",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=24,
        help_text="18位公民身份号码，只用来核对，不会显示",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label="设置登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少10位，须同时包含字母和数字，不能太常见。",
    )
    password2 = forms.CharField(
        label="再次输入密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = activation_request(
                mobile=form.cleaned_data["mobile"], id_number=form.cleaned_data["id_number"], ip=client_ip(request)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session[SESSION_KEY] = {"mobile": ticket.mobile, "subject": ticket.subject}
            messages.info(request, SENT_MESSAGE)
            return redirect("members:activate_confirm")
    context = {"form": form, "outbox": settings.GONGHUI_DEMO_OUTBOX}
    return _no_store(render(request, "members/activate.html", context))


@require_http_methods(["GET", "POST"])
def activate_confirm(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    raw = request.session.get(SESSION_KEY)
    if not isinstance(raw, dict) or not raw.get("mobile") or not raw.get("subject"):
        return redirect("members:activate")
    ticket = ActivationTicket(mobile=str(raw["mobile"]), subject=str(raw["subject"]))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activation_confirm(
                ticket=ticket,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "账号已激活，欢迎使用工会工作平台")
            return redirect("home")
    mobile = ticket.mobile
    context = {"form": form, "mobile_masked": f"{mobile[:3]}****{mobile[-4:]}", "outbox": settings.GONGHUI_DEMO_OUTBOX}
    return _no_store(render(request, "members/activate_confirm.html", context))


# ---------------------------------------------------------------- a whole union at once


class BulkForm(forms.Form):
    org = forms.ChoiceField(label="基层工会")

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择")] + [(o.code, f"{o.name}（{o.code}）") for o in orgs]


@login_required
@require_http_methods(["GET", "POST"])
def accounts_bulk(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).paths.get(Action.ACCOUNTS):
        raise Http404
    orgs = list(
        orgs_for(request.user, Action.ACCOUNTS)
        .filter(status=OrgStatus.ACTIVE, kind__in=MEMBER_HOLDING_KINDS)
        .order_by("path")[:2000]
    )
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("org") else None)
    form = BulkForm(data, orgs=orgs)
    context: dict[str, Any] = {"form": form}
    if data is not None and form.is_valid():
        try:
            org = get_org_for_user(request.user, Action.ACCOUNTS, code=form.cleaned_data["org"])
        except NotFound:
            raise Http404 from None
        context["org"] = org
        if request.method == "POST":
            try:
                context["result"] = worker_accounts_for_union(org=org, actor=request.user)
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                apply_domain_error(form, exc)
        context["counts"] = union_account_counts(org=org)
    return render(request, "members/accounts_bulk.html", context)
