"""Telling a user something: always an in-site message; SMS/WeChat only when a sender is configured.

Outside senders are classes named in settings.GONGHUI_NOTIFY_SENDERS (empty by default, so nothing leaves
the platform unless an operator turns it on). A failing sender never undoes the in-site message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Notification

log = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, *, user: Any, title: str, body: str, url: str) -> None: ...


class LogSender:
    """Writes what an SMS gateway would send to the log: a safe stand-in for trying the setting out."""

    def send(self, *, user: Any, title: str, body: str, url: str) -> None:
        mobile = getattr(user, "mobile", "")
        log.info("notify %s****%s: %s", mobile[:3], mobile[-4:], title)


@lru_cache(maxsize=1)
def _senders() -> tuple[Sender, ...]:
    return tuple(import_string(path)() for path in getattr(settings, "GONGHUI_NOTIFY_SENDERS", []))


def notify_many(users: Iterable[Any], *, title: str, body: str = "", url: str = "") -> int:
    """One in-site message per distinct user; returns how many were written."""
    distinct = {u.pk: u for u in users if u is not None}
    Notification.objects.bulk_create(
        [Notification(user_id=pk, title=title[:100], body=body, url=url[:200]) for pk in distinct]
    )
    for sender in _senders():
        for user in distinct.values():
            try:
                sender.send(user=user, title=title, body=body, url=url)
            except Exception:  # an SMS gateway being down must not cost the worker the in-site message
                log.exception("notification sender %s failed", type(sender).__name__)
    return len(distinct)
