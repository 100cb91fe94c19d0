"""The applicant's side of a returned join request: read what to correct, correct it, submit it again
(the review chain restarts at its first level)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gonghui.core import review
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.forms import apply_domain_error

from .. import selectors
from ..choices import RequestState
from ..flows import JOIN_CHAIN
from ..services.joining import join_request_resubmit


class ResubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(label="手机号码", max_length=20)
    ethnicity = forms.CharField(label="民族", max_length=10, required=False)
    employer = forms.CharField(label="工作单位", max_length=120, required=False)
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    is_new_employment = forms.BooleanField(label="新就业形态劳动者", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def my_join_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.get_my_join_request(user=request.user, pk=pk)
    if req is None:
        raise Http404
    if req.state != RequestState.RETURNED:
        messages.info(request, f"该申请{req.get_state_display()}，不需要修改")
        return redirect("members:my_requests")
    initial = {
        "version": req.version,
        "name": req.name,
        "mobile": req.mobile,
        "ethnicity": req.ethnicity,
        "employer": req.employer,
        "is_migrant_worker": req.is_migrant_worker,
        "is_new_employment": req.is_new_employment,
    }
    form = ResubmitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            join_request_resubmit(req=req, version=version, actor=request.user, **data)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "已重新提交入会申请，工会将重新审核")
            return redirect("members:my_requests")
    return render(
        request,
        "members/join_resubmit.html",
        {"req": req, "form": form, "trail": review.trail(JOIN_CHAIN, req)},
    )
