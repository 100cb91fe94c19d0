"""Issues at one level of the tree: start an analysis and watch it, then rename, merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound

from .. import selectors
from ..choices import RunStatus
from ..forms import RenameForm, RunForm
from ..models import Issue
from ..services import issue_merge, issue_rename, issue_split, run_start
from .shared import org_choices, org_from, parse_ids, require_voice, step


def _issues_url(org_code: str) -> str:
    return f"{reverse('voice:issues')}?org={org_code}"


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    require_voice(request, Action.VIEW)
    org = org_from(request, request.GET.get("org"), Action.VIEW)
    can_edit = scope_for(request.user).allows(Action.VOICE, org)
    run = selectors.latest_run(org)
    return render(
        request,
        "voice/issues.html",
        {
            "org": org,
            "page": (page := selectors.active_issue_page(org, cursor=request.GET.get("cursor"), size=100)),
            "issues": page.items,
            "run": run,
            "can_edit": can_edit,
            "run_form": RunForm(org_choices=[(org.code, org.name)], initial={"org": org.code}),
            "orgs": org_choices(request.user, Action.VIEW),
        },
    )


@login_required
@require_POST
def run_new(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    org = org_from(request, request.POST.get("org"))
    form = RunForm(request.POST, org_choices=[(org.code, org.name)])
    if not form.is_valid():
        messages.error(request, "起始日期格式不对，请重新选择")
        return redirect(_issues_url(org.code))
    step(
        request,
        lambda: run_start(actor=request.user, scope_org=org, since=form.cleaned_data["since"]),
        done="已开始分析，完成后议题列表会更新",
    )
    return redirect(_issues_url(org.code))


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request, Action.VIEW)
    try:
        run = selectors.get_run_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    response = render(request, "voice/_run_status.html", {"run": run, "org": run.scope_org})
    if request.headers.get("HX-Request") == "true" and run.status == RunStatus.DONE:
        # The page polled this while the run worked; now the issue list under it is out of date: htmx
        # reloads the whole page, which shows the new issues (a failed run only shows its message here).
        response["HX-Refresh"] = "true"
    return response


def _issue_or_404(request: HttpRequest, pk: int | str, action: Action = Action.VIEW) -> Issue:
    try:
        return selectors.get_issue_for_user(request.user, pk, action)
    except NotFound:
        raise Http404 from None


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request, Action.VIEW)
    issue = _issue_or_404(request, pk)
    page = selectors.issue_demand_page(issue, cursor=request.GET.get("cursor"))
    reps = {d.pk: d for d in selectors.issue_demands(issue).filter(pk__in=issue.representatives)}
    can_edit = issue.status == "active" and scope_for(request.user).allows(Action.VOICE, issue.scope_org)
    return render(
        request,
        "voice/issue.html",
        {
            "issue": issue,
            "page": page,
            "representatives": [reps[r] for r in issue.representatives if r in reps],
            "can_edit": can_edit,
            "rename_form": RenameForm(initial={"label": issue.label, "version": issue.version}),
            "others": selectors.active_issues(issue.scope_org).exclude(pk=issue.pk)[:100] if can_edit else [],
            "reports": selectors.reports_with_issue(request.user, issue),
        },
    )


@login_required
@require_POST
def issue_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    issue = _issue_or_404(request, pk, Action.VOICE)
    form = RenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写议题名称")
        return redirect("voice:issue", pk=issue.pk)
    step(
        request,
        lambda: issue_rename(
            actor=request.user, issue=issue, label=form.cleaned_data["label"], version=form.cleaned_data["version"]
        ),
        done="议题已改名；以后重新分析也会保留这个名称",
    )
    return redirect("voice:issue", pk=issue.pk)


@login_required
@require_POST
def issue_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_voice(request)
    issue = _issue_or_404(request, pk, Action.VOICE)
    into = None
    into_id = request.POST.get("into", "")
    if into_id:
        into = _issue_or_404(request, into_id, Action.VOICE)
    target = step(
        request,
        lambda: issue_split(
            actor=request.user,
            issue=issue,
            demand_ids=parse_ids(request.POST.getlist("demand")),
            label=request.POST.get("label", ""),
            into=into,
        ),
        done="已拆分；以后重新分析也会保留",
    )
    return redirect("voice:issue", pk=(target or issue).pk)


@login_required
@require_POST
def issue_merge_view(request: HttpRequest) -> HttpResponse:
    require_voice(request)
    chosen = parse_ids(request.POST.getlist("issue"))
    target_id = request.POST.get("target", "")
    if not target_id:
        messages.error(request, "请选择合并后保留的议题")
        return redirect("voice:issues")
    target = _issue_or_404(request, target_id, Action.VOICE)
    sources = [_issue_or_404(request, i, Action.VOICE) for i in chosen if i != target.pk]
    merged = step(
        request,
        lambda: issue_merge(actor=request.user, target=target, sources=sources),
        done=f"已把 {len(sources)} 个议题并入“{target.label}”",
    )
    if merged is None:
        return redirect(_issues_url(target.scope_org.code))
    return redirect("voice:issue", pk=target.pk)
