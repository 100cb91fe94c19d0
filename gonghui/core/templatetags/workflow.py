"""The workflow on a page: one state badge, and the steps the viewer may take now (for the buttons).

    {% load workflow %}
    {% state_badge req %}
    {% allowed_steps req as steps %}{% for s in steps %}…{% endfor %}

Presentation only: the rules are the workflow's (core.workflow.allowed), asked once per object.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from gonghui.core import workflow

register = template.Library()


def _flow(obj: Any) -> workflow.Workflow | None:
    for cls in type(obj).__mro__:
        wf = workflow.REGISTRY.get(cls)
        if wf is not None:
            return wf
    return None


@register.simple_tag
def state_badge(obj: Any) -> str:
    """<span class="badge badge-warn state-pending">待审批</span> — one CSS class per tone."""
    wf = _flow(obj)
    if wf is None:
        return ""
    state = wf.state_of(obj)
    return format_html('<span class="badge badge-{} state-{}">{}</span>', wf.tone(state), state, wf.state_label(state))


@register.simple_tag(takes_context=True)
def allowed_steps(context: template.Context, obj: Any) -> list[workflow.Step]:
    wf = _flow(obj)
    request = context.get("request")
    user = getattr(request, "user", None)
    if wf is None or user is None:
        return []
    return workflow.allowed(wf, obj, user)
