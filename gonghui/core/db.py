"""Two small write helpers every service can stand on (HackSoft's `model_update`, plus a row lock).

    with transaction.atomic():
        member = lock(members_for(actor, Action.EDIT), pk)          # NotFound when absent or out of scope
        result = model_update(instance=member, fields=EDITABLE, data=cleaned, bump="version")
        if result.changed:
            audit.record(actor=actor, action="member.update", obj=member, before=result.before, after=result.after)

`model_update` sets only the named fields that the data holds, converts each value with the field's own
`to_python` (so "1.50" equals Decimal("1.50") and "2026-11-27" a date), validates the changed fields
(`full_clean`), saves them with `update_fields` and says what changed, before and after, as JSON-safe
values for the audit trail. Nothing is saved and nothing needs auditing when nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models

from .audit import SECRET_FIELDS, _jsonable
from .errors import DomainError, NotFound

M = TypeVar("M", bound=models.Model)

_MAX_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class Updated(Generic[M]):
    instance: M
    changed: bool
    fields: list[str] = field(default_factory=list)  # the attnames written (updated_at included)
    before: dict[str, Any] = field(default_factory=dict)  # changed fields only, JSON-safe, secrets left out
    after: dict[str, Any] = field(default_factory=dict)


def _label(f: models.Field[Any, Any]) -> str:
    return str(getattr(f, "verbose_name", "") or f.name)


def _first_message(error: ValidationError) -> tuple[str | None, str]:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                return (None if name == "__all__" else name), " ".join(e.messages)
    return None, " ".join(error.messages)


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: Mapping[str, Any],
    clean: bool = True,
    bump: str | None = None,
) -> Updated[M]:
    """Set the `fields` present in `data` on `instance`; save those that changed; say what changed.

    `bump` names a counter (optimistic locking's "version") raised by one in the same UPDATE when,
    and only when, something changed. Bad values become a DomainError naming the field (its verbose
    name in the message, its name in `.field`). A field name the model does not have is a programming
    error (ValueError). Many-to-many fields are not handled here: set them explicitly in the service.
    """
    opts = instance._meta
    changed: list[models.Field[Any, Any]] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        if name not in data:
            continue
        try:
            f = opts.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(f"{opts.label} has no field {name!r}") from None
        if not isinstance(f, models.Field) or f.many_to_many or not f.concrete:
            raise ValueError(f"model_update cannot set {opts.label}.{name}")
        new = data[name]
        if isinstance(new, models.Model):
            new_value: Any = new.pk
        else:
            try:
                new_value = f.to_python(new) if new is not None else None
            except ValidationError as exc:
                raise DomainError(f"{_label(f)}：{' '.join(exc.messages)}", field=f.name) from None
        old_value = getattr(instance, f.attname)
        if old_value == new_value:
            continue
        if isinstance(new, models.Model):
            setattr(instance, f.name, new)
        else:
            setattr(instance, f.attname, new_value)
        changed.append(f)
        if f.attname not in SECRET_FIELDS and f.name not in SECRET_FIELDS:
            before[f.attname] = _jsonable(old_value)
            after[f.attname] = _jsonable(new_value)
    if not changed:
        return Updated(instance=instance, changed=False)
    names = [f.name for f in changed]
    if clean:
        others = [f.name for f in opts.concrete_fields if f.name not in names]
        try:
            instance.full_clean(exclude=others)  # only the changed fields, their uniques and checks
        except ValidationError as exc:
            bad, message = _first_message(exc)
            label = _label(opts.get_field(bad)) if bad else ""  # type: ignore[arg-type]
            raise DomainError(f"{label}：{message}" if label else message, field=bad) from None
    written = [f.attname for f in changed]
    for f in opts.concrete_fields:
        if getattr(f, "auto_now", False) and f.attname not in written:
            written.append(f.attname)  # pre_save stamps it; update_fields must name it to write it
    if bump is not None:
        setattr(instance, bump, models.F(bump) + 1)
        counter = opts.get_field(bump)
        assert isinstance(counter, models.Field), f"{opts.label}.{bump} is not a column"
        written.append(counter.attname)
    instance.save(update_fields=written)
    if bump is not None:
        instance.refresh_from_db(fields=[bump])
    return Updated(instance=instance, changed=True, fields=written, before=before, after=after)


def lock(source: type[M] | models.QuerySet[M], pk: Any, *, message: str = "未找到该记录") -> M:
    """The row with this primary key, locked FOR UPDATE (its own table only) until the transaction ends.

    `source` is a model or a (scoped) queryset, so a row outside the caller's scope is not found either.
    Absent, out of scope, or a key that cannot be one (words, zero, past BIGINT) → NotFound(message).
    Call it inside `transaction.atomic()` (Django refuses a row lock outside one on PostgreSQL).
    """
    qs: models.QuerySet[M] = source._default_manager.all() if isinstance(source, type) else source
    model = qs.model
    pk_field = model._meta.pk
    assert pk_field is not None
    if isinstance(pk_field, (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)):
        try:
            key = int(pk)
        except (TypeError, ValueError):
            raise NotFound(message) from None
        if isinstance(pk, bool) or not 0 < key <= _MAX_BIGINT:
            raise NotFound(message)
        pk = key
    try:
        return qs.select_for_update(of=("self",)).get(pk=pk)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound(message) from None
