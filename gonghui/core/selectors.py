from __future__ import annotations

from typing import Any

from .models import AuditEvent, Notification
from .pagination import Page, keyset_page


def object_history(*, object_type: str, object_id: str | int, limit: int = 20) -> list[AuditEvent]:
    """The newest audit events of one object, for a page that already proved the viewer may see that
    object (an org's detail page, say). The audit page itself reads through home.selectors, scoped."""
    return list(AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-id")[:limit])


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
