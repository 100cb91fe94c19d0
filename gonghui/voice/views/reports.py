"""专报 pages: pick issues, edit the draft, download .docx/.pdf, record 报送 and the answer; the loop's figures."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error

from .. import selectors
from ..choices import ReportStatus
from ..forms import AnswerForm, ReportEditForm, ReportSubmitForm
from ..limits import ITEM_ASKS
from ..models import Report
from ..report_content import report_content
from ..reporting.fonts import MissingCJKFont
from ..services import (
    report_answer_and_feed_back,
    report_create,
    report_remove_issue,
    report_submit,
    report_update,
)
from .shared import org_choices, org_from, parse_ids, require_voice, step

# format → (content type, renderer in ..reporting); python-docx, matplotlib and WeasyPrint load on the
# first download, not with the URL conf.
DOWNLOADS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "render_docx"),
    "pdf": ("application/pdf", "render_pdf"),
}


def _report_or_404(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Report:
    try:
        return selectors.get_report_for_user(request.user, pk, action)
    except NotFound:
        raise Http404 from None


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require_voice(request, Action.VIEW)
    status = request.GET.get("status", "")
    page = selectors.report_page(request.user, status=status, cursor=request.GET.get("cursor"))
    return render(
        request,
        "voice/reports.html",
        {"page": page, "reports": page.items, "status": status, "statuses": ReportStatus.choices},
    )


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    org = org_from(request, request.POST.get("org"))
    ids = parse_ids(request.POST.getlist("issue"), limit=50)
    issues = list(selectors.issues_for(request.user, Action.VOICE).filter(pk__in=ids).select_related("scope_org"))
    if len(issues) != len(set(ids)):
        raise Http404
    try:
        report = report_create(
            actor=request.user,
            org=org,
            issues=issues,
            title=request.POST.get("title", ""),
            form_token=request.POST.get("form_token", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('voice:issues')}?org={org.code}")
    messages.success(request, "专报草稿已生成，请补充导语和意见建议")
    return redirect("voice:report", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request, Action.VIEW)
    report = _report_or_404(request, pk)
    can_edit = scope_for(request.user).allows(Action.VOICE, report.org)
    edit_form = ReportEditForm(
        request.POST or None,
        initial={"title": report.title, "summary": report.summary, "asks": report.asks, "version": report.version},
    )
    item_asks: dict[int, str] = {}
    if request.method == "POST":
        if not can_edit:
            raise Http404
        item_asks = {
            int(k.removeprefix("asks_")): str(v).replace("\r\n", "\n")
            for k, v in request.POST.items()
            if k.startswith("asks_") and k.removeprefix("asks_").isdigit() and len(k) < 30
        }
        if edit_form.is_valid():
            try:
                report_update(actor=request.user, report=report, item_asks=item_asks, **edit_form.cleaned_data)
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                apply_domain_error(edit_form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("voice:report", pk=report.pk)
    return _page(request, report, can_edit=can_edit, edit_form=edit_form, item_asks=item_asks)


def _page(
    request: HttpRequest,
    report: Report,
    *,
    can_edit: bool | None = None,
    edit_form: ReportEditForm | None = None,
    submit_form: ReportSubmitForm | None = None,
    answer_form: AnswerForm | None = None,
    item_asks: dict[int, str] | None = None,
) -> HttpResponse:
    """The report page; a refused form comes back with everything that was typed into it."""
    if can_edit is None:
        can_edit = scope_for(request.user).allows(Action.VOICE, report.org)
    items = list(report.items.select_related("issue").order_by("rank"))
    for item in items:
        item.typed_asks = (item_asks or {}).get(item.issue_id, item.asks)  # type: ignore[attr-defined]
    initial = {"title": report.title, "summary": report.summary, "asks": report.asks, "version": report.version}
    return render(
        request,
        "voice/report.html",
        {
            "report": report,
            "items": items,
            "can_edit": can_edit,
            "edit_form": edit_form or ReportEditForm(initial=initial),
            "item_asks_max": ITEM_ASKS.max,
            "submit_form": submit_form or ReportSubmitForm(initial={"version": report.version}),
            "answer_form": answer_form or AnswerForm(initial={"version": report.version}),
            "answer": getattr(report, "answer", None) if report.status != ReportStatus.DRAFT else None,
        },
    )


def _refused(request: HttpRequest, form: forms.Form, exc: DomainError, *, form_shown: bool) -> None:
    """A refusal lands on the form; when the page no longer shows that form (the report moved on), above it."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    if form_shown:
        apply_domain_error(form, exc)
    else:
        messages.error(request, exc.message)


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    report = _report_or_404(request, pk, Action.VOICE)
    form = ReportSubmitForm(request.POST)
    if form.is_valid():
        try:
            report_submit(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as exc:
            report.refresh_from_db()
            _refused(request, form, exc, form_shown=report.status == ReportStatus.DRAFT)
        else:
            messages.success(request, "已记录报送；专报内容已按报送时的样子保存")
            return redirect("voice:report", pk=report.pk)
    return _page(request, report, submit_form=form)


@login_required
@require_POST
def report_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    report = _report_or_404(request, pk, Action.VOICE)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            report_answer_and_feed_back(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as exc:
            report.refresh_from_db()
            _refused(request, form, exc, form_shown=report.status == ReportStatus.SUBMITTED)
        else:
            messages.success(request, "答复已记录，正在逐一告知反映过这些问题的职工")
            return redirect("voice:report", pk=report.pk)
    return _page(request, report, answer_form=form)


@login_required
@require_POST
def report_remove_issue_view(request: HttpRequest, pk: int, issue_id: int) -> HttpResponse:
    require_voice(request)
    report = _report_or_404(request, pk, Action.VOICE)
    version = request.POST.get("version", "")
    step(
        request,
        lambda: report_remove_issue(
            actor=request.user, report=report, issue_id=issue_id, version=int(version) if version.isdigit() else -1
        ),
        done="已从专报中移出该议题",
    )
    return redirect("voice:report", pk=report.pk)


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_voice(request, Action.VIEW)
    report = _report_or_404(request, pk)
    if fmt not in DOWNLOADS:
        raise Http404
    content_type, renderer = DOWNLOADS[fmt]
    from .. import reporting

    render_file = getattr(reporting, renderer)
    try:
        data = render_file(report_content(report))
    except MissingCJKFont as exc:  # a server set up without the Chinese fonts: say so, don't 500
        messages.error(request, str(exc))
        return redirect("voice:report", pk=report.pk)
    audit.record(actor=request.user, action=f"report.download_{fmt}", obj=report)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type=content_type)
    name = f"{report.org.name}专报〔{report.year}〕第{report.serial}期.{fmt}"
    response["Content-Disposition"] = _attachment(name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"report.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"


@login_required
def loop_view(request: HttpRequest) -> HttpResponse:
    require_voice(request, Action.VIEW)
    org = org_from(request, request.GET.get("org"), Action.VIEW)
    try:
        figures = selectors.loop_figures(request.user, org)
    except NotFound:
        raise Http404 from None
    return render(
        request, "voice/loop.html", {"org": org, "figures": figures, "orgs": org_choices(request.user, Action.VIEW)}
    )
