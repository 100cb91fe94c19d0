"""The worker's side, on a phone: say something, follow it under 我的诉求, read the answer, rate it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error
from gonghui.core.notify import notifications_mark_read
from gonghui.core.selectors import notification_page

from .. import selectors
from ..forms import RateForm, SubmitForm
from ..limits import RATING_COMMENT
from ..services import Upload, demand_submit, reply_rate

MAX_UPLOAD_READ = 6 * 1024 * 1024  # one byte over the 5 MB limit is enough to refuse


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uploads = [Upload(f.name or "", f.read(MAX_UPLOAD_READ)) for f in request.FILES.getlist("attachments")[:10]]
        try:
            demand = demand_submit(
                user=request.user,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                category=form.cleaned_data["category"],
                is_anonymous=form.cleaned_data["is_anonymous"],
                attachments=uploads,
                form_token=form.cleaned_data["form_token"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, f"已收到，受理编号 {demand.tracking_no}。工会将汇总反映，答复会在“我的诉求”里告诉您。"
            )
            return redirect("voice:my_demand", tracking_no=demand.tracking_no)
    return render(request, "voice/submit.html", {"form": form, "has_member": bool(request.user.member_id)})  # type: ignore[union-attr]


@login_required
def my_demands(request: HttpRequest) -> HttpResponse:
    page = selectors.my_demand_page(request.user, cursor=request.GET.get("cursor"))
    return render(request, "voice/mine.html", {"page": page})


@login_required
def my_demand(request: HttpRequest, tracking_no: str) -> HttpResponse:
    try:
        demand = selectors.get_my_demand(request.user, tracking_no)
    except NotFound:
        raise Http404 from None
    return _my_demand_page(request, demand)


def _my_demand_page(
    request: HttpRequest, demand: Any, *, rate_form: RateForm | None = None, refused_reply: int | None = None
) -> HttpResponse:
    """The worker's demand with its answers; a refused rating comes back with what was typed."""
    replies = list(demand.replies.select_related("answer", "answer__report").order_by("-delivered_at"))
    return render(
        request,
        "voice/my_demand.html",
        {
            "demand": demand,
            "replies": replies,
            "rate_form": rate_form or RateForm(),
            "refused_reply": refused_reply,
            "comment_max": RATING_COMMENT.max,
            "steps": _steps(demand),
        },
    )


def _steps(demand: object) -> list[tuple[str, bool]]:
    from ..choices import DEMAND_STATUS_ORDER

    reached = DEMAND_STATUS_ORDER.index(getattr(demand, "status", DEMAND_STATUS_ORDER[0]))
    return [(s.label, n <= reached) for n, s in enumerate(DEMAND_STATUS_ORDER)]


@login_required
@require_POST
def rate(request: HttpRequest, tracking_no: str, reply_id: int) -> HttpResponse:
    try:
        demand = selectors.get_my_demand(request.user, tracking_no)
    except NotFound:
        raise Http404 from None
    reply = demand.replies.filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            reply_rate(
                user=request.user, reply=reply, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "谢谢您的评价")
            return redirect("voice:my_demand", tracking_no=demand.tracking_no)
    return _my_demand_page(request, demand, rate_form=form, refused_reply=reply.pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = notification_page(request.user, cursor=request.GET.get("cursor"))
    unread = [n.pk for n in page.items if n.read_at is None]
    notifications_mark_read(user=request.user, ids=unread)
    return render(request, "voice/notifications.html", {"page": page, "items": page.items, "unread": set(unread)})
