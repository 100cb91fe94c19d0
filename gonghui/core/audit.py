"""Audit trail: every service calls `record` inside its own transaction.

Each app declares the actions it writes, with their Chinese labels, in its `audit_actions.py`
(loaded when the core app is ready); `record` refuses an action nobody declared, so the audit page
never shows a raw code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .context import current_ip
from .models import AuditEvent

# action code → the label the audit page shows; filled by every app's audit_actions.py.
ACTION_LABELS: dict[str, str] = {}


class UnregisteredAuditAction(LookupError):
    """A programming error: a service wrote an action its app never declared."""


def register_actions(labels: dict[str, str]) -> None:
    for code, label in labels.items():
        known = ACTION_LABELS.get(code)
        if known is not None and known != label:
            raise ValueError(f"audit action {code!r} declared twice with different labels")
        ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


# Fields that never enter the audit trail in clear text.
SECRET_FIELDS = {"id_cipher", "id_hmac", "password", "bank_cipher", "bank_hmac", "key_hash"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (bytes, memoryview)):
        return "<binary>"
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited fields of a model instance as JSON-safe values (secrets left out)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {n: _jsonable(getattr(obj, n)) for n in names if n not in SECRET_FIELDS}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, on both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    *,
    actor: Any,  # the acting user (accounts.User) or None for the system
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    org_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if action not in ACTION_LABELS:
        raise UnregisteredAuditAction(f"audit action {action!r} is not declared in any app's audit_actions.py")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
        if org_id is None:
            org_id = getattr(obj, "org_id", None)
    label = ""
    if actor is not None:
        label = getattr(actor, "display_name", "") or str(actor)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=label[:100] or "系统",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label[:200],
        org_id_snapshot=org_id,
        before=before,
        after=after,
        ip=current_ip.get(),
    )
