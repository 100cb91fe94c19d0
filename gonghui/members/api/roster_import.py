"""The roster import route: upload a file, check it (dry_run) or import it, all or nothing."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path as FsPath

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, File, Form, Schema
from ninja.files import UploadedFile

from gonghui.accounts.api import WRITE_ERRORS, caller
from gonghui.accounts.scope import Action
from gonghui.core.errors import DomainError
from gonghui.core.text import tidy
from gonghui.orgs.selectors import get_org_for_user

from ..imports.result import ImportResult
from ..imports.runner import run_import
from .routers import imports_router


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
