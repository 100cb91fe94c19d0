"""How a page shows a service's refusal (beside the field the service named, or above the form), and text
fields held to one length limit (`bounded_text`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.http import Http404

from .errors import DomainError, NotFound
from .text import TextLimit


def apply_domain_error(form: forms.Form, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """`aliases` maps a service's field name to the form's where the two differ."""
    name = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


@contextmanager
def domain_errors_on(form: forms.Form) -> Iterator[None]:
    """Run a service call for a page's form.

    NotFound becomes a 404 (out of scope looks like absent). Any other DomainError lands on the form
    and is swallowed, so the view carries on after the `with` block and renders the form again;
    the success path returns from inside the block.
    """
    try:
        yield
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        apply_domain_error(form, exc)


class BoundedTextField(forms.CharField):
    """A text field held to one `TextLimit`: the widget's maxlength, the help text and the check (with the
    service's own message) all come from it. Line breaks count once (browsers send them as CR LF)."""

    def __init__(self, *, limit: TextLimit, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(min_length=None, max_length=None, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values:
            message = self.limit.problem(value)
            if message:
                raise forms.ValidationError(message, code="length")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.limit.max)
            if self.limit.min:
                attrs["minlength"] = str(self.limit.min)
        return attrs


def bounded_text(
    limit: TextLimit,
    *,
    label: str | None = None,
    required: bool = True,
    multiline: bool = False,
    rows: int = 4,
    note: str = "",
    placeholder: str = "",
    **kwargs: Any,
) -> BoundedTextField:
    """A form field for one `TextLimit`: `bounded_text(DEMAND_TEXT, multiline=True, note="请不要填写身份证号。")`
    gives a textarea with maxlength=2000 and the help 「5–2000 字。请不要填写身份证号。」."""
    attrs: dict[str, Any] = {"placeholder": placeholder} if placeholder else {}
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows, **attrs}) if multiline else forms.TextInput(attrs=attrs)
    return BoundedTextField(
        limit=limit,
        label=label or limit.label,
        required=required,
        widget=widget,
        help_text=f"{limit.help}。{note}" if note else f"{limit.help}。",
        **kwargs,
    )
