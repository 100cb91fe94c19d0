"""Member records: create, edit, leave, rejoin, reveal an ID number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.crypto import decrypt
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.identity import validate_mobile
from gonghui.core.text import tidy, tidy_name
from gonghui.orgs.models import Org

from ..choices import ETHNIC_GROUPS, Education, EventKind, MemberStatus, PoliticalStatus
from ..models import Member, MembershipEvent
from .identity import SealedId, id_hmac, mask_org_name, name_initials, seal_id_number

PROFILE_FIELDS = [
    "name",
    "mobile",
    "ethnicity",
    "education",
    "political_status",
    "employer",
    "joined_on",
    "is_migrant_worker",
    "is_new_employment",
]


# label → value and the allowed values, built once: Django rebuilds `.choices` on every access, which a
# 200,000-row import feels.
_CHOICE_LOOKUP: dict[str, tuple[str, dict[str, str], frozenset[str]]] = {
    field: (
        field_label,
        {str(label): str(key) for key, label in choices.choices},
        frozenset(str(v) for v in choices.values),
    )
    for field, field_label, choices in (
        ("education", "学历", Education),
        ("political_status", "政治面貌", PoliticalStatus),
    )
}


def clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable member fields; every error names its field."""
    out: dict[str, Any] = {}
    if "name" in data:
        name = tidy_name(data["name"])
        if not name:
            raise DomainError("姓名不能为空", field="name")
        if len(name) > 50:
            raise DomainError("姓名不能超过50个字", field="name")
        if any(ch in name for ch in "<>{}\\/@#$%^&*=+|;\"'"):
            raise DomainError("姓名含有不允许的符号", field="name")
        out["name"] = name
    if "mobile" in data:
        raw = tidy(data["mobile"])
        out["mobile"] = validate_mobile(raw) if raw else ""
    if "ethnicity" in data:
        eth = tidy(data["ethnicity"])
        if eth and not eth.endswith("族") and eth + "族" in ETHNIC_GROUPS:
            eth += "族"
        if eth and eth not in ETHNIC_GROUPS:
            raise DomainError(f"民族“{eth[:10]}”不在56个民族名称中", field="ethnicity")
        out["ethnicity"] = eth
    for field, (field_label, by_label, values) in _CHOICE_LOOKUP.items():
        if field in data:
            value = tidy(data[field])
            value = by_label.get(value, value)
            if value and value not in values:
                raise DomainError(f"{field_label}“{value[:10]}”不在可选范围内", field=field)
            out[field] = value
    if "employer" in data:
        out["employer"] = tidy(data["employer"])[:120]
    if "joined_on" in data:
        value = data["joined_on"]
        if value in (None, ""):
            out["joined_on"] = None
        elif isinstance(value, dt.date):
            if value > dt.date.today():
                raise DomainError("入会时间不能晚于今天", field="joined_on")
            out["joined_on"] = value
        else:
            from gonghui.core.dates import parse_date

            try:
                parsed = parse_date(value)
            except ValueError as exc:
                raise DomainError(str(exc), field="joined_on") from None
            if parsed and parsed > dt.date.today():
                raise DomainError("入会时间不能晚于今天", field="joined_on")
            out["joined_on"] = parsed
    for flag in ("is_migrant_worker", "is_new_employment"):
        if flag in data:
            out[flag] = bool(data[flag])
    return out


def duplicate_message(existing: Member, actor: Any) -> str:
    """Say which union holds the person; masked when the asker may not see that union."""
    org = existing.org
    visible = actor is None or scope_for(actor).allows(Action.VIEW, org)
    where = org.name if visible else mask_org_name(org.name)
    state = "" if existing.status == MemberStatus.ACTIVE else f"（{existing.get_status_display()}）"
    return f"该身份证号已登记为会员，所在工会：{where}{state}；一人只能有一份会员档案"


def _check_org_holds_members(org: Org) -> None:
    if not org.holds_members:
        raise DomainError("会员只能登记在基层工会或工会小组", field="org")
    if not org.is_active:
        raise DomainError("该工会已撤销或合并，不能登记会员", field="org")


@transaction.atomic
def member_create(
    *,
    org: Org,
    id_number: str,
    actor: Any,
    sex: str | None = None,
    event_kind: str = EventKind.JOINED,
    sealed: SealedId | None = None,
    **profile: Any,
) -> Member:
    if actor is not None and not scope_for(actor).allows(Action.EDIT, org):
        raise NotFound("未找到该工会组织")
    _check_org_holds_members(org)
    sealed = sealed or seal_id_number(id_number, declared_sex=sex)
    values = clean_profile({"name": profile.pop("name", ""), **profile})
    existing = Member.objects.select_related("org").filter(id_hmac=sealed.hmac).first()
    if existing is not None:
        raise Conflict(duplicate_message(existing, actor), field="id_number")
    member = Member(
        org=org,
        id_cipher=sealed.cipher,
        id_hmac=sealed.hmac,
        id_masked=sealed.masked,
        birth_date=sealed.info.birth_date,
        sex=sealed.info.sex,
        name_initials=name_initials(values["name"]),
        **values,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent request created the same person a moment ago
        raise Conflict("该身份证号刚刚已被登记为会员，请刷新后查看", field="id_number") from None
    MembershipEvent.objects.create(member=member, kind=event_kind, to_org=org, actor=actor)
    audit.record(actor=actor, action="member.create", obj=member, after=audit.snapshot(member))
    return member


@transaction.atomic
def member_update(*, member: Member, data: dict[str, Any], version: int, actor: Any) -> Member:
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if actor is not None and not scope_for(actor).allows(Action.EDIT, locked.org):
        raise NotFound("未找到该会员")
    if locked.version != version:
        raise StaleVersion()
    values = clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    before = audit.snapshot(locked, list(values))
    for key, value in values.items():
        setattr(locked, key, value)
    if "name" in values:
        locked.name_initials = name_initials(values["name"])
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(locked, list(values)))
    if new:
        audit.record(actor=actor, action="member.update", obj=locked, before=old, after=new)
    return locked


