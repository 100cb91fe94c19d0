"""Reading the audit trail: scoped to the viewer's subtree, filtered, one keyset page, names not ids.

Who sees which event (ADR 0002, addendum "the audit trail"):
- an event with an org (`org_id_snapshot`) — to whoever holds Action.AUDIT at that org or above it;
- an event without an org (account actions, tokens, ...) — to an auditor at a top of the tree; and,
  below the top, an event about an account (object types accounts.user / accounts.apitoken) to an
  auditor of a subtree where that account holds a role or its member record lies.
Nothing else: a county auditor never reads the city's or another county's trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from gonghui.accounts.models import ApiToken, RoleAssignment, User
from gonghui.accounts.scope import Action, Scope, scope_for
from gonghui.core import audit
from gonghui.core.errors import NotFound
from gonghui.core.models import AuditEvent
from gonghui.core.pagination import Page, keyset_page
from gonghui.core.text import tidy
from gonghui.members.models import Member
from gonghui.orgs.models import Org

PAGE_SIZE = 50
ACCOUNT_TYPES = ("accounts.user", "accounts.apitoken")
MAX_ORG_MATCHES = 20


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # name (part of it) or the exact mobile number
    action: str = ""  # a declared action code
    object_type: str = ""
    object_id: str = ""
    org: str = ""  # a union: its code, or a part of its name (the union and everything under it)
    since: str = ""  # 2026-11-27
    until: str = ""

    @classmethod
    def from_query(cls, data: Any) -> AuditFilters:
        return cls(**{name: tidy(str(data.get(name, "") or ""))[:100] for name in cls.__dataclass_fields__})


@dataclass
class AuditPage:
    page: Page[AuditEvent]
    errors: dict[str, str] = field(default_factory=dict)  # filter field → Chinese message
    org_names: dict[int, str] = field(default_factory=dict)

    @property
    def events(self) -> list[AuditEvent]:
        return self.page.items


def _audit_paths(user: Any) -> tuple[Scope, tuple[str, ...]]:
    scope = scope_for(user)
    paths = scope.paths.get(Action.AUDIT, ())
    if not paths:
        raise NotFound("未找到该页面")
    return scope, paths


def _is_top(path: str) -> bool:
    return path.strip("/").count("/") == 0


def _ids_as_text(qs: QuerySet[Any], column: str = "pk") -> QuerySet[Any]:
    return qs.annotate(_key=Cast(column, CharField())).values("_key")


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """Every audit event this user may read (NotFound for someone who reads none)."""
    _, paths = _audit_paths(user)
    if any(_is_top(p) for p in paths):
        # An auditor at a top of the tree: everything under it, and the platform's org-less events.
        tops = Org.objects.filter(_under(paths)).values("pk")
        return AuditEvent.objects.filter(Q(org_id_snapshot__in=tops) | Q(org_id_snapshot__isnull=True))
    orgs = Org.objects.filter(_under(paths))
    accounts = User.objects.filter(
        Q(pk__in=RoleAssignment.objects.filter(org__in=orgs).values("user_id")) | Q(member__org__in=orgs)
    )
    about_accounts = Q(
        org_id_snapshot__isnull=True,
        object_type="accounts.user",
        object_id__in=_ids_as_text(accounts),
    ) | Q(
        org_id_snapshot__isnull=True,
        object_type="accounts.apitoken",
        object_id__in=_ids_as_text(ApiToken.objects.filter(user__in=accounts)),
    )
    # Org events written before core.audit gave them their own org (org_id_snapshot empty).
    about_orgs = Q(org_id_snapshot__isnull=True, object_type="orgs.org", object_id__in=_ids_as_text(orgs))
    return AuditEvent.objects.filter(Q(org_id_snapshot__in=orgs.values("pk")) | about_accounts | about_orgs)


def _under(paths: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return q


def _date(raw: str, label: str, errors: dict[str, str], key: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[key] = f"“{label}”的日期格式应为 2026-11-27"
        return None


def audit_events(*, user: Any, filters: AuditFilters, cursor: str | None = None) -> AuditPage:
    """Newest first, one keyset page of the events `user` may read, with the names the page shows."""
    scope, paths = _audit_paths(user)
    qs = visible_events(user)
    errors: dict[str, str] = {}
    f = filters
    if f.actor:
        qs = qs.filter(Q(actor_label__icontains=f.actor) | Q(actor__mobile=f.actor))
    if f.action:
        if f.action in audit.ACTION_LABELS:
            qs = qs.filter(action=f.action)
        else:
            errors["action"] = "没有这种动作，请从列表中选择"
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.org:
        matched = list(
            Org.objects.filter(_under(paths))
            .filter(Q(code=f.org) | Q(name__icontains=f.org))
            .values_list("path", flat=True)[:MAX_ORG_MATCHES]
        )
        if matched:
            qs = qs.filter(org_id_snapshot__in=Org.objects.filter(_under(matched)).values("pk"))
        else:
            errors["org"] = f"您的范围内没有名称或编码为“{f.org}”的工会"
    since = _date(f.since, "从", errors, "since")
    until = _date(f.until, "到", errors, "until")
    if since and until and since > until:
        errors["until"] = "“到”的日期不能早于“从”的日期"
    else:
        if since:
            qs = qs.filter(at__date__gte=since)
        if until:
            qs = qs.filter(at__date__lte=until)
    if errors:
        qs = qs.none()  # a filter that cannot be applied shows nothing rather than everything
    page = keyset_page(
        qs,
        order=("-id",),
        namespace="home.audit",
        cursor=cursor,
        size=PAGE_SIZE,
        strict=False,
    )
    org_names = attach_names(page.items, scope=scope)
    return AuditPage(page=page, errors=errors, org_names=org_names)


def attach_names(events: list[AuditEvent], *, scope: Scope) -> dict[int, str]:
    """Give every event `ref_names` ({"org"|"user"|"member": {id: name}}) for its before/after values
    and `org_name` (the name of its org); return the org names. One query per kind for the whole page, none per row.
    Members are named only inside the viewer's audit subtree (elsewhere the value stays "#id")."""
    wanted: dict[str, set[int]] = {"org": set(), "user": set(), "member": set()}
    for e in events:
        if e.org_id_snapshot is not None:
            wanted["org"].add(e.org_id_snapshot)
        for values in (e.before, e.after):
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                kind = audit.reference_kind(e.object_type, key)
                if kind is not None and isinstance(value, int) and not isinstance(value, bool):
                    wanted[kind].add(value)
    names: dict[str, dict[int, str]] = {kind: {} for kind in wanted}
    if wanted["org"]:
        names["org"] = dict(Org.objects.filter(pk__in=wanted["org"]).values_list("pk", "name"))
    if wanted["user"]:
        names["user"] = dict(User.objects.filter(pk__in=wanted["user"]).values_list("pk", "name"))
    if wanted["member"]:
        names["member"] = dict(
            Member.objects.filter(scope.org_q(Action.AUDIT, prefix="org__"), pk__in=wanted["member"]).values_list(
                "pk", "name"
            )
        )
    for e in events:
        e.ref_names = names  # type: ignore[attr-defined]
        e.org_name = names["org"].get(e.org_id_snapshot or 0, "")  # type: ignore[attr-defined]
    return names["org"]


def action_choices() -> list[tuple[str, str]]:
    """Every declared action with its label, grouped by what it acts on (the code's first part)."""
    return sorted(audit.ACTION_LABELS.items())
