"""Cases of the routes the workflow and the review chain added: a join request returned for correction
(the applicant's page to correct and resubmit it), and the API's 退回修改."""

from __future__ import annotations

from typing import Any

from .base import *


def returned_join(c: Ctx) -> Any:
    """cadre_b (no member record) applied to union_a; union_a's cadre returned it for correction."""

    def make() -> Any:
        from gonghui.members.services import join_request_submit
        from gonghui.members.services.joining import join_request_return

        req = join_request_submit(
            user=c.w.cadre_b,
            org=c.w.union_a,
            name="杨志强",
            id_number=make_id_number(serial=7401),
            mobile="13900007401",
            employer="某水电站",
        )
        return join_request_return(req=req, note="工作单位请写全称", version=None, actor=c.w.cadre_a)

    return c.memo("returned_join", make)


def _resubmit_form(c: Ctx) -> dict[str, Any]:
    req = returned_join(c)
    return {"version": req.version, "name": "杨志强", "mobile": "13900007401", "employer": "某水电站有限公司"}


# Only the applicant reaches their own request; to everyone else it does not exist.
_OWNER_ONLY = who(worker=NF, cadre_b=OK, cadre_a=NF, city_admin=NF, county_admin=NF)

PAGE_CASES: dict[str, list[Case]] = {
    "members:my_join_resubmit": [
        Case(
            _OWNER_ONLY,
            kwargs=lambda c: {"pk": returned_join(c).pk},
            secrets=lambda c: ["工作单位请写全称"],
            hidden=("worker", "cadre_a", "city_admin", "county_admin"),
        ),
        Case(
            who(worker=NF, cadre_b=REDIRECT, cadre_a=NF, city_admin=NF, county_admin=NF),
            method="POST",
            kwargs=lambda c: {"pk": returned_join(c).pk},
            data=_resubmit_form,
        ),
    ],
}

API_CASES: dict[str, list[Case]] = {
    "POST /api/members/join-requests/{request_id}/return": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=lambda c: {"request_id": c.join_req.pk},
            data=lambda c: {"note": "请补充工作单位全称"},
        ),
        Case(
            # the body is refused before any object is looked up: the same answer for every caller
            everyone(422, anonymous=UNAUTH),
            label="a JSON array is not a body",
            kwargs=lambda c: {"request_id": c.join_req.pk},
            data=lambda c: ["return"],
            unchanged=PERSONAS,
        ),
    ],
}
