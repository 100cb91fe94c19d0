"""Member records: create, edit, leave, rejoin, reveal an ID number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.crypto import decrypt
from gonghui.core.db import lock, model_update
from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.identity import validate_mobile
from gonghui.core.text import name_problem, tidy, tidy_name, tidy_text
from gonghui.orgs.models import Org

from ..choices import (
    EDUCATION_ALIASES,
    EDUCATION_AMBIGUOUS,
    EMPLOYER_LIMIT,
    ETHNIC_GROUPS,
    LEGACY_EDUCATION,
    LEGACY_POLITICAL,
    NAME_LIMIT,
    POLITICAL_ALIASES,
    POLITICAL_AMBIGUOUS,
    Education,
    EventKind,
    MemberStatus,
    PoliticalStatus,
    allowed_words,
)
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


# value, label and roster word → value, and the allowed list, built once: Django rebuilds `.choices` on
# every access, which a 200,000-row import feels.
_CHOICE_LOOKUP: dict[str, tuple[str, dict[str, str], dict[str, str], str]] = {
    field: (
        field_label,
        {
            **{str(key): str(key) for key in choices.values},
            **{str(label): str(key) for key, label in choices.choices},
            **{word: str(key) for word, key in aliases.items()},
        },
        ambiguous,
        allowed_words(choices, legacy),
    )
    for field, field_label, choices, aliases, ambiguous, legacy in (
        ("education", "学历", Education, EDUCATION_ALIASES, EDUCATION_AMBIGUOUS, LEGACY_EDUCATION),
        (
            "political_status",
            "政治面貌",
            PoliticalStatus,
            POLITICAL_ALIASES,
            POLITICAL_AMBIGUOUS,
            LEGACY_POLITICAL,
        ),
    )
}
_CHOICE_HINTS = {"education": "如本科、大专、硕士", "political_status": "如党员、团员、民革、无党派"}


def choice_value(field: str, raw: object) -> str:
    """A 学历 or 政治面貌 as a code, label or roster word → its code ("" when blank). Never a neighbour:
    a word that names no single value is refused with what may be written instead."""
    field_label, by_word, ambiguous, allowed = _CHOICE_LOOKUP[field]
    value = tidy(raw)
    if not value:
        return ""
    code = by_word.get(value) or by_word.get(value.replace(" ", ""))
    if code is not None:
        return code
    reason = ambiguous.get(value)
    if reason is not None:
        raise DomainError(f"{field_label}{reason}；可填写：{allowed}", field=field)
    raise DomainError(
        f"{field_label}“{value[:20]}”不在可选范围内；可填写：{allowed}（也可写常用简称，{_CHOICE_HINTS[field]}）",
        field=field,
    )


def clean_name(raw: object) -> str:
    name = tidy_name(raw)
    if not name:
        raise DomainError("姓名不能为空", field="name")
    problem = name_problem(name)
    if problem:
        # the character as it was typed (“（”, not the folded “(”), when the typed form trips on the same one
        typed = name_problem(tidy_text(raw))
        raise DomainError(typed if typed and tidy(typed) == problem else problem, field="name")
    return NAME_LIMIT.check(name, field="name")


def clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable member fields; every error names its field."""
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = clean_name(data["name"])
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
    for field in _CHOICE_LOOKUP:
        if field in data:
            out[field] = choice_value(field, data[field])
    if "employer" in data:
        out["employer"] = EMPLOYER_LIMIT.check(tidy_text(data["employer"]), field="employer")
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


class MemberProblems(DomainError):
    """Everything wrong with one member typed in, by field (a form shows each beside its field)."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        first_field = next(iter(problems), None)
        super().__init__("；".join(m for ms in problems.values() for m in ms), field=first_field)


def member_register(*, org: Org, values: dict[str, Any], actor: Any) -> Member:
    """A cadre adds one member by hand (a form, the API): the roster import's row rules check the values
    (one rule set: 政治面貌 and 学历 words, 性别 and 出生日期 against the ID number, dates, flags), then
    `member_create` writes and audits it. Every problem at once, as MemberProblems."""
    from gonghui.members.imports.rows import clean_member

    if actor is not None and not scope_for(actor).allows(Action.EDIT, org):
        raise NotFound("未找到该工会组织")
    _check_org_holds_members(org)
    clean, problems = clean_member(values)
    if clean is None:
        raise MemberProblems(problems or {"id_number": ["身份证号不正确"]})
    return member_create(org=org, id_number="", sealed=clean.sealed, actor=actor, **clean.profile)


@transaction.atomic
def member_update(*, member: Member, data: dict[str, Any], version: int, actor: Any) -> Member:
    """Edit a member's profile. Only the fields that changed are written; the version goes up, and an
    audit event (before/after of those fields) is written, only when something changed — saving an
    unchanged form writes nothing, so the same form can still be saved afterwards."""
    locked = lock(Member, member.pk, message="未找到该会员")
    if actor is not None and not scope_for(actor).allows(Action.EDIT, locked.org):
        raise NotFound("未找到该会员")
    if locked.version != version:
        raise StaleVersion()
    values = clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    if "name" in values and values["name"] != locked.name:
        values["name_initials"] = name_initials(values["name"])  # derived from the name: not audited
    result = model_update(instance=locked, fields=[*PROFILE_FIELDS, "name_initials"], data=values, bump="version")
    if result.changed:
        old = {k: v for k, v in result.before.items() if k != "name_initials"}
        new = {k: v for k, v in result.after.items() if k != "name_initials"}
        audit.record(actor=actor, action="member.update", obj=locked, before=old, after=new)
    return locked


def mobile_is_another_login(mobile: str, actor: Any) -> bool:
    """True when `mobile` is the login of an account other than the actor's."""
    from django.contrib.auth import get_user_model

    others = get_user_model().objects.filter(mobile=mobile)
    if getattr(actor, "pk", None) is not None:
        others = others.exclude(pk=actor.pk)
    return others.exists()


@transaction.atomic
def member_update_own_contact(*, member: Member, mobile: str, actor: Any) -> Member:
    """A worker keeps their own contact mobile current (the rest is kept by their union). This is the
    record's 联系电话, not the account's login: changing it leaves the login as it is. A number that is
    another account's login is refused (it would send this member's notices to someone else)."""
    if actor.member_id != member.pk:
        raise NotFound("未找到该会员")
    locked = Member.objects.select_for_update().get(pk=member.pk)
    values = clean_profile({"mobile": mobile})
    if values["mobile"] and mobile_is_another_login(values["mobile"], actor):
        raise DomainError(
            "该手机号码是另一个账号的登录手机号，不能填作您的联系电话；如确是您本人的号码，请联系所在工会核实",
            field="mobile",
        )
    before = audit.snapshot(locked, ["mobile"])
    if before["mobile"] == values["mobile"]:
        return locked  # nothing changed: nothing written, nothing audited
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
    reason = tidy_text(reason)
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
