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


# --- reading the trail: what kind of record an id in before/after points to -------------------------

# Keys that hold the id of an org, an account or a member although the audited model has no such field
# (values a service wrote by hand: `after={"to_org": ..., "user_id": ...}`).
_REFERENCE_KEYS = {
    "org_id": "org",
    "parent_id": "org",
    "from_org": "org",
    "from_org_id": "org",
    "to_org": "org",
    "to_org_id": "org",
    "merged_into": "org",
    "merged_into_id": "org",
    "user_id": "user",
    "actor_id": "user",
    "member_id": "member",
}
_KIND_OF_MODEL = {"orgs.org": "org", "members.member": "member"}


def reference_kind(object_type: str, key: str) -> str | None:
    """ "org", "user" or "member" when `key` of an event on `object_type` holds such an id, else None.

    A foreign key of the audited model says so itself (`decided_by_id` → user); a few hand-written keys
    are listed above. Models are looked up by label, so core names no app.
    """
    from django.apps import apps
    from django.conf import settings
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    if model is not None:
        try:
            field = model._meta.get_field(key[:-3] if key.endswith("_id") else key)
        except FieldDoesNotExist:
            field = None
        related = getattr(field, "related_model", None) if field is not None and field.many_to_one else None
        if related is not None and not isinstance(related, str):
            label = related._meta.label_lower
            if label == settings.AUTH_USER_MODEL.lower():
                return "user"
            if label in _KIND_OF_MODEL:
                return _KIND_OF_MODEL[label]
            return None
    return _REFERENCE_KEYS.get(key)


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


# Models that are themselves the org of their events (an event on a union belongs to that union's
# trail). Named by label: core imports no app.
TREE_MODELS = {"orgs.org"}


def _org_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower in TREE_MODELS:
        return obj.pk
    return getattr(obj, "org_id", None)


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
            org_id = _org_of(obj)
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
