"""Survey results in bulk (.xlsx/.xls/.csv): every row or none.

Thin views: the upload is copied to a temporary file (capped in size), the service reads, checks and
writes it, and the page shows either the count written or every problem with its row and column.
A successful import redirects (so a reload does not import the file twice).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.errors import DomainError, NotFound

from ..forms_import import ImportForm
from ..services.imports import (
    ERRORS_LISTED,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportOutcome,
    demand_import,
    get_import_for_user,
    sample_workbook,
)
from .shared import org_choices, org_from, require_voice

_SUFFIXES = (".xlsx", ".xls", ".csv")


def _run(request: HttpRequest, code: str, upload: UploadedFile) -> ImportOutcome:
    org = org_from(request, code)
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise DomainError(f"文件太大，一次最多导入 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后分批导入", field="file")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="voice-import-") as folder:
        path = Path(folder) / f"upload{suffix if suffix in _SUFFIXES else '.bin'}"
        written = 0
        with path.open("wb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > MAX_FILE_BYTES:
                    raise DomainError(
                        f"文件太大，一次最多导入 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后分批导入", field="file"
                    )
                out.write(chunk)
        return demand_import(actor=request.user, org=org, upload_path=path, original_name=name)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    form = ImportForm(request.POST or None, request.FILES or None, org_choices=org_choices(request.user))
    outcome: ImportOutcome | None = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = _run(request, form.cleaned_data["org"], form.cleaned_data["file"])
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("org" if exc.field == "org" else "file", exc.message)
        else:
            if outcome.batch is not None:
                return redirect(f"{reverse('voice:import')}?done={outcome.batch.pk}")
    context: dict[str, Any] = {
        "form": form,
        "outcome": outcome,
        "done": None,
        "max_rows": MAX_ROWS,
        "max_mb": MAX_FILE_BYTES // 1024 // 1024,
        "errors_listed": ERRORS_LISTED,
    }
    if request.method == "GET" and request.GET.get("done"):
        try:
            context["done"] = get_import_for_user(request.user, request.GET["done"])
        except NotFound:
            raise Http404 from None
    return render(request, "voice/import.html", context)


@login_required
@require_GET
def sample(request: HttpRequest) -> FileResponse:
    require_voice(request)
    return FileResponse(
        io.BytesIO(sample_workbook()),
        as_attachment=True,
        filename="诉求导入模板.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
