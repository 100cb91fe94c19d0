from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .models import AuditEvent, Notification
from .pagination import Page, keyset_page

PAGE_SIZE = 50


@dataclass
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None
    error: str = ""


def audit_events(
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: str = "",
    until: str = "",
    before_id: str = "",
) -> AuditPage:
    """Newest first, keyset-paginated by id; filters by actor name or mobile, object and date range."""
    qs = AuditEvent.objects.all()
    error = ""
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__mobile=actor))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    for raw, lookup in ((since, "at__date__gte"), (until, "at__date__lte")):
        if raw:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(raw)})
            except ValueError:
                error = "日期格式应为 2026-11-27"
    if before_id.isdigit():
        qs = qs.filter(id__lt=int(before_id))
    events = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    next_before = events[PAGE_SIZE - 1].id if len(events) > PAGE_SIZE else None
    return AuditPage(events=events[:PAGE_SIZE], next_before=next_before, error=error)


def notifications_for(user: Any, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user_id=user.pk or 0)[:limit])


def notification_page(user: Any, *, cursor: str | None = None, size: int = 50) -> Page[Notification]:
    """The user's messages, newest first, one keyset page (a bad cursor: the first page with a message)."""
    return keyset_page(
        Notification.objects.filter(user_id=user.pk or 0),
        order=("-created_at", "-id"),
        namespace="core.notifications",
        cursor=cursor,
        size=size,
        strict=False,
    )


def unread_notifications(user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk or 0, read_at__isnull=True).count()
