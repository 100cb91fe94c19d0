"""A worker opens their own account: mobile + 身份证号 + a code sent to that mobile (ADR 0007).

Step one (`activation_request`) always answers the same, whether the ID number is on the platform,
the mobile is the one on record, or an account is already open: a code goes out only when everything
matches, and nothing in the answer, its wording or its flow says whether it did. Both steps are rate
limited per mobile and per address; wrong codes lock the mobile out like wrong passwords lock a login.
Step two (`activation_confirm`) checks the code and opens (or first-passwords) the account through
accounts' services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from gonghui.accounts.models import User
from gonghui.accounts.services import (
    code_check,
    code_issue,
    throttle_hit,
    throttle_wait,
    worker_account_activate,
)
from gonghui.accounts.services.codes import minutes
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.identity import clean_id_number, parse_id_number, validate_mobile
from gonghui.core.notify import send_outside

from ..choices import MemberStatus
from ..models import Member
from .identity import id_hmac

PURPOSE = "activate"
HOUR = dt.timedelta(hours=1)
SENT_MESSAGE = "如果您填写的手机号码和身份证号与工会会员档案一致，验证码已发送到该手机，请在下面输入。"


@dataclass(frozen=True)
class Recipient:
    mobile: str
    pk: None = None


@dataclass(frozen=True)
class ActivationTicket:
    """What step two needs from step one (kept in the visitor's session): no clear ID number."""

    mobile: str
    subject: str  # the ID number's blind index


def _lock_minutes() -> dt.timedelta:
    return dt.timedelta(minutes=settings.GONGHUI_ACTIVATION_LOCK_MINUTES)


def _refuse_if_throttled(mobile: str, ip: str | None, *, requesting: bool) -> None:
    checks = [(f"activate-fail:{mobile}", settings.GONGHUI_ACTIVATION_CODE_FAILURES, _lock_minutes())]
    if requesting:
        checks += [
            (f"activate-mobile:{mobile}", settings.GONGHUI_ACTIVATION_PER_MOBILE, HOUR),
            (f"activate-ip:{ip or 'unknown'}", settings.GONGHUI_ACTIVATION_PER_IP, HOUR),
        ]
    for key, limit, window in checks:
        wait = throttle_wait(key, limit=limit, window=window)
        if wait:
            raise DomainError(f"尝试次数过多，请{minutes(wait)}分钟后再试")


def _clean(mobile: str, id_number: str) -> tuple[str, str]:
    mobile = validate_mobile(mobile)
    number = clean_id_number(id_number or "")
    parse_id_number(number)  # a malformed number says so; a well-formed one tells nothing more
    return mobile, id_hmac(number)


def _eligible_member(mobile: str, subject: str) -> Member | None:
    """The member this mobile + ID number may activate, or None (for whatever reason: never told)."""
    member = Member.objects.select_related("org").filter(id_hmac=subject).first()
    if member is None or member.status != MemberStatus.ACTIVE or member.mobile != mobile:
        return None
    holder = User.objects.filter(mobile=mobile).first()
    linked = User.objects.filter(member_id=member.pk).first()
    if linked is not None:
        # made in bulk and never activated: fine; activated, disabled, or on another mobile: no
        if linked.has_usable_password() or not linked.is_active or linked.mobile != mobile:
            return None
        return member
    if holder is not None:  # the mobile is another account's login
        return None
    return member


@transaction.atomic
def activation_request(*, mobile: str, id_number: str, ip: str | None) -> ActivationTicket:
    """Step one. Raises DomainError only for malformed input or too many tries; otherwise returns the
    same ticket whatever the platform holds, having sent a code only when the person may activate."""
    mobile, subject = _clean(mobile, id_number)
    _refuse_if_throttled(mobile, ip, requesting=True)
    throttle_hit(f"activate-mobile:{mobile}", window=HOUR)
    throttle_hit(f"activate-ip:{ip or 'unknown'}", window=HOUR)
    member = _eligible_member(mobile, subject)
    if member is not None:
        ttl = settings.GONGHUI_ACTIVATION_CODE_MINUTES
        code = code_issue(purpose=PURPOSE, mobile=mobile, subject=subject, ttl=dt.timedelta(minutes=ttl))
        send_outside(
            recipient=Recipient(mobile),
            title="工会账号激活验证码",
            body=f"您的工会账号激活验证码是 {code}，{ttl}分钟内有效。请勿告诉任何人，工会不会向您索要验证码。",
        )
        audit.record(actor=None, action="member.activation_code", obj=member, after={"mobile": mobile})
    return ActivationTicket(mobile=mobile, subject=subject)


def activation_confirm(*, ticket: ActivationTicket, code: str, password: str, ip: str | None) -> User:
    """Step two: the right code opens the account with the worker's own password. A wrong code (or none
    sent) answers the same; after GONGHUI_ACTIVATION_CODE_FAILURES wrong tries the mobile is locked.

    Not one transaction on purpose: a wrong try must stay counted although the call raises; a refused
    password rolls the code's use back, so the worker may try another password with the same code."""
    _refuse_if_throttled(ticket.mobile, ip, requesting=False)
    code = (code or "").strip()
    if not code.isdigit() or len(code) != 6:
        raise DomainError("验证码应为6位数字", field="code")
    with transaction.atomic():
        ok = code_check(
            purpose=PURPOSE,
            mobile=ticket.mobile,
            subject=ticket.subject,
            code=code,
            max_failures=settings.GONGHUI_ACTIVATION_CODE_FAILURES,
        )
        if ok:
            member = _eligible_member(ticket.mobile, ticket.subject)
            if member is None:  # something changed since the code was sent
                raise DomainError("无法激活该账号，请联系所在工会", field="code")
            return worker_account_activate(member=member, mobile=ticket.mobile, password=password)
    failures = throttle_hit(f"activate-fail:{ticket.mobile}", window=_lock_minutes())
    left = settings.GONGHUI_ACTIVATION_CODE_FAILURES - failures
    if left <= 0:
        raise DomainError(
            f"验证码错误次数过多，请{settings.GONGHUI_ACTIVATION_LOCK_MINUTES}分钟后重新获取验证码", field="code"
        )
    raise DomainError(f"验证码不正确或已过期（还可尝试{left}次）", field="code")
