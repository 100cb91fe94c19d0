"""Members API: search, read, edit (with version), reveal an ID number (audited), join and transfer
queues, and roster import. ID numbers leave the server masked, except through the reveal route."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from pathlib import Path as FsPath
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.accounts.api import ERRORS, WRITE_ERRORS, caller
from gonghui.accounts.scope import Action, get_member_for_user, get_org_for_user, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.text import tidy
from gonghui.orgs.models import Org, OrgStatus

from . import selectors, services
from .choices import MemberStatus, RequestState, Sex
from .imports.result import ImportResult
from .imports.runner import run_import
from .models import JoinRequest, Member, MembershipEvent, TransferRequest

router = Router(tags=["会员"])
imports_router = Router(tags=["名册导入"])

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- schemas


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str = Field(description="身份证号（脱敏）；完整号码只能通过 reveal-id 查看，并留审计记录")
    sex: str
    sex_label: str
    birth_date: dt.date
    mobile: str
    ethnicity: str
    education: str
    political_status: str
    org_code: str
    org_name: str
    employer: str
    joined_on: dt.date | None
    status: str
    status_label: str
    is_migrant_worker: bool
    is_new_employment: bool
    version: int


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: int | None = Field(description="下一页传入 after=该值；没有下一页时为 null")


class MemberFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名、姓名拼音首字母、身份证号或手机号码")
    org: str | None = Field(None, max_length=32, description="组织编码：只看该组织及其下级的会员")
    status: MemberStatus | None = None
    sex: Sex | None = None
    ethnicity: str | None = Field(None, max_length=20, description="如 纳西族")
    is_migrant_worker: bool | None = None
    is_new_employment: bool | None = None
    after: int | None = Field(None, ge=0, le=MAX_ID, description="上一页的 next_cursor")
    limit: int = Field(50, ge=1, le=200)


class MemberUpdateIn(Schema):
    version: int = Field(..., ge=1, le=MAX_VERSION, description="读取时的 version；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=100)
    mobile: str | None = Field(None, max_length=20)
    ethnicity: str | None = Field(None, max_length=20)
    education: str | None = Field(None, max_length=20)
    political_status: str | None = Field(None, max_length=20)
    employer: str | None = Field(None, max_length=200)
    joined_on: dt.date | None = None
    is_migrant_worker: bool | None = None
    is_new_employment: bool | None = None


class RevealOut(Schema):
    id: int
    id_number: str


class EventOut(Schema):
    kind: str
    kind_label: str
    from_org_code: str | None
    to_org_code: str | None
    reason: str
    at: dt.datetime


class JoinRequestOut(Schema):
    id: int
    name: str
    id_masked: str
    mobile: str
    ethnicity: str
    employer: str
    is_migrant_worker: bool
    is_new_employment: bool
    org_code: str
    org_name: str
    state: str
    state_label: str
    decision_note: str
    member_id: int | None
    created_at: dt.datetime
    version: int


class JoinRequestPage(Schema):
    items: list[JoinRequestOut]
    next_cursor: int | None


class QueueFilters(Schema):
    state: RequestState | None = Field(None, description="默认只列出待办")
    after: int | None = Field(None, ge=0, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)


class DecisionIn(Schema):
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class RejectIn(Schema):
    note: str = Field(..., min_length=1, max_length=200, description="驳回原因，申请人会看到")
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str
    from_org_code: str
    from_org_name: str
    to_org_code: str
    to_org_name: str
    reason: str
    state: str
    state_label: str
    decision_note: str
    created_at: dt.datetime
    version: int


class TransferPage(Schema):
    items: list[TransferOut]
    next_cursor: int | None


class TransferCreateIn(Schema):
    to_org_code: str = Field(..., min_length=1, max_length=32)
    reason: str = Field("", max_length=200)


class ImportErrorOut(Schema):
    row: int = Field(description="表格中的行号（与 Excel 显示一致）；0 表示整个文件的问题")
    column: str = Field(description="出错的列（文件中的表头文字）")
    message: str


class ImportResultOut(Schema):
    accepted: int = Field(description="已导入（dry_run 时为可导入）的会员数；文件被拒绝时为 0")
    errors: list[ImportErrorOut]
    errors_omitted: int = Field(0, description="问题太多时未逐条列出的条数")
    dry_run: bool
    imported: bool = Field(description="本次是否真的写入了会员")


# ---------------------------------------------------------------- helpers


def member_out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.pk,
        name=m.name,
        id_masked=m.id_masked,
        sex=m.sex,
        sex_label=m.get_sex_display(),
        birth_date=m.birth_date,
        mobile=m.mobile,
        ethnicity=m.ethnicity,
        education=m.education,
        political_status=m.political_status,
        org_code=m.org.code,
        org_name=m.org.name,
        employer=m.employer,
        joined_on=m.joined_on,
        status=m.status,
        status_label=m.get_status_display(),
        is_migrant_worker=m.is_migrant_worker,
        is_new_employment=m.is_new_employment,
        version=m.version,
    )


def join_out(r: JoinRequest) -> JoinRequestOut:
    return JoinRequestOut(
        id=r.pk,
        name=r.name,
        id_masked=r.id_masked,
        mobile=r.mobile,
        ethnicity=r.ethnicity,
        employer=r.employer,
        is_migrant_worker=r.is_migrant_worker,
        is_new_employment=r.is_new_employment,
        org_code=r.org.code,
        org_name=r.org.name,
        state=r.state,
        state_label=r.get_state_display(),
        decision_note=r.decision_note,
        member_id=r.member_id,
        created_at=r.created_at,
        version=r.version,
    )


def transfer_out(t: TransferRequest) -> TransferOut:
    return TransferOut(
        id=t.pk,
        member_id=t.member_id,
        member_name=t.member.name,
        from_org_code=t.from_org.code,
        from_org_name=t.from_org.name,
        to_org_code=t.to_org.code,
        to_org_name=t.to_org.name,
        reason=t.reason,
        state=t.state,
        state_label=t.get_state_display(),
        decision_note=t.decision_note,
        created_at=t.created_at,
        version=t.version,
    )


def _keyset(qs: QuerySet[Any], after: int | None, limit: int) -> tuple[list[Any], int | None]:
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def _join_requests(user: Any) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(scope_for(user).org_q(Action.APPROVE, prefix="org__")).select_related("org")


def _transfers(user: Any) -> QuerySet[TransferRequest]:
    scope = scope_for(user)
    visible = scope.org_q(Action.APPROVE, prefix="from_org__") | scope.org_q(Action.APPROVE, prefix="to_org__")
    return TransferRequest.objects.filter(visible).select_related("member", "from_org", "to_org")


def _found(obj: Any, message: str = "未找到该申请") -> Any:
    if obj is None:
        raise NotFound(message)
    return obj


def _reload_member(pk: int) -> Member:
    return Member.objects.select_related("org").get(pk=pk)


# ---------------------------------------------------------------- members


@router.get("/", response={200: MemberPage, **ERRORS}, summary="查找会员（分页）", operation_id="member_list")
def member_list(request: HttpRequest, filters: Query[MemberFilters]) -> MemberPage:
    user = caller(request)
    org = get_org_for_user(user, Action.VIEW, code=tidy(filters.org)) if filters.org else None
    page = selectors.member_search(
        user=user,
        q=filters.q or "",
        filters=selectors.MemberFilters(
            org=org,
            status=filters.status.value if filters.status else "",
            sex=filters.sex.value if filters.sex else "",
            ethnicity=tidy(filters.ethnicity or ""),
            migrant=filters.is_migrant_worker,
            new_employment=filters.is_new_employment,
        ),
        after_id=filters.after,
        limit=filters.limit,
    )
    if page.error:
        raise DomainError(page.error, field="q")
    return MemberPage(items=[member_out(m) for m in page.members], next_cursor=page.next_after)


@router.get(
    "/join-requests", response={200: JoinRequestPage, **ERRORS}, summary="入会申请队列", operation_id="join_list"
)
def join_list(request: HttpRequest, filters: Query[QueueFilters]) -> JoinRequestPage:
    state = filters.state.value if filters.state else RequestState.PENDING
    rows, cursor = _keyset(_join_requests(caller(request)).filter(state=state), filters.after, filters.limit)
    return JoinRequestPage(items=[join_out(r) for r in rows], next_cursor=cursor)


@router.post(
    "/join-requests/{request_id}/approve",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="批准入会（建立会员档案）",
    operation_id="join_approve",
)
def join_approve(request: HttpRequest, request_id: ObjectId, payload: DecisionIn) -> MemberOut:
    req = _found(selectors.get_join_request_for_approver(user=caller(request), pk=request_id))
    member = services.join_request_approve(req=req, version=payload.version, actor=caller(request))
    return member_out(_reload_member(member.pk))


@router.post(
    "/join-requests/{request_id}/reject",
    response={200: JoinRequestOut, **WRITE_ERRORS},
    summary="驳回入会申请",
    operation_id="join_reject",
)
def join_reject(request: HttpRequest, request_id: ObjectId, payload: RejectIn) -> JoinRequestOut:
    req = _found(selectors.get_join_request_for_approver(user=caller(request), pk=request_id))
    req = services.join_request_reject(req=req, note=payload.note, version=payload.version, actor=caller(request))
    return join_out(JoinRequest.objects.select_related("org").get(pk=req.pk))


@router.get("/transfers", response={200: TransferPage, **ERRORS}, summary="转会队列", operation_id="transfer_list")
def transfer_list(request: HttpRequest, filters: Query[QueueFilters]) -> TransferPage:
    qs = _transfers(caller(request))
    if filters.state:
        qs = qs.filter(state=filters.state.value)
    else:
        qs = qs.filter(state__in=[RequestState.PENDING, RequestState.RELEASED])
    rows, cursor = _keyset(qs, filters.after, filters.limit)
    return TransferPage(items=[transfer_out(t) for t in rows], next_cursor=cursor)


def _transfer_step(request: HttpRequest, transfer_id: int) -> TransferRequest:
    return _found(selectors.get_transfer_for_approver(user=caller(request), pk=transfer_id))


def _transfer_reload(pk: int) -> TransferOut:
    return transfer_out(TransferRequest.objects.select_related("member", "from_org", "to_org").get(pk=pk))


@router.post(
    "/transfers/{transfer_id}/release",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="转出方同意转出",
    operation_id="transfer_release",
)
def transfer_release(request: HttpRequest, transfer_id: ObjectId, payload: DecisionIn) -> TransferOut:
    req = _transfer_step(request, transfer_id)
    req = services.transfer_release(req=req, version=payload.version, actor=caller(request))
    return _transfer_reload(req.pk)


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="转入方接收（会员随即转入）",
    operation_id="transfer_accept",
)
def transfer_accept(request: HttpRequest, transfer_id: ObjectId, payload: DecisionIn) -> TransferOut:
    req = _transfer_step(request, transfer_id)
    services.transfer_accept(req=req, version=payload.version, actor=caller(request))
    return _transfer_reload(req.pk)


@router.post(
    "/transfers/{transfer_id}/reject",
    response={200: TransferOut, **WRITE_ERRORS},
    summary="驳回转会申请",
    operation_id="transfer_reject",
)
def transfer_reject(request: HttpRequest, transfer_id: ObjectId, payload: RejectIn) -> TransferOut:
    req = _transfer_step(request, transfer_id)
    req = services.transfer_reject(req=req, note=payload.note, version=payload.version, actor=caller(request))
    return _transfer_reload(req.pk)


@router.get("/{member_id}", response={200: MemberOut, **ERRORS}, summary="读取会员", operation_id="member_get")
def member_get(request: HttpRequest, member_id: ObjectId) -> MemberOut:
    return member_out(get_member_for_user(caller(request), Action.VIEW, member_id))


@router.patch(
    "/{member_id}", response={200: MemberOut, **WRITE_ERRORS}, summary="修改会员信息", operation_id="member_update"
)
def member_update(request: HttpRequest, member_id: ObjectId, payload: MemberUpdateIn) -> MemberOut:
    member = get_member_for_user(caller(request), Action.EDIT, member_id)
    # Omitted or null leaves a field as it is; "" clears a text field; `joined_on: null` clears the date.
    data = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if k != "version" and (v is not None or k == "joined_on")
    }
    updated = services.member_update(member=member, data=data, version=payload.version, actor=caller(request))
    return member_out(_reload_member(updated.pk))


@router.post(
    "/{member_id}/reveal-id",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号（留审计记录）",
    operation_id="member_reveal_id",
)
def member_reveal_id(request: HttpRequest, member_id: ObjectId) -> RevealOut:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    number = services.member_reveal_id(member=member, actor=caller(request))
    return RevealOut(id=member.pk, id_number=number)


@router.get(
    "/{member_id}/events",
    response={200: list[EventOut], **ERRORS},
    summary="会籍变动记录",
    operation_id="member_events",
)
def member_events(request: HttpRequest, member_id: ObjectId) -> list[EventOut]:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    events = MembershipEvent.objects.filter(member=member).select_related("from_org", "to_org").order_by("-at", "-id")
    return [
        EventOut(
            kind=e.kind,
            kind_label=e.get_kind_display(),
            from_org_code=e.from_org.code if e.from_org else None,
            to_org_code=e.to_org.code if e.to_org else None,
            reason=e.reason,
            at=e.at,
        )
        for e in events[:500]
    ]


@router.post(
    "/{member_id}/transfers",
    response={201: TransferOut, **WRITE_ERRORS},
    summary="发起转会",
    operation_id="transfer_create",
)
def transfer_create(request: HttpRequest, member_id: ObjectId, payload: TransferCreateIn) -> Status[TransferOut]:
    member = get_member_for_user(caller(request), Action.VIEW, member_id)
    to_org = Org.objects.filter(code=tidy(payload.to_org_code), status=OrgStatus.ACTIVE).first()
    if to_org is None:
        raise DomainError("未找到转入工会，请核对组织编码", field="to_org_code")
    req = services.transfer_request_create(member=member, to_org=to_org, reason=payload.reason, actor=caller(request))
    return Status(201, _transfer_reload(req.pk))


# ---------------------------------------------------------------- imports

ALLOWED_SUFFIXES = {".xlsx", ".xls", ".csv"}


def _save_upload(upload: UploadedFile) -> FsPath:
    suffix = FsPath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DomainError("只接受 .xlsx、.xls 或 .csv 文件", field="file")
    if upload.size is not None and upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise DomainError("文件过大", field="file")
    folder = FsPath(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"api-{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def import_result_out(result: ImportResult) -> ImportResultOut:
    return ImportResultOut(
        accepted=result.accepted,
        errors=[ImportErrorOut(row=e.row, column=e.column, message=e.message) for e in result.errors],
        errors_omitted=result.errors_omitted,
        dry_run=result.dry_run,
        imported=not result.dry_run and result.ok,
    )


@imports_router.post(
    "/members",
    response={200: ImportResultOut, **WRITE_ERRORS},
    summary="导入会员名册（dry_run=true 只检查不写入）",
    description=(
        "上传 .xlsx / .xls / .csv 名册。任何一行有错就整份不导入，errors 逐行列出行号、列名和原因。"
        "需要对该组织有导入权限。"
    ),
    operation_id="import_members",
)
def import_members(
    request: HttpRequest,
    file: File[UploadedFile],
    org: str = Form(..., min_length=1, max_length=32, description="导入到的基层工会编码"),
    dry_run: bool = Form(True, description="true：只检查不写入"),
) -> ImportResultOut:
    target_org = get_org_for_user(caller(request), Action.IMPORT, code=tidy(org))
    path = _save_upload(file)
    try:
        result = run_import(
            path=path, org=target_org, actor=caller(request), dry_run=dry_run, original_name=file.name or None
        )
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return import_result_out(result)
