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
from django.db import transaction
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
    senders = _senders()
    if senders:
        # only once the messages are committed: a rolled-back fan-out must not have sent any SMS
        transaction.on_commit(lambda: _send_outside(senders, list(distinct.values()), title, body, url))
    return len(distinct)


def _send_outside(senders: tuple[Sender, ...], users: list[Any], title: str, body: str, url: str) -> None:
    for sender in senders:
        for user in users:
            try:
                sender.send(user=user, title=title, body=body, url=url)
            except Exception:  # an SMS gateway being down must not cost the worker the in-site message
                log.exception("notification sender %s failed", type(sender).__name__)


def notifications_mark_read(*, user: Any, ids: Iterable[int]) -> int:
    """Opening the list is reading it. Not audited: it changes nothing but the reader's own unread mark."""
    from django.utils import timezone

    return Notification.objects.filter(user_id=user.pk, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def send_outside(*, recipient: Any, title: str, body: str = "", url: str = "") -> int:
    """A text for someone who may have no account yet (an activation code): only the outside senders,
    once the caller's transaction commits. `recipient` needs `.mobile`. Returns how many senders there
    are (0: nothing can reach the person)."""
    senders = _senders()
    if senders:
        transaction.on_commit(lambda: _send_outside(senders, [recipient], title, body, url))
    return len(senders)
