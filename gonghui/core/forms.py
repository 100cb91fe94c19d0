"""How a page shows a service's refusal: beside the field the service named, or above the form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.http import Http404

from .errors import DomainError, NotFound


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
