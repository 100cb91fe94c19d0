from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from .context import current_ip


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the audit trail records for this request.

    `X-Forwarded-For` is only as trustworthy as whoever wrote it: anybody can send one. With
    GONGHUI_TRUSTED_PROXIES = n (0 by default) we trust the last n hops, the ones our own proxies
    appended, and take the address the outermost of them saw — the n-th entry from the right. With
    n = 0, or a header with fewer hops than proxies, or a hop that is not an IP address, the socket
    address is used.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    trusted = int(getattr(settings, "GONGHUI_TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        return remote
    return _valid_ip(hops[-trusted]) or remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


NO_STORE = "no-store, private"


def _is_static(request: HttpRequest) -> bool:
    static_url = str(getattr(settings, "STATIC_URL", "") or "")
    return bool(static_url) and static_url.startswith("/") and request.path.startswith(static_url)


def _is_file(response: HttpResponse | StreamingHttpResponse) -> bool:
    return isinstance(response, FileResponse) or "attachment" in response.get("Content-Disposition", "")


class NoStoreMiddleware:
    """Nothing a signed-in person sees is kept by a browser or a proxy cache (个人信息保护法).

    One rule instead of a list of "personal" pages: every answer to an authenticated user, to an API
    call that carries credentials, and every file download is `Cache-Control: no-store, private`,
    replacing whatever the view said. Static assets keep their caching (whitenoise answers them before
    this middleware runs; the path check covers `runserver`'s static view too).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_static(request):
            return response
        user = getattr(request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        if signed_in or "HTTP_AUTHORIZATION" in request.META or _is_file(response):
            response["Cache-Control"] = NO_STORE
            if "Expires" in response:
                del response["Expires"]
        return response
