"""Every write to the org tree. Members and history are never deleted: merging moves members, closing
refuses while members remain, and both leave the org row in place with its status."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit, workflow
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.identity import region_code_known, validate_credit_code
from gonghui.core.text import tidy, tidy_text
from gonghui.orgs.selectors import get_org_for_user

from .merging import move_followers
from .models import ALLOWED_CHILD_KINDS, Industry, Org, OrgKind, OrgStatus

EDITABLE_FIELDS = [
    "name",
    "region_code",
    "credit_code",
    "industry",
    "address",
    "fulltime_cadres",
    "parttime_cadres",
    "funds_year",
    "funds_received",
    "funds_spent",
    "has_venue",
    "venue_name",
]


def _check_manage(actor: Any, org: Org) -> None:
    if actor is not None and not scope_for(actor).allows(Action.MANAGE_ORGS, org):
        raise NotFound("未找到该工会组织")


def _clean_fields(data: dict[str, Any], *, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        name = tidy_text(data["name"])  # shown as typed (全角括号 kept); the union search folds both sides
        if not name:
            raise DomainError("名称不能为空", field="name")
        if len(name) > 120:
            raise DomainError("名称不能超过120个字", field="name")
        out["name"] = name
    if "region_code" in data:
        code = tidy(data["region_code"])
        if code and not (len(code) == 6 and code.isdigit() and region_code_known(code)):
            raise DomainError("行政区划代码应为 GB/T 2260 中的6位代码", field="region_code")
        out["region_code"] = code
    if "credit_code" in data:
        raw = tidy(data["credit_code"])
        out["credit_code"] = validate_credit_code(raw) if raw else None
    if "industry" in data:
        industry = tidy(data["industry"])
        if industry and industry not in Industry.values:
            raise DomainError("行业不在可选范围内", field="industry")
        out["industry"] = industry
    if "address" in data:
        out["address"] = tidy_text(data["address"])[:200]
    for name in ("fulltime_cadres", "parttime_cadres"):
        if name in data:
            try:
                n = int(data[name] or 0)
            except (TypeError, ValueError):
                raise DomainError("干部人数应为整数", field=name) from None
            if n < 0 or n > 100000:
                raise DomainError("干部人数不合理", field=name)
            out[name] = n
    if "funds_year" in data:
        year = data["funds_year"]
        if year in (None, ""):
            out["funds_year"] = None
        else:
            try:
                out["funds_year"] = int(year)
            except (TypeError, ValueError):
                raise DomainError("经费年度应为四位年份", field="funds_year") from None
            if not 2000 <= out["funds_year"] <= 2100:
                raise DomainError("经费年度应为四位年份", field="funds_year")
    for name in ("funds_received", "funds_spent"):
        if name in data:
            try:
                amount = Decimal(str(data[name] or "0")).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise DomainError("金额应为数字，最多两位小数", field=name) from None
            if amount < 0 or amount >= Decimal("1e12"):
                raise DomainError("金额不能为负数或过大", field=name)
            out[name] = amount
    if "has_venue" in data:
        out["has_venue"] = bool(data["has_venue"])
    if "venue_name" in data:
        out["venue_name"] = tidy_text(data["venue_name"])[:120]
    if kind != OrgKind.GRASSROOTS and out.get("credit_code"):
        raise DomainError("只有基层工会填写统一社会信用代码", field="credit_code")
    return out


@transaction.atomic
def org_create(*, parent: Org | None, kind: str, name: str, code: str | None = None, actor: Any, **fields: Any) -> Org:
    if kind not in OrgKind.values:
        raise DomainError("组织层级类型不正确", field="kind")
    if parent is None:
        if actor is not None and not getattr(actor, "is_superuser", False):
            raise DomainError("只有系统管理员能建立顶层组织", field="parent")
    else:
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        _check_manage(actor, parent)
        if not parent.is_active:
            raise DomainError("上级组织已撤销或合并，不能在其下建立组织", field="parent")
        if kind not in ALLOWED_CHILD_KINDS[parent.kind]:
            raise DomainError(f"{OrgKind(parent.kind).label}下不能直接建立{OrgKind(kind).label}", field="kind")
    values = _clean_fields({"name": name, **fields}, kind=kind)
    code = tidy(code) if code else ""
    if code and Org.objects.filter(code=code).exists():
        raise DomainError(f"组织编码“{code}”已被使用", field="code")
    if values.get("credit_code") and Org.objects.filter(credit_code=values["credit_code"]).exists():
        holder = Org.objects.get(credit_code=values["credit_code"])
        raise DomainError(f"该统一社会信用代码已登记在“{holder.name}”", field="credit_code")
    org = Org(kind=kind, parent=parent, code=code or f"tmp-{timezone.now().timestamp()}", path="", **values)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise DomainError("组织编码或统一社会信用代码重复", field="code") from None
    if not code:
        org.code = f"U{org.pk:07d}"
    org.path = (parent.path if parent else "/") + f"{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["code", "path", "depth"])
    audit.record(actor=actor, action="org.create", obj=org, after=audit.snapshot(org))
    return org


def _itself(org: Org) -> Org:
    return org


# An org's status is a small workflow: 正常 → 已撤销 (close), 正常 → 已合并 (merge), both by who manages
# the org. Edits that keep the status (rename, figures, move) take the same lock and version check.
ORG_FLOW = workflow.Workflow(
    name="org",
    model=Org,
    states=OrgStatus,
    field="status",
    scope=scope_for,
    not_found="未找到该工会组织",
    wrong_state="该组织{state}，不能{step}",
    tones={OrgStatus.ACTIVE: "ok", OrgStatus.MERGED: "info", OrgStatus.CLOSED: "plain"},
    steps=[
        workflow.Step(
            "close",
            "撤销",
            sources={OrgStatus.ACTIVE},
            target=OrgStatus.CLOSED,
            action=Action.MANAGE_ORGS,
            org=_itself,
            audit="org.close",
            comment="required",
            comment_label="撤销原因",
            comment_field="reason",
            tone="danger",
        ),
        workflow.Step(
            "merge",
            "合并",
            sources={OrgStatus.ACTIVE},
            target=OrgStatus.MERGED,
            action=Action.MANAGE_ORGS,
            org=_itself,
            audit="org.merge",
        ),
    ],
)


def _locked(org_pk: int, version: int | None) -> Org:
    try:
        return workflow.lock(Org, org_pk, version=version)
    except NotFound:
        raise NotFound("未找到该工会组织") from None


@transaction.atomic
def org_update(*, org: Org, data: dict[str, Any], version: int | None = None, actor: Any) -> Org:
    """Rename, correct codes, update the 有人/有钱/有地方 figures."""
    locked = _locked(org.pk, version)
    _check_manage(actor, locked)
    values = _clean_fields({k: v for k, v in data.items() if k in EDITABLE_FIELDS}, kind=locked.kind)
    if values.get("credit_code") and Org.objects.filter(credit_code=values["credit_code"]).exclude(pk=org.pk).exists():
        holder = Org.objects.get(credit_code=values["credit_code"])
        raise DomainError(f"该统一社会信用代码已登记在“{holder.name}”", field="credit_code")
    before = audit.snapshot(locked, list(values))
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(locked, list(values)))
    audit.record(actor=actor, action="org.update", obj=locked, before=old, after=new)
    return locked


@transaction.atomic
def org_move(*, org: Org, new_parent: Org, actor: Any, version: int | None = None) -> Org:
    """Hang a union under another parent; its whole subtree moves with it."""
    locked = _locked(org.pk, version)
    target = Org.objects.select_for_update().get(pk=new_parent.pk)
    _check_manage(actor, locked)
    _check_manage(actor, target)
    if target.is_within(locked):
        raise DomainError("不能把组织移到它自己或它的下级之下", field="parent")
    if not target.is_active:
        raise DomainError("目标上级组织已撤销或合并", field="parent")
    if locked.kind not in ALLOWED_CHILD_KINDS[target.kind]:
        raise DomainError(f"{OrgKind(target.kind).label}下不能挂{OrgKind(locked.kind).label}", field="parent")
    old_path, old_parent = locked.path, locked.parent_id
    new_path = f"{target.path}{locked.pk}/"
    depth_change = target.depth + 1 - locked.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
        version=F("version") + 1,
    )
    Org.objects.filter(pk=locked.pk).update(parent=target)
    locked.refresh_from_db()
    audit.record(
        actor=actor,
        action="org.move",
        obj=locked,
        before={"parent_id": old_parent, "path": old_path},
        after={"parent_id": target.pk, "path": new_path},
    )
    return locked


@transaction.atomic
def org_merge(*, source: Org, target: Org, actor: Any, version: int | None = None) -> Org:
    """Fold `source` into `target`: child unions and every app's rows (`merging`) move, the source
    stays as 已合并."""
    if source.pk == target.pk:
        raise DomainError("不能把组织与自身合并", field="target")
    src = _locked(source.pk, version)
    dst = Org.objects.select_for_update().get(pk=target.pk)
    _check_manage(actor, src)
    _check_manage(actor, dst)
    if not (src.is_active and dst.is_active):
        raise DomainError("已撤销或已合并的组织不能再合并", field="target")
    if dst.is_within(src):
        raise DomainError("不能并入自己的下级组织", field="target")
    if src.kind != dst.kind:
        raise DomainError("只能合并同一层级类型的组织", field="target")
    moved = move_followers(source=src, target=dst, actor=actor)
    for child in Org.objects.filter(parent=src, status=OrgStatus.ACTIVE):
        org_move(org=child, new_parent=dst, actor=actor)
    src.refresh_from_db()
    # the children's moves bumped the source's version too: the step checks the state, not the form
    workflow.run(
        ORG_FLOW,
        src,
        step="merge",
        actor=actor,
        version=None,
        system=actor is None,  # the operator at the command line (actor None) passes the scope check
        values={"merged_into": dst, "closed_at": timezone.now()},
        audit_after={"merged_into": dst.pk, "moved": moved},
    )
    return dst


@transaction.atomic
def org_close(*, org: Org, reason: str, actor: Any, version: int | None = None) -> Org:
    """撤销: refused while members or active child unions remain, so nobody is left without a union."""
    reason = tidy_text(reason)
    locked = workflow.run(
        ORG_FLOW,
        org,
        step="close",
        actor=actor,
        version=version,
        system=actor is None,  # the operator at the command line (actor None) passes the scope check
        comment=reason,
        values={"closed_at": timezone.now(), "closed_reason": reason[:200]},
        audit_after={"reason": reason},
    )
    # checked on the locked row; a refusal rolls the step back with everything else
    if locked.members.filter(status="active").exists():
        raise DomainError("该工会还有在会会员，请先办理转会或合并后再撤销", field="status")
    if Org.objects.filter(parent=locked, status=OrgStatus.ACTIVE).exists():
        raise DomainError("该组织还有下级组织，请先移走或撤销下级组织", field="status")
    return locked


def org_get_for_manage(*, actor: Any, code: str) -> Org:
    return get_org_for_user(actor, Action.MANAGE_ORGS, code=code)