@transaction.atomic
def member_update_own_contact(*, member: Member, mobile: str, actor: Any) -> Member:
    """A worker keeps their own mobile number current (the rest is kept by their union)."""
    if actor.member_id != member.pk:
        raise NotFound("未找到该会员")
    locked = Member.objects.select_for_update().get(pk=member.pk)
    values = clean_profile({"mobile": mobile})
    before = audit.snapshot(locked, ["mobile"])
    locked.mobile = values["mobile"]
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit.record(
        actor=actor, action="member.update_own", obj=locked, before=before, after=audit.snapshot(locked, ["mobile"])
    )
    return locked


def member_reveal_id(*, member: Member, actor: Any) -> str:
    """The full ID number, for someone holding the reveal right; every reveal is audited."""
    own = getattr(actor, "member_id", None) == member.pk
    if not own and not scope_for(actor).allows(Action.REVEAL, member.org):
        raise NotFound("未找到该会员")
    with transaction.atomic():
        audit.record(actor=actor, action="member.reveal_id", obj=member)
    return decrypt(member.id_cipher, context=b"id_number")


def member_find_by_id_number(*, id_number: str, actor: Any) -> Member:
    """Exact lookup through the blind index, inside the actor's scope."""
    from gonghui.core.identity import clean_id_number
    from gonghui.members.selectors import members_for

    hmac = id_hmac(clean_id_number(id_number))
    member = members_for(actor, Action.VIEW).filter(id_hmac=hmac).select_related("org").first()
    if member is None:
        raise NotFound("未找到该会员")
    return member


@transaction.atomic
def member_leave(
    *, member: Member, reason: str, version: int | None, actor: Any, transferred_out: bool = False
) -> Member:
    """退会, or 转出 when the member moves to a union outside this platform (another province, say):
    either way the record stays, with its history, and `member_rejoin` can bring the person back."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if not scope_for(actor).allows(Action.APPROVE, locked.org) and actor.member_id != locked.pk:
        raise NotFound("未找到该会员")
    if version is not None and locked.version != version:
        raise StaleVersion()
    what = "转出" if transferred_out else "退会"
    reason = tidy(reason)
    if not reason:
        raise DomainError("请填写转出去向（转入哪个工会）" if transferred_out else "请填写退会原因", field="reason")
    if locked.status != MemberStatus.ACTIVE:
        raise DomainError(f"该会员当前不在会，不能办理{what}", field="status")
    new_status = MemberStatus.TRANSFERRED if transferred_out else MemberStatus.LEFT
    locked.status = new_status
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    MembershipEvent.objects.create(
        member=locked,
        kind=EventKind.TRANSFERRED if transferred_out else EventKind.LEFT,
        from_org=locked.org,
        reason=reason[:200],
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="member.transfer_out" if transferred_out else "member.leave",
        obj=locked,
        before={"status": "active"},
        after={"status": str(new_status), "reason": reason},
    )
    return locked


@transaction.atomic
def member_rejoin(*, member: Member, org: Org, actor: Any) -> Member:
    """A person who left comes back, possibly to another union: same record, history kept."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if not scope_for(actor).allows(Action.APPROVE, org):
        raise NotFound("未找到该工会组织")
    _check_org_holds_members(org)
    if locked.status == MemberStatus.ACTIVE:
        raise DomainError("该会员已在会", field="status")
    before = {"status": locked.status, "org_id": locked.org_id}
    locked.status = MemberStatus.ACTIVE
    locked.org = org
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    MembershipEvent.objects.create(member=locked, kind=EventKind.REJOINED, to_org=org, actor=actor)
    audit.record(
        actor=actor, action="member.rejoin", obj=locked, before=before, after={"status": "active", "org_id": org.pk}
    )
    return locked


def members_move_after_merge(*, source: Org, target: Org, actor: Any) -> int:
    """Called by org_merge inside its transaction: every member record follows the union."""
    ids = list(Member.objects.filter(org=source).values_list("pk", flat=True))
    if ids:
        Member.objects.filter(pk__in=ids).update(org=target, version=F("version") + 1)
        MembershipEvent.objects.bulk_create(
            [
                MembershipEvent(member_id=pk, kind=EventKind.ORG_MERGED, from_org=source, to_org=target, actor=actor)
                for pk in ids
            ],
            batch_size=2000,
        )
    return len(ids)
