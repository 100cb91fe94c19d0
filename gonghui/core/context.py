"""Per-request facts (client IP) that audit events need, without threading `request` through services."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
