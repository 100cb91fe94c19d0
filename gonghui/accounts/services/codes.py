"""Rate limits and one-time codes, counted in the database so every web worker shares the count.

`throttle_*` keep a fixed-window counter per key; `code_issue` / `code_check` make and check a short
numeric code bound to a mobile number and a subject (the ID number's blind index for activation). Codes
are stored as a keyed hash only. None of this is audited: the callers audit the writes that matter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import OneTimeCode, Throttle


def throttle_wait(key: str, *, limit: int, window: dt.timedelta) -> int:
    """Seconds until `key` may try again (0: it may now)."""
    row = Throttle.objects.filter(key=key[:120]).first()
    if row is None:
        return 0
    now = timezone.now()
    ends = row.window_start + window
    if ends <= now or row.hits < limit:
        return 0
    return max(1, int((ends - now).total_seconds()))


def throttle_hit(key: str, *, window: dt.timedelta) -> int:
    """Count one attempt under `key`; returns the count in the current window."""
    key = key[:120]
    now = timezone.now()
    with transaction.atomic():
        row, created = Throttle.objects.select_for_update().get_or_create(
            key=key, defaults={"window_start": now, "hits": 1}
        )
        if created:
            return 1
        if row.window_start + window <= now:
            Throttle.objects.filter(pk=row.pk).update(window_start=now, hits=1)
            return 1
        Throttle.objects.filter(pk=row.pk).update(hits=F("hits") + 1)
        return row.hits + 1


def throttle_clear(key: str) -> None:
    Throttle.objects.filter(key=key[:120]).delete()


def minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def _code_hash(purpose: str, mobile: str, subject: str, code: str) -> str:
    message = f"{purpose}|{mobile}|{subject}|{code}".encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def code_issue(*, purpose: str, mobile: str, subject: str, ttl: dt.timedelta) -> str:
    """A fresh 6-digit code; earlier unused codes of the same purpose and mobile stop working."""
    now = timezone.now()
    OneTimeCode.objects.filter(purpose=purpose, mobile=mobile, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(
        purpose=purpose,
        mobile=mobile,
        subject=subject,
        code_hash=_code_hash(purpose, mobile, subject, code),
        expires_at=now + ttl,
    )
    return code


def code_check(*, purpose: str, mobile: str, subject: str, code: str, max_failures: int) -> bool:
    """True once for the right code (it is then used up). A wrong code counts against the live one; after
    `max_failures` wrong tries the code is dead."""
    now = timezone.now()
    with transaction.atomic():
        live = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, mobile=mobile, used_at__isnull=True, expires_at__gt=now)
            .order_by("-id")
            .first()
        )
        if live is None:
            return False
        wanted = _code_hash(purpose, mobile, subject, (code or "").strip()[:12])
        if hmac.compare_digest(live.code_hash, wanted) and live.failures < max_failures:
            OneTimeCode.objects.filter(pk=live.pk).update(used_at=now)
            return True
        failures = live.failures + 1
        OneTimeCode.objects.filter(pk=live.pk).update(
            failures=failures, used_at=now if failures >= max_failures else None
        )
        return False
