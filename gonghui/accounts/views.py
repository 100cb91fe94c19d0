from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.core.errors import DomainError
from gonghui.core.middleware import client_ip

from .forms import MobileLoginForm, PasswordChangeForm
from .services import password_change, throttle_hit, throttle_wait
from .services.codes import minutes


def _login_ip_key(request: HttpRequest) -> str:
    return f"login-ip:{client_ip(request) or 'unknown'}"


def login_ip_wait(request: HttpRequest) -> int:
    """Seconds this address must wait before trying to log in again (0: it may now)."""
    return throttle_wait(
        _login_ip_key(request),
        limit=settings.GONGHUI_LOGIN_IP_FAILURE_LIMIT,
        window=dt.timedelta(minutes=settings.GONGHUI_LOGIN_IP_WINDOW_MINUTES),
    )


def throttled(request: HttpRequest, message: str, back: str = "") -> HttpResponse:
    response = render(request, "accounts/throttled.html", {"message": message, "back": back}, status=429)
    response["Retry-After"] = "60"
    return response


class LoginView(auth_views.LoginView):
    """django-axes locks one account after a few wrong passwords; on top of that one address that fails
    many times (trying many accounts) is refused for a while, whatever account it names next."""

    template_name = "accounts/login.html"
    authentication_form = MobileLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = login_ip_wait(request)
        if wait:
            return throttled(request, f"这个网络地址短时间内登录失败次数过多，请{minutes(wait)}分钟后再试。")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        throttle_hit(_login_ip_key(self.request), window=dt.timedelta(minutes=settings.GONGHUI_LOGIN_IP_WINDOW_MINUTES))
        return super().form_invalid(form)


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_change(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "first": request.GET.get("first")})


def outbox(request: HttpRequest) -> HttpResponse:
    """The demo's stand-in SMS inbox (GONGHUI_DEMO_OUTBOX): absent unless the operator turned it on."""
    from django.http import Http404

    from .models import OutboxMessage

    if not settings.GONGHUI_DEMO_OUTBOX:
        raise Http404
    rows = list(OutboxMessage.objects.order_by("-id")[:30])
    response = render(request, "accounts/outbox.html", {"rows": rows})
    response["Cache-Control"] = "no-store"
    return response
