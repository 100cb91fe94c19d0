"""What people typed, on the page: `{{ demand.text|as_shown }}` (core.text.as_shown), and the submit-once
token of a hand-written form: `{% form_token_input "voice.report_create" %}` (core.form_tokens)."""

from __future__ import annotations

from django import template

from gonghui.core.text import as_shown as _as_shown

register = template.Library()


@register.filter
def as_shown(value: object) -> str:
    return _as_shown(value)


@register.simple_tag
def form_token_input(purpose: str) -> str:
    """`{% form_token_input "voice.report_create" %}`: the hidden submit-once token of a hand-written form."""
    from django.utils.html import format_html

    from gonghui.core.form_tokens import issue_form_token

    return format_html('<input type="hidden" name="form_token" value="{}">', issue_form_token(purpose))
