"""Reads of members, households, requests and history — always through the scoping helpers.

The member search is written to stay on indexes at a million rows: exact lookups (blind index of the
ID number, mobile), prefix matches on `name` / `name_initials` (varchar_pattern_ops indexes that start
with `org_id`), the union subtree as `org__path__startswith` (prefix index on Org.path) and keyset
pagination by id. On PostgreSQL a list page or a name search that the plain query would answer slowly
is fetched union by union (see `_page_on_postgresql` and `search_sql`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import OperationalError, connections, transaction
from django.db.models import Q, QuerySet

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.core.identity import clean_id_number
from gonghui.core.models import AuditEvent
from gonghui.core.text import tidy, tidy_name, tidy_text
from gonghui.orgs.models import MEMBER_HOLDING_KINDS, Org, OrgStatus
from gonghui.orgs.selectors import orgs_for

from . import search_sql
from .choices import RequestState
from .models import FamilyMember, Household, JoinRequest, Member, MembershipEvent, TransferRequest
from .services.identity import id_hmac


def members_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Member]:
    """Members in the user's subtrees; a worker also sees their own record when viewing."""
    scope = scope_for(user)
    q = scope.org_q(action, prefix="org__")
    if action == Action.VIEW and scope.member_id:
        q |= Q(pk=scope.member_id)
    return Member.objects.filter(q)


def get_member_for_user(user: Any, action: Action, pk: Any) -> Member:
    qs = members_for(user, action)
    try:
        return qs.select_related("org").get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该会员") from None


PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1\d{10}$")
_INITIALS_RE = re.compile(r"^[a-z]{1,20}$")


@dataclass(frozen=True)
class MemberFilters:
    org: Org | None = None  # a union subtree, already reached through the scope
    status: str = ""
    sex: str = ""
    ethnicity: str = ""
    migrant: bool | None = None
    new_employment: bool | None = None


@dataclass(frozen=True)
class MemberCount:
    """How many members match: exact up to COUNT_EXACT_UP_TO, above it PostgreSQL's planner estimate."""

    value: int
    estimated: bool = False

    def __str__(self) -> str:
        if not self.estimated:
            return f"{self.value:,}"
        if self.value < 10**4:
            return f"约 {self.value:,}"
        if self.value >= 10**8:
            return f"约 {self.value / 10**8:.1f} 亿"
        return f"约 {self.value / 10**4:.1f} 万"


@dataclass
class MemberPage:
    members: list[Member]
    next_after: int | None
    kind: str = ""  # how `q` was read: name / initials / id_number / mobile / ""
    error: str = ""
    filters: MemberFilters = field(default_factory=MemberFilters)
    # Every member the search matches (all pages); counted only when `total` is read (the list page).
    matching: QuerySet[Member] | None = field(default=None, repr=False)
    unfiltered_for: Any = field(default=None, repr=False)  # the user, when there is no search and no filter

    @cached_property
    def total(self) -> MemberCount | None:
        if self.matching is None:
            return None
        everything = self.unfiltered_for is not None and _sees_every_root(self.unfiltered_for)
        return member_count(self.matching, everything=everything)


def classify_query(q: str) -> tuple[str, str]:
    """What a search box value is: ('id_number', hmac) / ('mobile', digits) / ('initials', letters) /
    ('name', prefix) / ('', '') for empty, or ('error', message) for something we cannot search by."""
    text = tidy(q)
    if not text:
        return "", ""
    compact = clean_id_number(text)
    if _ID_RE.match(compact):
        return "id_number", id_hmac(compact)
    digits = re.sub(r"[\s\-]", "", compact).removeprefix("+86")
    if digits.isdigit():
        if _MOBILE_RE.match(digits):
            return "mobile", digits
        return "error", "请输入完整的18位身份证号或11位手机号码"
    lowered = compact.lower()
    if _INITIALS_RE.match(lowered):
        return "initials", lowered
    name = tidy_name(text)
    if len(name) > 50:
        return "error", "姓名太长"
    return "name", name


