"""A demand comes in: from a worker's phone, or entered by a cadre who heard it in person."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.form_tokens import form_token_claim
from gonghui.core.text import keep_typed, name_problem, normalize, tidy_name, tidy_text
from gonghui.orgs.models import Org

from ..choices import DemandCategory, DemandKind, DemandSource
from ..limits import DEMAND_TEXT, ENTER_TOKEN, SPEAKER_NAME, SUBMIT_TOKEN
from ..models import Demand, DemandAttachment

MAX_TEXT_CHARS = DEMAND_TEXT.max
MIN_TEXT_CHARS = DEMAND_TEXT.min
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Older dates are typing mistakes (0026 for 2026), not surveys: they would break the trend and the
# days-to-answer figures.
EARLIEST_DATE = dt.date(2000, 1, 1)
# A second identical submission this soon after the first is a double tap, not a new demand.
REPEAT_WINDOW = dt.timedelta(minutes=10)

# Attachments are judged by their first bytes, not by the name or the browser's word.
_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"%PDF-": ("application/pdf", ".pdf"),
}
_TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def new_tracking_no(today: dt.date | None = None) -> str:
    day = (today or timezone.localdate()).strftime("%y%m%d")
    return "SQ" + day + "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(6))


def clean_text(text: object) -> str:
    """The demand's original, kept as typed (full-width punctuation, line breaks, traditional characters):
    only invisible characters and the surrounding whitespace go. The analysed copy is `normalize`'s."""
    return DEMAND_TEXT.check(keep_typed(text), field="text")


def clean_speaker(name: object) -> str:
    """A speaker's name as a cadre typed it: no emoji or symbols, within the field's length."""
    problem = name_problem(name, label="反映人姓名")
    if problem:
        raise DomainError(problem, field="speaker_name")
    return SPEAKER_NAME.check(tidy_name(name), field="speaker_name")


def _choice(value: str, choices: type[Any], field: str, label: str, *, blank_ok: bool) -> str:
    if not value and blank_ok:
        return ""
    if value not in choices.values:
        raise DomainError(f"{label}不在可选范围内", field=field)
    return value


def _check_uploads(uploads: list[Upload]) -> list[tuple[Upload, str, str]]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(f"最多上传 {MAX_ATTACHMENTS} 个附件", field="attachments")
    checked = []
    for up in uploads:
        if len(up.content) > MAX_ATTACHMENT_BYTES:
            raise DomainError(f"附件“{tidy_text(up.name)[:40]}”超过 5 MB", field="attachments")
        kind = next((v for sig, v in _SIGNATURES.items() if up.content.startswith(sig)), None)
        if kind is None:
            raise DomainError(f"附件“{tidy_text(up.name)[:40]}”不是图片（JPG/PNG）或 PDF", field="attachments")
        checked.append((up, *kind))
    return checked


def _save_attachments(demand: Demand, checked: list[tuple[Upload, str, str]]) -> None:
    for index, (up, content_type, suffix) in enumerate(checked, start=1):
        att = DemandAttachment(
            demand=demand,
            name=tidy_text(up.name)[:120] or f"附件{index}",
            size=len(up.content),
            content_type=content_type,
        )
        # stored under a name we make: the worker's file name never becomes a path
        att.file.save(f"{demand.tracking_no}-{index}{suffix}", ContentFile(up.content), save=False)
        att.save()


def _create(**fields: Any) -> Demand:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Demand.objects.create(tracking_no=new_tracking_no(), **fields)
        except IntegrityError:  # a tracking number drawn twice: draw again
            continue
    raise DomainError("系统繁忙，请稍后再提交")


