"""Submit once: a form carries a token issued when it is shown; the service that acts on the form claims
the token in its own transaction, and the database lets only one claim through.

    class EnterForm(forms.Form):
        form_token = form_token_field("voice.demand_enter")

    @transaction.atomic
    def demand_enter(*, actor, ..., form_token: str = "") -> Demand:
        claim = form_token_claim(token=form_token, purpose="voice.demand_enter", user=actor)
        if claim.earlier_id is not None:
            return Demand.objects.get(pk=claim.earlier_id)  # the same form again: what it wrote the first time
        demand = ...
        claim.done(demand)

The token is signed (purpose, random key, time), so a made-up or foreign-form token is refused and an old
one expires. Claiming inserts a row whose key is unique: a second claim of the same token waits for the
first transaction and then fails on the constraint (so twenty parallel posts make one write), or, if the
first one rolled back (a refusal), takes its place. Nothing is stored when a form is shown. A service
called without a token (the API, scripts) is not guarded by it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .errors import DomainError
from .models import FormToken

SALT = "gonghui.form-token"
MAX_AGE = dt.timedelta(days=2)  # a form left open longer is shown again with a fresh token
EXPIRED = "页面已打开太久，内容已为您保留，请核对后再提交一次"
USED = "这张表单已经提交过了。如需再提交一份，请重新打开页面填写"
_signer = signing.TimestampSigner(salt=SALT)


def issue_form_token(purpose: str) -> str:
    """A fresh token for a form about to be shown."""
    return _signer.sign(f"{purpose}:{secrets.token_urlsafe(18)}")


def _key_of(token: str, purpose: str) -> str | None:
    """The token's key if it is ours, for this form and not expired; None otherwise."""
    try:
        value = _signer.unsign(token, max_age=MAX_AGE)
    except (signing.BadSignature, TypeError):
        return None
    named, _, key = value.partition(":")
    return key if named == purpose and 0 < len(key) <= 40 else None


def is_fresh(token: object, purpose: str) -> bool:
    return isinstance(token, str) and _key_of(token, purpose) is not None


@dataclass
class Claim:
    """The outcome of claiming a token: act (and call `done`), or return what was written the first time."""

    row: FormToken | None = None  # the claim just made (None: no token was sent, or it was used before)
    earlier_id: int | None = None  # the first submission's result

    def done(self, obj: models.Model | int) -> None:
        """Record what this submission wrote, for a later resubmission to be sent to it."""
        if self.row is not None:
            self.row.result_id = obj if isinstance(obj, int) else obj.pk
            self.row.save(update_fields=["result_id"])


def form_token_claim(*, token: str, purpose: str, user: Any) -> Claim:
    """Claim a form's token inside the caller's transaction. A blank token claims nothing (the caller is
    not a page); a bad or expired one is refused; one used before gives the first submission's result
    (to the same user only)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("form_token_claim runs inside the service's transaction")
    if not token:
        return Claim()
    key = _key_of(token, purpose)
    if key is None:
        raise DomainError(EXPIRED)  # about the whole form: shown above it
    user_id = getattr(user, "pk", None)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction carries on after a clash
            row = FormToken.objects.create(key=key, purpose=purpose, user_id=user_id)
    except IntegrityError:
        earlier = FormToken.objects.filter(key=key).first()
        if earlier is None or earlier.user_id != user_id or earlier.purpose != purpose or earlier.result_id is None:
            raise DomainError(USED) from None
        return Claim(earlier_id=earlier.result_id)
    return Claim(row=row)


def form_tokens_prune(*, now: dt.datetime | None = None) -> int:
    """Forget claims older than a token can live (their tokens are refused as expired anyway)."""
    cutoff = (now or timezone.now()) - MAX_AGE - dt.timedelta(hours=1)
    deleted, _ = FormToken.objects.filter(used_at__lt=cutoff).delete()
    return deleted


class FormTokenField(forms.CharField):
    """The hidden field: a bound form shows the token it was sent while that one is still good (so a
    refused form, sent again, is still the same form), a fresh one otherwise."""

    widget = forms.HiddenInput

    def __init__(self, purpose: str, **kwargs: Any) -> None:
        self.purpose = purpose
        kwargs.setdefault("required", False)
        super().__init__(initial=lambda: issue_form_token(purpose), **kwargs)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data if is_fresh(data, self.purpose) else initial


def form_token_field(purpose: str) -> FormTokenField:
    return FormTokenField(purpose)
