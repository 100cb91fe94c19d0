from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user with a first password may still reach: the change form itself, logout, assets.
_OPEN_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/api/")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change") + "?first=1")
        return self.get_response(request)
