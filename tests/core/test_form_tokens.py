"""Submit once: a form's token is claimed in the service's transaction and the database lets one claim
through — the same form sent again gives back what it wrote the first time."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core import signing
from django.db import transaction

from gonghui.core.errors import DomainError
from gonghui.core.form_tokens import (
    EXPIRED,
    MAX_AGE,
    USED,
    form_token_claim,
    form_token_field,
    form_tokens_prune,
    is_fresh,
    issue_form_token,
)
from gonghui.core.models import FormToken


class _Form(forms.Form):
    name = forms.CharField()
    form_token = form_token_field("test.form")


def _claim(token: str, user, purpose: str = "test.form"):
    with transaction.atomic():
        return form_token_claim(token=token, purpose=purpose, user=user)


def test_a_token_is_claimed_once_and_a_second_claim_gets_the_first_result(world):
    token = issue_form_token("test.form")
    first = _claim(token, world.cadre_a)
    assert first.earlier_id is None and first.row is not None
    with transaction.atomic():
        first.done(4242)
    second = _claim(token, world.cadre_a)
    assert second.earlier_id == 4242 and second.row is None
    assert FormToken.objects.count() == 1


def test_a_claim_rolled_back_with_its_refused_write_leaves_the_token_free(world):
    token = issue_form_token("test.form")
    with pytest.raises(DomainError), transaction.atomic():
        form_token_claim(token=token, purpose="test.form", user=world.cadre_a)
        raise DomainError("写入被拒绝")
    assert not FormToken.objects.exists()
    assert _claim(token, world.cadre_a).row is not None


def test_someone_elses_token_never_returns_their_result(world):
    token = issue_form_token("test.form")
    claim = _claim(token, world.cadre_a)
    with transaction.atomic():
        claim.done(7)
    with pytest.raises(DomainError) as exc:
        _claim(token, world.cadre_b)
    assert exc.value.message == USED


def test_a_made_up_expired_or_other_forms_token_is_refused(world, monkeypatch):
    for bad in ["abc", issue_form_token("other.form"), issue_form_token("test.form") + "x"]:
        with pytest.raises(DomainError) as exc:
            _claim(bad, world.cadre_a)
        assert exc.value.message == EXPIRED and exc.value.field is None
    token = issue_form_token("test.form")
    later = signing.time.time() + MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)  # the form was left open for days
    assert not is_fresh(token, "test.form")
    with pytest.raises(DomainError) as exc:
        _claim(token, world.cadre_a)
    assert exc.value.message == EXPIRED
    assert not FormToken.objects.exists()


def test_no_token_claims_nothing_and_a_claim_needs_the_services_transaction(world):
    assert _claim("", world.cadre_a).row is None
    assert not FormToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_a_programming_error(world):
    with pytest.raises(RuntimeError):
        form_token_claim(token=issue_form_token("test.form"), purpose="test.form", user=world.cadre_a)


def test_the_hidden_field_keeps_a_good_token_and_replaces_a_bad_one():
    fresh = _Form()
    shown = fresh["form_token"].value()
    assert is_fresh(shown, "test.form")
    resent = _Form({"name": "", "form_token": shown})
    assert not resent.is_valid()
    assert resent["form_token"].value() == shown  # a refused form sent again is still the same form
    forged = _Form({"name": "x", "form_token": "forged"})
    assert forged.is_valid() and forged.cleaned_data["form_token"] == "forged"  # the service refuses it
    assert forged["form_token"].value() != "forged" and is_fresh(forged["form_token"].value(), "test.form")


def test_old_claims_are_pruned(world):
    claim = _claim(issue_form_token("test.form"), world.cadre_a)
    FormToken.objects.filter(pk=claim.row.pk).update(used_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    _claim(issue_form_token("test.form"), world.cadre_a)
    assert form_tokens_prune() == 1 and FormToken.objects.count() == 1
