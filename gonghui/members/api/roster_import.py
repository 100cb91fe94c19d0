"""The roster import route: upload a file, check it (dry_run) or import it, all or nothing.

The answer comes within the request, so the route takes files up to API_MAX_BYTES (about 10,000 rows);
a larger roster goes through the web page, whose check runs in the background worker. The upload is
saved encrypted like the page's and its plain copy removed as soon as the import has read it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, File, Form, Schema
from ninja.files import UploadedFile

from gonghui.accounts.api import WRITE_ERRORS, caller
from gonghui.accounts.scope import Action
from gonghui.core.errors import DomainError
from gonghui.core.tabular.limits import size_text
from gonghui.core.tabular.uploads import delete_upload, plain_copy, save_upload
from gonghui.core.text import tidy
from gonghui.orgs.selectors import get_org_for_user

from ..imports.result import ImportResult
from ..imports.runner import roster_limits, run_import
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


API_MAX_BYTES = 2 * 1024 * 1024  # checked within the request: larger files go through the page's job


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
    if file.size is not None and file.size > API_MAX_BYTES:
        raise DomainError(
            f"文件较大（{size_text(file.size)}），接口一次最多检查 {size_text(API_MAX_BYTES)}；"
            "更大的名册请在“名册导入”页面上传，系统会在后台检查",
            field="file",
        )
    stored, _, _ = save_upload(file, folder="api", limits=roster_limits().with_(max_file_bytes=API_MAX_BYTES))
    try:
        with plain_copy(stored) as path:
            result = run_import(
                path=path, org=target_org, actor=caller(request), dry_run=dry_run, original_name=file.name or None
            )
    finally:
        delete_upload(stored)
    return import_result_out(result)