def member_search(
    *,
    user: Any,
    q: str = "",
    filters: MemberFilters | None = None,
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> MemberPage:
    """One page of members in the user's scope, ordered by id, starting after `after_id`."""
    filters = filters or MemberFilters()
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    kind, value = classify_query(q)
    if kind == "error":
        return MemberPage(members=[], next_after=None, kind=kind, error=value, filters=filters)
    qs = members_for(user, Action.VIEW)
    if kind == "id_number":
        qs = qs.filter(id_hmac=value)
    elif kind == "mobile":
        qs = qs.filter(mobile=value)
    elif kind == "initials":
        qs = qs.filter(name_initials__startswith=value)
    elif kind == "name":
        qs = qs.filter(name__startswith=value)
    qs = _apply_filters(qs, filters)
    matching = qs
    if after_id is not None:
        qs = qs.filter(id__gt=after_id)
    qs = qs.select_related("org").order_by("id")
    if kind in ("", "name", "initials") and connections[qs.db].vendor == "postgresql":
        rows = _page_on_postgresql(
            qs, user=user, kind=kind, value=value, filters=filters, after_id=after_id or 0, n=limit + 1
        )
    else:
        # Exact keys (blind index, mobile) are one index probe; SQLite holds demo-sized data.
        rows = list(qs[: limit + 1])
    next_after = rows[limit - 1].pk if len(rows) > limit else None
    return MemberPage(
        members=rows[:limit],
        next_after=next_after,
        kind=kind,
        filters=filters,
        matching=matching,
        unfiltered_for=user if kind == "" and filters == MemberFilters() else None,
    )


def _sees_every_root(user: Any) -> bool:
    roots = set(Org.objects.filter(parent__isnull=True).values_list("path", flat=True))
    return bool(roots) and roots <= set(scope_for(user).paths.get(Action.VIEW, ()))


# Up to this many matches the list says exactly how many; above it, PostgreSQL's estimate is shown
# (约 12.3 万). The exact count reads at most COUNT_EXACT_UP_TO + 1 rows and is cut off after
# COUNT_TIMEOUT_MS: a scope or a name prefix is counted on an index (a 40,000-member county in ~8 ms),
# but a filter on a plain column (民族, 性别) over a city-wide scope reads every row (~0.7 µs each: 130 ms at
# 200,000 members) — at a million the timeout strikes and the planner's estimate is shown instead.
COUNT_EXACT_UP_TO = 100_000
COUNT_TIMEOUT_MS = 150


def member_count(matching: QuerySet[Member], *, everything: bool = False) -> MemberCount:
    """How many rows `matching` (a scoped, filtered member query) holds. SQLite: exact. PostgreSQL:
    exact when at most COUNT_EXACT_UP_TO, else the planner's estimate — `pg_class.reltuples` when the
    query is `everything` (every member of the tree), EXPLAIN's row estimate otherwise."""
    qs = matching.order_by()
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return MemberCount(qs.count())
    estimate = _whole_table_rows(qs.db) if everything else 0
    estimate = estimate or _planner_rows(qs)
    if estimate > COUNT_EXACT_UP_TO:  # the planner expects more than the bound: its estimate is the answer
        return MemberCount(estimate, estimated=True)
    try:
        with transaction.atomic(using=qs.db), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(COUNT_TIMEOUT_MS)}")
            exact = qs.values("pk")[: COUNT_EXACT_UP_TO + 1].count()
            cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
    except OperationalError:  # cancelled by the timeout: the savepoint took the SET LOCAL back too
        return MemberCount(max(estimate, 1), estimated=True)
    if exact > COUNT_EXACT_UP_TO:
        return MemberCount(max(estimate, exact), estimated=True)
    return MemberCount(exact)


def _planner_rows(qs: QuerySet[Member]) -> int:
    sql, params = qs.values("pk").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _whole_table_rows(db: str) -> int:
    """pg_class.reltuples: the member table's size as of the last VACUUM/ANALYZE (-1: never analysed)."""
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Member._meta.db_table])
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


