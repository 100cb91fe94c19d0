"""专报 pages: pick issues, edit the draft, download .docx/.pdf, record 报送 and the answer; the loop's figures."""

from __future__ import annotations

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
    reports = selectors.reports_for(request.user).select_related("org").order_by("-created_at")[:200]
    return render(request, "voice/reports.html", {"reports": reports})


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
        report = report_create(actor=request.user, org=org, issues=issues, title=request.POST.get("title", ""))
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
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if edit_form.is_valid():
            item_asks = {
                int(k.removeprefix("asks_")): str(v)
                for k, v in request.POST.items()
                if k.startswith("asks_") and k.removeprefix("asks_").isdigit()
            }
            try:
                report_update(actor=request.user, report=report, item_asks=item_asks, **edit_form.cleaned_data)
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                apply_domain_error(edit_form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("voice:report", pk=report.pk)
    items = report.items.select_related("issue").order_by("rank")
    return render(
        request,
        "voice/report.html",
        {
            "report": report,
            "items": items,
            "can_edit": can_edit,
            "edit_form": edit_form,
            "submit_form": ReportSubmitForm(initial={"version": report.version}),
            "answer_form": AnswerForm(initial={"version": report.version}),
            "answer": getattr(report, "answer", None) if report.status != ReportStatus.DRAFT else None,
        },
    )


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    report = _report_or_404(request, pk, Action.VOICE)
    form = ReportSubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写报送对象")
        return redirect("voice:report", pk=report.pk)
    step(
        request,
        lambda: report_submit(actor=request.user, report=report, **form.cleaned_data),
        done="已记录报送；专报内容已按报送时的样子保存",
    )
    return redirect("voice:report", pk=report.pk)


@login_required
@require_POST
def report_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    report = _report_or_404(request, pk, Action.VOICE)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复单位和答复内容")
        return redirect("voice:report", pk=report.pk)
    step(
        request,
        lambda: report_answer_and_feed_back(actor=request.user, report=report, **form.cleaned_data),
        done="答复已记录，正在逐一告知反映过这些问题的职工",
    )
    return redirect("voice:report", pk=report.pk)


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
