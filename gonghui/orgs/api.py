"""Org tree API: list, read, create a child, update, move, merge, close — all through orgs.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action
from gonghui.core.text import tidy
from gonghui.orgs.selectors import get_org_for_user, orgs_for

from . import services
from .models import Org, OrgKind, OrgStatus

router = Router(tags=["组织"])

MAX_VERSION = 2**31 - 1
OrgCode = Annotated[str, Path(min_length=1, max_length=32, description="组织编码")]


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    depth: int
    region_code: str
    credit_code: str | None
    industry: str
    address: str
    status: str
    status_label: str
    merged_into_code: str | None
    fulltime_cadres: int
    parttime_cadres: int
    funds_year: int | None
    funds_received: str = Field(description="元，两位小数")
    funds_spent: str = Field(description="元，两位小数")
    has_venue: bool
    venue_name: str
    version: int


class OrgPage(Schema):
    items: list[OrgOut]
    next_cursor: str | None = Field(description="下一页的 cursor；没有下一页时为 null")


class OrgFieldsIn(Schema):
    name: str | None = Field(None, max_length=200)
    region_code: str | None = Field(None, max_length=20)
    credit_code: str | None = Field(None, max_length=40)
    industry: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=400)
    fulltime_cadres: int | None = Field(None, ge=0, le=100000)
    parttime_cadres: int | None = Field(None, ge=0, le=100000)
    funds_year: int | None = Field(None, ge=2000, le=2100)
    funds_received: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"), decimal_places=2)
    funds_spent: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"), decimal_places=2)
    has_venue: bool | None = None
    venue_name: str | None = Field(None, max_length=200)


class OrgCreateIn(OrgFieldsIn):
    name: str = Field(..., min_length=1, max_length=200)  # type: ignore[assignment]
    kind: OrgKind
    code: str | None = Field(None, max_length=32, description="留空时自动编号")


class OrgUpdateIn(OrgFieldsIn):
    version: int = Field(..., ge=1, le=MAX_VERSION, description="读取时的 version；已被他人修改时返回 409")


class OrgMoveIn(Schema):
    parent_code: str = Field(..., min_length=1, max_length=32)
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="可选：读取时的 version，已被他人修改时返回 409"
    )


class OrgMergeIn(Schema):
    target_code: str = Field(..., min_length=1, max_length=32, description="并入的工会")
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="可选：读取时的 version，已被他人修改时返回 409"
    )


class OrgCloseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="可选：读取时的 version，已被他人修改时返回 409"
    )


class OrgListFilters(Schema):
    root: str | None = Field(None, max_length=32, description="只列出该组织及其下级")
    include_closed: bool = False
    cursor: str | None = Field(None, max_length=255)
    limit: int = Field(200, ge=1, le=1000)


def org_out(org: Org) -> OrgOut:
    return OrgOut(
        code=org.code,
        name=org.name,
        kind=org.kind,
        kind_label=org.get_kind_display(),
        parent_code=org.parent.code if org.parent else None,
        depth=org.depth,
        region_code=org.region_code,
        credit_code=org.credit_code,
        industry=org.industry,
        address=org.address,
        status=org.status,
        status_label=org.get_status_display(),
        merged_into_code=org.merged_into.code if org.merged_into else None,
        fulltime_cadres=org.fulltime_cadres,
        parttime_cadres=org.parttime_cadres,
        funds_year=org.funds_year,
        funds_received=f"{org.funds_received:.2f}",
        funds_spent=f"{org.funds_spent:.2f}",
        has_venue=org.has_venue,
        venue_name=org.venue_name,
        version=org.version,
    )


def _fields(payload: Schema, *, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k not in exclude and v is not None}


def _reload(org: Org) -> Org:
    return Org.objects.select_related("parent", "merged_into").get(pk=org.pk)


@router.get("/", response={200: OrgPage, **ERRORS}, summary="组织树（按层级顺序，分页）", operation_id="org_list")
def org_list(request: HttpRequest, filters: Query[OrgListFilters]) -> OrgPage:
    qs = orgs_for(caller(request), Action.VIEW).select_related("parent", "merged_into")
    if filters.root:
        root = get_org_for_user(caller(request), Action.VIEW, code=tidy(filters.root))
        qs = qs.filter(path__startswith=root.path)
    if not filters.include_closed:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    if filters.cursor:
        qs = qs.filter(path__gt=tidy(filters.cursor))
    orgs = list(qs.order_by("path")[: filters.limit + 1])
    more = len(orgs) > filters.limit
    orgs = orgs[: filters.limit]
    return OrgPage(items=[org_out(o) for o in orgs], next_cursor=orgs[-1].path if more and orgs else None)


@router.get("/{code}", response={200: OrgOut, **ERRORS}, summary="按编码读取组织", operation_id="org_get")
def org_get(request: HttpRequest, code: OrgCode) -> OrgOut:
    org = get_org_for_user(caller(request), Action.VIEW, code=tidy(code))
    return org_out(_reload(org))


@router.post(
    "/{code}/children", response={201: OrgOut, **WRITE_ERRORS}, summary="建立下级组织", operation_id="org_create_child"
)
def org_create_child(request: HttpRequest, code: OrgCode, payload: OrgCreateIn) -> Status[OrgOut]:
    parent = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(code))
    org = services.org_create(
        parent=parent,
        kind=payload.kind.value,
        name=payload.name,
        code=payload.code,
        actor=caller(request),
        **_fields(payload, exclude={"name", "kind", "code"}),
    )
    return Status(201, org_out(_reload(org)))


@router.patch("/{code}", response={200: OrgOut, **WRITE_ERRORS}, summary="修改组织信息", operation_id="org_update")
def org_update(request: HttpRequest, code: OrgCode, payload: OrgUpdateIn) -> OrgOut:
    org = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(code))
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    # `credit_code: null` clears the code; other nulls mean "leave as is".
    data = {k: v for k, v in data.items() if v is not None or k == "credit_code"}
    org = services.org_update(org=org, data=data, version=payload.version, actor=caller(request))
    return org_out(_reload(org))


@router.post(
    "/{code}/move", response={200: OrgOut, **WRITE_ERRORS}, summary="移到另一上级之下", operation_id="org_move"
)
def org_move(request: HttpRequest, code: OrgCode, payload: OrgMoveIn) -> OrgOut:
    org = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(code))
    parent = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(payload.parent_code))
    return org_out(
        _reload(services.org_move(org=org, new_parent=parent, version=payload.version, actor=caller(request)))
    )


@router.post(
    "/{code}/merge",
    response={200: OrgOut, **WRITE_ERRORS},
    summary="并入另一工会（返回并入后的工会）",
    operation_id="org_merge",
)
def org_merge(request: HttpRequest, code: OrgCode, payload: OrgMergeIn) -> OrgOut:
    source = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(code))
    target = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(payload.target_code))
    return org_out(
        _reload(services.org_merge(source=source, target=target, version=payload.version, actor=caller(request)))
    )


@router.post("/{code}/close", response={200: OrgOut, **WRITE_ERRORS}, summary="撤销组织", operation_id="org_close")
def org_close(request: HttpRequest, code: OrgCode, payload: OrgCloseIn) -> OrgOut:
    org = get_org_for_user(caller(request), Action.MANAGE_ORGS, code=tidy(code))
    return org_out(
        _reload(services.org_close(org=org, reason=payload.reason, version=payload.version, actor=caller(request)))
    )
