"""The demo's stand-in SMS gateway: what would go to a phone is kept in a table and shown on
/accounts/outbox/, so activation can be tried without a gateway. Turned on by GONGHUI_DEMO_OUTBOX
(default only for `make run`'s embedded database); never in production."""

from __future__ import annotations

from typing import Any

from .models import OutboxMessage


class OutboxSender:
    def send(self, *, user: Any, title: str, body: str, url: str) -> None:
        mobile = getattr(user, "mobile", "") or ""
        if mobile:
            OutboxMessage.objects.create(mobile=mobile[:11], title=title[:100], body=body)