# Ids after `after_id` that the plain query may look at before the per-union probe takes over. 10,000
# ids cost ~4 ms when nothing in them matches (measured at a million members, bench/README.md) and
# answer any scope-and-filter combination that matches at least ~0.5 % of the rows there.
PLAIN_WINDOW = 10_000


def _page_on_postgresql(
    qs: QuerySet[Member],
    *,
    user: Any,
    kind: str,
    value: str,
    filters: MemberFilters,
    after_id: int,
    n: int,
) -> list[Member]:
    """The first `n` rows of `qs` (the scoped, filtered query ordered by id), found cheaply.

    First the plain query over a bounded id window: it wins when the scope's members lie right after
    `after_id`, or when a very common name prefix ('和') would make every union of a big scope
    contribute a full page. A window that holds a whole page, or reaches past the last member, is
    the exact answer. Otherwise each union of the scope is asked for its own first `n` matches
    (`search_sql`), and those candidates — plus the user's own record, which `members_for` adds
    outside the subtrees — are loaded through `qs` itself, so scope and filters are checked by the
    same ORM query as on SQLite.
    """
    window_end = after_id + PLAIN_WINDOW
    rows = list(qs.filter(id__lte=window_end)[:n])
    if len(rows) == n or not Member.objects.using(qs.db).filter(id__gt=window_end).exists():
        return rows
    unions = orgs_for(user, Action.VIEW)
    if filters.org is not None:
        unions = unions.filter(path__startswith=filters.org.path)
    candidates = search_sql.first_ids_per_union(
        unions=unions.using(qs.db),
        after_id=after_id,
        n=n,
        name_prefix=value if kind == "name" else "",
        initials_prefix=value if kind == "initials" else "",
        equals=_filter_columns(filters),
    )
    own = scope_for(user).member_id
    if own is not None:
        candidates.append(own)
    return list(qs.filter(pk__in=candidates)[:n])


def _filter_columns(f: MemberFilters) -> dict[str, Any]:
    """The filters on Member's own columns (field name == column name), shared by the ORM query and
    the per-union SQL so the two cannot drift apart."""
    columns: dict[str, Any] = {}
    if f.status:
        columns["status"] = f.status
    if f.sex:
        columns["sex"] = f.sex
    if f.ethnicity:
        columns["ethnicity"] = f.ethnicity
    if f.migrant is not None:
        columns["is_migrant_worker"] = f.migrant
    if f.new_employment is not None:
        columns["is_new_employment"] = f.new_employment
    return columns


def _apply_filters(qs: QuerySet[Member], f: MemberFilters) -> QuerySet[Member]:
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    return qs.filter(**_filter_columns(f))


def filter_orgs(*, user: Any) -> QuerySet[Org]:
    """Unions a user may filter the member list by (their subtree, tree order)."""
    return orgs_for(user, Action.VIEW).filter(status=OrgStatus.ACTIVE).order_by("path")


# --- one member ---------------------------------------------------------------------------------


@dataclass
class MemberHistory:
    events: list[MembershipEvent]
    audit: list[AuditEvent]


def member_history(*, member: Member, limit: int = 200) -> MemberHistory:
    """Membership events and the audit trail of one member (the caller has reached it through scope)."""
    events = list(
        MembershipEvent.objects.filter(member=member)
        .select_related("from_org", "to_org", "actor")
        .order_by("-at", "-id")[:limit]
    )
    audit = list(
        AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk)).order_by("-id")[:limit]
    )
    return MemberHistory(events=events, audit=audit)


def household_of(member: Member) -> Household | None:
    return Household.objects.filter(head=member).first()


def family_of(household: Household | None) -> list[FamilyMember]:
    if household is None:
        return []
    return list(household.family.select_related("member").order_by("id"))


def get_family_member(*, household: Household | None, pk: Any) -> FamilyMember | None:
    if household is None:
        return None
    try:
        return household.family.select_related("household__head__org").get(pk=int(pk))
    except (FamilyMember.DoesNotExist, ValueError, TypeError):
        return None


