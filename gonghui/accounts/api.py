"""API authentication (bearer token or session + CSRF), the error shape every route shares, and `/me`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .models import User
from .scope import Action, scope_for
from .services import token_authenticate

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ErrorOut(Schema):
    """Every error answer: a Chinese sentence, and the field it is about when there is one."""

    detail: str
    field: str | None = None


# Status codes a route may answer besides its success; listed in the OpenAPI so clients (and
# schemathesis) know every shape they can meet.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: ErrorOut, 409: ErrorOut}


class PasswordChangeRequired(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "请先登录网页修改初始密码，再使用接口")


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gh_…` — a token made by `gonghui create-api-token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token.strip())
        if user is None:
            raise AuthenticationError(401, "API 令牌无效或已吊销")
        # A first password was set by someone else: until its owner changes it, no door is open,
        # the API included.
        if user.must_change_password:
            raise PasswordChangeRequired()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in user; unsafe methods must carry the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        # csrf=True tells the docs page to send the CSRF token; the check itself is in `authenticate`,
        # once we know a logged-in user is calling (an anonymous call answers 401, not 403).
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        if getattr(user, "must_change_password", False):
            raise PasswordChangeRequired()
        return user


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by TokenAuth or SessionAuth)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def api_auth() -> list[Any]:
    return [TokenAuth(), SessionAuth()]


router = Router(tags=["账号"])


class RoleOut(Schema):
    role: str
    role_label: str
    org_code: str
    org_name: str


class MeOut(Schema):
    id: int
    name: str
    mobile_masked: str
    member_id: int | None
    is_cadre: bool
    roles: list[RoleOut]
    actions: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前账号", operation_id="me")
def me(request: HttpRequest) -> MeOut:
    from gonghui.core.crypto import mask_mobile

    user = caller(request)
    scope = scope_for(user)
    roles = [
        RoleOut(role=r.role, role_label=r.get_role_display(), org_code=r.org.code, org_name=r.org.name)
        for r in user.roles.select_related("org").order_by("org__path", "role")
    ]
    return MeOut(
        id=user.pk,
        name=user.name,
        mobile_masked=mask_mobile(user.mobile),
        member_id=user.member_id,
        is_cadre=scope.is_cadre,
        roles=roles,
        actions=sorted(str(a) for a in Action if scope.paths.get(a)),
    )
