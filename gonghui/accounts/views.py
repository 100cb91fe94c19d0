from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.core.errors import DomainError

from .forms import MobileLoginForm, PasswordChangeForm
from .services import password_change


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = MobileLoginForm
    redirect_authenticated_user = True


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