# --- queues for cadres --------------------------------------------------------------------------


def join_queue(*, user: Any) -> QuerySet[JoinRequest]:
    """Pending join requests to unions where the user may approve."""
    q = scope_for(user).org_q(Action.APPROVE, prefix="org__")
    return JoinRequest.objects.filter(q, state=RequestState.PENDING).select_related("org", "user").order_by("id")


def transfer_queue(*, user: Any) -> QuerySet[TransferRequest]:
    """Transfers waiting on the user: release (sending side) or accept (receiving side)."""
    scope = scope_for(user)
    q = (scope.org_q(Action.APPROVE, prefix="from_org__") & Q(state=RequestState.PENDING)) | (
        scope.org_q(Action.APPROVE, prefix="to_org__") & Q(state=RequestState.RELEASED)
    )
    return TransferRequest.objects.filter(q).select_related("member", "from_org", "to_org").order_by("id")


def get_join_request_for_approver(*, user: Any, pk: Any) -> JoinRequest | None:
    q = scope_for(user).org_q(Action.APPROVE, prefix="org__")
    try:
        return JoinRequest.objects.select_related("org").get(q, pk=int(pk))
    except (JoinRequest.DoesNotExist, ValueError, TypeError):
        return None


def get_transfer_for_approver(*, user: Any, pk: Any) -> TransferRequest | None:
    scope = scope_for(user)
    q = scope.org_q(Action.APPROVE, prefix="from_org__") | scope.org_q(Action.APPROVE, prefix="to_org__")
    try:
        return TransferRequest.objects.select_related("member", "from_org", "to_org").get(q, pk=int(pk))
    except (TransferRequest.DoesNotExist, ValueError, TypeError):
        return None


# --- self-service -------------------------------------------------------------------------------


_WIDE_BRACKETS = str.maketrans("()", "（）")


def joinable_orgs(*, q: str, limit: int = 20) -> list[Org]:
    """Active grassroots unions (and groups) a worker may apply to, found by part of the name or the code.

    The names of unions are not personal data: anyone choosing where to join sees them.
    """
    text = tidy(q)
    if not text:
        return []
    # A name may be stored as typed（全角括号）or folded (older rows), and the query typed either way: it is
    # tried folded, as typed, and with its brackets made full-width.
    variants = {text[:60], tidy_text(q)[:60], text.translate(_WIDE_BRACKETS)[:60]}
    match = Q(code=text[:32])
    for variant in variants:
        match |= Q(name__icontains=variant)
    qs = Org.objects.filter(kind__in=MEMBER_HOLDING_KINDS, status=OrgStatus.ACTIVE).filter(match)
    return list(qs.select_related("parent").order_by("name", "id")[:limit])


def joinable_org_by_code(code: str) -> Org | None:
    return Org.objects.filter(code=tidy(code)[:32], kind__in=MEMBER_HOLDING_KINDS, status=OrgStatus.ACTIVE).first()


def my_join_requests(*, user: Any) -> list[JoinRequest]:
    return list(JoinRequest.objects.filter(user=user).select_related("org").order_by("-id")[:50])


def my_transfer_requests(*, user: Any) -> list[TransferRequest]:
    if not getattr(user, "member_id", None):
        return []
    return list(
        TransferRequest.objects.filter(member_id=user.member_id)
        .select_related("from_org", "to_org")
        .order_by("-id")[:50]
    )


def get_my_join_request(*, user: Any, pk: Any) -> JoinRequest | None:
    try:
        return JoinRequest.objects.get(user=user, pk=int(pk))
    except (JoinRequest.DoesNotExist, ValueError, TypeError):
        return None


def get_my_transfer_request(*, user: Any, pk: Any) -> TransferRequest | None:
    try:
        return TransferRequest.objects.get(Q(member_id=user.member_id) | Q(requested_by=user), pk=int(pk))
    except (TransferRequest.DoesNotExist, ValueError, TypeError):
        return None


# --- org tree figures ---------------------------------------------------------------------------
