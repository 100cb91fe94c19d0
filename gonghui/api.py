"""The JSON API: one NinjaAPI, one router per app, one error shape.

Authentication is a bearer token (`Authorization: Bearer gh_…`) or the browser session (unsafe
methods need the CSRF token). Every object is reached through the scoping helpers, so an object
outside the caller's scope answers 404 exactly like an absent one. Errors are JSON
`{"detail": "<中文说明>", "field": "<字段>"}`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from gonghui.accounts.api import api_auth
from gonghui.accounts.api import router as accounts_router
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.strict import BODY_NOT_OBJECT
from gonghui.members.api import imports_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import router as orgs_router
from gonghui.useradmin.api import router as useradmin_router
from gonghui.voice.api import router as voice_router


class Utf8JSONRenderer(JSONRenderer):
    """Chinese stays readable in the JSON (UTF-8), not \\uXXXX escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="gonghui API",
    version="1",
    description=(
        "互联网+工会平台接口：组织、会员、名册导入、职工诉求与专报。认证：`Authorization: Bearer gh_…`（用 "
        "`gonghui create-api-token --mobile 手机号` 生成）或已登录的网页会话（写操作需带 CSRF 令牌）。"
        "越权访问的对象一律按“未找到”（404）处理。"
    ),
    urls_namespace="api",
    auth=api_auth(),
    renderer=Utf8JSONRenderer(),
    # Served from ninja's bundled static files ("ninja" is in INSTALLED_APPS): no CDN.
    docs=Swagger(settings={"persistAuthorization": False}),
)

api.add_router("/", accounts_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/imports", imports_router)
api.add_router("/voice", voice_router)
api.add_router("/accounts", useradmin_router)


def _error(request: HttpRequest, status: int, detail: str, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _error(request, 404, exc.message)


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "未找到该记录")


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return _error(request, 409, exc.message, "version")


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, exc.message, exc.field)


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 422, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "请先登录，或在请求头中提供 API 令牌"
    response = _error(request, 401, message)
    response["WWW-Authenticate"] = 'Bearer realm="gonghui"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {400: "请求格式不正确", 403: "没有权限", 404: "未找到该记录", 405: "不支持该请求方法"}
    message = exc.message if not exc.message.isascii() else messages.get(exc.status_code, "请求无法处理")
    return _error(request, exc.status_code, message)


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_long": "过长",
    "string_too_short": "不能为空",
    "date_from_datetime_parsing": "日期格式应为 2026-11-27",
    "date_parsing": "日期格式应为 2026-11-27",
    "date_type": "日期格式应为 2026-11-27",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "enum": "不在可选范围内",
    "literal_error": "不在可选范围内",
    "json_invalid": "不是合法的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为数组",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "extra_forbidden": "是未知字段",
}


def _field_name(loc: Any) -> str | None:
    """The last meaningful part of pydantic's location: ("body", "payload", "version") → "version"."""
    parts = [str(p) for p in (loc or ()) if not isinstance(p, int)]
    skip = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "filters", "data"}
    useful = [p for p in parts if p not in skip]
    return useful[-1] if useful else (parts[-1] if parts else None)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    if first.get("type") == BODY_NOT_OBJECT:  # an array or a string where an object is expected
        return _error(request, 422, f"请求数据不正确：{first.get('msg')}", None)
    field = _field_name(first.get("loc"))
    reason = _PYDANTIC_MESSAGES.get(str(first.get("type", "")), "格式不正确")
    detail = f"请求数据不正确：{field}{reason}" if field else f"请求数据不正确：{reason}"
    if len(exc.errors) > 1:
        detail += f"（另有{len(exc.errors) - 1}处问题）"
    return _error(request, 422, detail, field)
