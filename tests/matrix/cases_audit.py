"""The audit page (home:audit_list): system admins only, and each reads only its own subtree's trail.

county_admin (a system admin at county_a) reads union_a's events but never union_b's nor the city's;
city_admin reads them all.
"""

from __future__ import annotations

from typing import Any

from gonghui.core import audit

from .base import NF, OK, Case, Ctx, who

OUTSIDE = "永胜县水电站工会的审计记录（矩阵）"
CITY = "市总本级的审计记录（矩阵）"


def _outside_events(c: Ctx) -> dict[str, Any]:
    """Events of union_b and of the city itself, made before the personas call (the page's query is empty)."""

    def make() -> list[Any]:
        return [
            audit.record(
                actor=c.w.cadre_b,
                action="member.update",
                object_type="members.member",
                object_id=c.w.member_b.pk,
                object_label=OUTSIDE,
                org_id=c.w.union_b.pk,
            ),
            audit.record(
                actor=c.w.city_admin,
                action="org.update",
                object_type="orgs.org",
                object_id=c.w.city.pk,
                object_label=CITY,
                org_id=c.w.city.pk,
            ),
        ]

    c.memo("audit_outside", make)
    return {}


def _reads_its_own_subtree(persona: str, response: Any, c: Ctx) -> None:
    if response.status_code != 200:
        return
    body = response.content.decode()
    assert c.other_a.name in body, persona  # union_a's members were registered: both admins see that
    if persona == "city_admin":
        assert OUTSIDE in body and CITY in body
    if persona == "county_admin":
        assert OUTSIDE not in body and CITY not in body


PAGE_CASES: dict[str, list[Case]] = {
    "home:audit_list": [
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=OK, county_admin=OK),
            data=_outside_events,
            secrets=lambda c: [c.other_a.name],
            hidden=("worker", "cadre_b", "cadre_a"),
            check=_reads_its_own_subtree,
        )
    ],
}
