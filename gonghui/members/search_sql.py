"""The member list's per-union probe on PostgreSQL (raw SQL, because the ORM cannot express LATERAL).

Why: members are written union by union (imports, seeding), so a county's members sit in one stretch of
ids. The plain query, "members whose union is in the subtree, ORDER BY id LIMIT 51", makes PostgreSQL walk
the primary key from the start and throw away the other counties' rows — hundreds of thousands of them
for a county whose block comes late (300–400 ms at a million members, more when a filter matches nobody).

The probe asks each union in the scope for its own first n matching ids instead, each one a short range
of an index that starts with `org_id` — `member_org_keyset_idx (org_id, id)`, or for a name / initials
prefix `member_org_name_idx` / `member_org_initials_idx` (org_id, … varchar_pattern_ops) — and merges
them by id. The answer (at most n ids) is a set of candidates: `member_search` loads the rows through
the ORM with the full scoped query again, so this SQL can only ever narrow a result, never widen it.

Every filter must sit inside the per-union subquery: a union's first n rows are only the right ones
when they are its first n *matching* rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from gonghui.orgs.models import Org

# Columns `first_ids_per_union` may compare for equality; anything else is a programming error.
EQUALS_COLUMNS = frozenset({"status", "sex", "ethnicity", "is_migrant_worker", "is_new_employment"})


def first_ids_per_union(
    *,
    unions: QuerySet[Org],
    after_id: int,
    n: int,
    name_prefix: str = "",
    initials_prefix: str = "",
    equals: Mapping[str, Any] | None = None,
) -> list[int]:
    """The first `n` member ids (ascending, all > `after_id`) among the members of `unions` that match:
    each union contributes its first `n`, then the merge keeps the lowest `n`."""
    connection = connections[unions.db]
    conditions = ["m.org_id = u.id", "m.id > %s"]
    params: list[Any] = [after_id]
    # Same semantics as the ORM's `__startswith` (LIKE with %, _ and \ escaped).
    if name_prefix:
        conditions.append("m.name LIKE %s")
        params.append(connection.ops.prep_for_like_query(name_prefix) + "%")
    if initials_prefix:
        conditions.append("m.name_initials LIKE %s")
        params.append(connection.ops.prep_for_like_query(initials_prefix) + "%")
    for column, value in (equals or {}).items():
        if column not in EQUALS_COLUMNS:
            raise ValueError(f"not a member filter column: {column}")
        conditions.append(f"m.{column} = %s")
        params.append(value)
    # The unions come from the caller's scoped queryset, compiled by the ORM, so the scope rules live
    # in one place (gonghui.accounts.scope) and not again in this SQL.
    try:
        unions_sql, unions_params = unions.values("id").query.sql_with_params()
    except EmptyResultSet:  # a scope with no subtree (a worker who only sees their own record)
        return []
    # Only fixed fragments and whitelisted column names are formatted in; every value is a parameter.
    sql = f"""
        SELECT c.id
        FROM ({unions_sql}) AS u
        CROSS JOIN LATERAL (
            SELECT m.id FROM members_member AS m
            WHERE {" AND ".join(conditions)}
            ORDER BY m.id
            LIMIT %s
        ) AS c
        ORDER BY c.id
        LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*unions_params, *params, n, n])
        return [row[0] for row in cursor.fetchall()]
