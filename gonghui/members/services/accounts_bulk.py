"""Open worker accounts for every member of a union who has a mobile and no account yet (ADR 0007).

The accounts get no password: each worker activates their own with mobile + 身份证号 + a code sent to
that mobile (members.services.activation), so no cadre ever sees, prints or hands on a password.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count

from gonghui.accounts.models import User
from gonghui.accounts.scope import Action, scope_for
from gonghui.accounts.services import NewWorkerAccount, worker_accounts_bulk_create
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound

from ..choices import MemberStatus
from ..models import Member

MAX_PER_RUN = 50_000

SKIP_REASONS = {
    "no_mobile": "档案中没有手机号码",
    "has_account": "已有账号",
    "mobile_taken": "手机号码已是其他账号的登录名",
    "mobile_shared": "手机号码与同一批的其他会员重复",
}


@dataclass
class BulkResult:
    created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_rows(self) -> list[tuple[str, int]]:
        return [(SKIP_REASONS[k], n) for k, n in self.skipped.items() if n]

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


@transaction.atomic
def worker_accounts_for_union(*, org: Any, actor: Any) -> BulkResult:
    """Every active member of `org` and the groups under it; `org` reached through the actor's scope."""
    if not scope_for(actor).allows(Action.ACCOUNTS, org):
        raise NotFound("未找到该工会组织")
    if not org.holds_members:
        raise DomainError("请选择一个基层工会（或工会小组）", field="org")
    members = list(
        Member.objects.filter(org__path__startswith=org.path, status=MemberStatus.ACTIVE)
        .order_by("id")
        .values_list("pk", "name", "mobile", "org_id")[: MAX_PER_RUN + 1]
    )
    if len(members) > MAX_PER_RUN:
        raise DomainError(f"一次最多为{MAX_PER_RUN}名会员开通账号，请按工会小组分批进行", field="org")
    result = BulkResult()
    ids = [m[0] for m in members]
    linked = set(User.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
    mobiles = [m[2] for m in members if m[2]]
    taken = set(User.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))
    shared = {mob for mob, n in Counter(mobiles).items() if n > 1}
    orgs = {o.pk: o for o in type(org).objects.filter(pk__in={m[3] for m in members})}
    people: list[NewWorkerAccount] = []
    for pk, name, mobile, org_id in members:
        if pk in linked:
            result.skipped["has_account"] += 1
        elif not mobile:
            result.skipped["no_mobile"] += 1
        elif mobile in taken:
            result.skipped["mobile_taken"] += 1
        elif mobile in shared:
            result.skipped["mobile_shared"] += 1
        else:
            people.append(NewWorkerAccount(mobile=mobile, name=name, member_id=pk, org=orgs[org_id]))
    result.created = worker_accounts_bulk_create(actor=actor, people=people, audit_label=f"{org.name}：职工账号")
    audit.record(
        actor=actor,
        action="member.accounts_bulk",
        object_type="orgs.org",
        object_id=org.pk,
        object_label=org.name,
        org_id=org.pk,
        after={"created": result.created, "skipped": dict(result.skipped)},
    )
    return result


def union_account_counts(*, org: Any) -> dict[str, int]:
    """For the page before the button: active members, with a mobile, already with an account."""
    qs = Member.objects.filter(org__path__startswith=org.path, status=MemberStatus.ACTIVE)
    agg = qs.aggregate(total=Count("id"))
    with_mobile = qs.exclude(mobile="").count()
    with_account = User.objects.filter(member__in=qs).count()
    return {"total": int(agg["total"] or 0), "with_mobile": with_mobile, "with_account": with_account}