@transaction.atomic
def demand_submit(
    *,
    user: Any,
    text: str,
    kind: str = DemandKind.DEMAND,
    category: str = "",
    is_anonymous: bool = False,
    attachments: list[Upload] | None = None,
    form_token: str = "",
) -> Demand:
    """A worker's own demand, filed with the union that holds their membership. The same form sent twice
    (its `form_token`), or the same words again within minutes, gives back the demand filed first."""
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    if member is None or member.org is None:
        raise DomainError("您的账号还没有关联会员档案，请先申请入会，或请所在工会干部代为登记", field="text")
    clean = clean_text(text)
    kind = _choice(kind, DemandKind, "kind", "类型", blank_ok=False)
    category = _choice(category, DemandCategory, "category", "分类", blank_ok=True)
    checked = _check_uploads(attachments or [])
    normalized = normalize(clean)
    # one submission at a time per account: two taps racing each other see one another's demand
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    claim = form_token_claim(token=form_token, purpose=SUBMIT_TOKEN, user=user)
    if claim.earlier_id is not None:
        return Demand.objects.get(pk=claim.earlier_id)
    recent = (
        Demand.objects.filter(
            submitter=user, text_normalized=normalized, created_at__gte=timezone.now() - REPEAT_WINDOW
        )
        .order_by("-id")
        .first()
    )
    if recent is not None:
        claim.done(recent)
        return recent
    demand = _create(
        org=member.org,
        kind=kind,
        category=category,
        source=DemandSource.SELF,
        text=clean,
        text_normalized=normalized,
        submitter=user,
        member=member,
        is_anonymous=is_anonymous,
        submitted_on=timezone.localdate(),
    )
    _save_attachments(demand, checked)
    claim.done(demand)
    audit.record(actor=user, action="demand.submit", obj=demand, after=_audit_view(demand))
    return demand


@transaction.atomic
def demand_enter(
    *,
    actor: Any,
    org: Org,
    text: str,
    source: str,
    kind: str = DemandKind.DEMAND,
    category: str = "",
    speaker_name: str = "",
    is_anonymous: bool = False,
    submitted_on: dt.date | None = None,
    form_token: str = "",
) -> Demand:
    """A cadre records what a worker said at a visit, on the hotline or in a meeting. The same form sent
    twice (its `form_token`), or the same words from the same speaker again within minutes (browser back
    then 保存: the page is not cached, so it comes back with a new token), gives back the first demand."""
    if not scope_for(actor).allows(Action.VOICE, org):
        raise NotFound("未找到该工会组织")
    if not org.is_active:
        raise DomainError("该工会已撤销或合并，不能再登记诉求", field="org")
    source = _choice(source, DemandSource, "source", "来源", blank_ok=False)
    if source == DemandSource.SELF:
        raise DomainError("干部代录的诉求请选择走访、热线、座谈会等来源", field="source")
    today = timezone.localdate()
    when = submitted_on or today
    if when > today:
        raise DomainError("反映日期不能晚于今天", field="submitted_on")
    if when < EARLIEST_DATE:
        raise DomainError("反映日期太早，请检查（不能早于 2000 年）", field="submitted_on")
    clean = clean_text(text)
    kind = _choice(kind, DemandKind, "kind", "类型", blank_ok=False)
    category = _choice(category, DemandCategory, "category", "分类", blank_ok=True)
    speaker = "" if is_anonymous else clean_speaker(speaker_name)
    # the same form posted twice at once: the second claim waits on the token's unique key, then finds its twin
    claim = form_token_claim(token=form_token, purpose=ENTER_TOKEN, user=actor)
    if claim.earlier_id is not None:
        return Demand.objects.get(pk=claim.earlier_id)
    normalized = normalize(clean)
    # one entry at a time per cadre, so a resubmission racing its original sees it
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    recent = (
        Demand.objects.filter(
            entered_by=actor,
            org=org,
            source=source,
            speaker_name=speaker,
            submitted_on=when,
            text_normalized=normalized,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-id")
        .first()
    )
    if recent is not None:
        claim.done(recent)
        return recent
    demand = _create(
        org=org,
        kind=kind,
        category=category,
        source=source,
        text=clean,
        text_normalized=normalized,
        speaker_name=speaker,
        is_anonymous=is_anonymous,
        entered_by=actor,
        submitted_on=when,
    )
    claim.done(demand)
    audit.record(actor=actor, action="demand.enter", obj=demand, after=_audit_view(demand))
    return demand


def _audit_view(demand: Demand) -> dict[str, Any]:
    # what was filed, not what was said: the worker's words stay out of the append-only trail (an
    # anonymous demand would otherwise sit there beside its author's name)
    return audit.snapshot(demand, ["tracking_no", "org_id", "kind", "category", "source", "is_anonymous"]) | {
        "chars": len(demand.text)
    }
