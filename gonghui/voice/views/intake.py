"""Cadres' demand pages: the list under their scope, entering what they heard, one demand in full."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.forms import domain_errors_on

from .. import selectors
from ..choices import DemandSource, DemandStatus
from ..forms import EnterForm
from ..services import demand_enter, issue_add_demand
from .shared import org_choices, org_from, require_voice, step


@login_required
def demand_list(request: HttpRequest) -> HttpResponse:
    require_voice(request, Action.VIEW)
    org_code = request.GET.get("org", "")
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    q = request.GET.get("q", "").strip()[:50]
    urgent = request.GET.get("urgent", "") == "1"
    raw_days = request.GET.get("days", "")
    days = int(raw_days) if raw_days.isdigit() and 0 < int(raw_days) <= 3660 else None  # else: any date
    page = selectors.demand_page(
        request.user,
        cursor=request.GET.get("cursor"),
        size=30,
        org=org_from(request, org_code, Action.VIEW) if org_code else None,
        status=status,
        source=source,
        q=q,
        urgent=urgent,
        days=days,
    )
    return render(
        request,
        "voice/demands.html",
        {
            "page": page,
            "orgs": org_choices(request.user, Action.VIEW),
            "statuses": [(selectors.OPEN, "未向党政反映（已受理或已归入议题）"), *DemandStatus.choices],
            "sources": DemandSource.choices,
            "filters": {"org": org_code, "status": status, "source": source, "q": q, "urgent": urgent, "days": days},
            "can_enter": bool(scope_for(request.user).paths.get(Action.VOICE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_new(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    choices = org_choices(request.user)
    form = EnterForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        org = org_from(request, form.cleaned_data["org"])
        with domain_errors_on(form):
            demand = demand_enter(
                actor=request.user,
                org=org,
                text=form.cleaned_data["text"],
                source=form.cleaned_data["source"],
                kind=form.cleaned_data["kind"],
                category=form.cleaned_data["category"],
                speaker_name=form.cleaned_data["speaker_name"],
                is_anonymous=form.cleaned_data["is_anonymous"],
                submitted_on=form.cleaned_data["submitted_on"],
                form_token=form.cleaned_data["form_token"],
            )
            messages.success(request, f"已登记，受理编号 {demand.tracking_no}")
            if "again" in request.POST:
                return redirect("voice:demand_new")
            return redirect("voice:demand", pk=demand.pk)
    return render(request, "voice/demand_new.html", {"form": form})


@login_required
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request, Action.VIEW)
    try:
        demand = selectors.get_demand_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    memberships = selectors.visible_memberships(request.user, demand)
    can_file = scope_for(request.user).allows(Action.VOICE, demand.org)
    return render(
        request,
        "voice/demand.html",
        {
            "demand": demand,
            "memberships": memberships,
            "replies": demand.replies.select_related("answer").all(),
            "attachments": demand.attachments.all(),
            "issue_choices": selectors.issues_covering(request.user, demand)[:100] if can_file else [],
        },
    )


@login_required
@require_POST
def demand_file_into(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    try:
        demand = selectors.get_demand_for_user(request.user, pk, Action.VOICE)
        issue = selectors.get_issue_for_user(request.user, request.POST.get("issue", "0"), Action.VOICE)
    except NotFound:
        raise Http404 from None
    step(
        request,
        lambda: issue_add_demand(actor=request.user, issue=issue, demand=demand),
        done=f"已归入议题“{issue.label}”；以后重新分析也会保留",
    )
    return redirect("voice:demand", pk=demand.pk)


@login_required
def attachment(request: HttpRequest, pk: int, aid: int) -> FileResponse:
    require_voice(request, Action.VIEW)
    try:
        demand = selectors.get_demand_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    att = demand.attachments.filter(pk=aid).first()
    if att is None:
        raise Http404
    return FileResponse(att.file.open("rb"), content_type=att.content_type, filename=att.file.name.rsplit("/", 1)[-1])
