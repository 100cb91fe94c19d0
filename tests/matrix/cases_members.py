"""Cases of the member routes added by issue 7 part 3: a cadre adds one member (page and API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .base import *

_BORN = dt.date(1990, 1, 1)  # make_id_number's default birth date for a given serial


def new_member(c: Ctx) -> dict[str, Any]:
    """One person nobody has registered yet, for union_a, with every rule-checked column filled."""
    number = c.memo("new_member_id", lambda: make_id_number(serial=7301, sex="F"))
    return {
        "org": c.w.union_a.code,
        "name": "和新芳",
        "id_number": number,
        "sex": "F",
        "birth_date": _BORN.isoformat(),
        "mobile": "13900007301",
        "ethnicity": "纳西族",
        "education": "大专",
        "political_status": "团员",
        "employer": "古城区某酒店（客房部）",
    }


def new_member_api(c: Ctx) -> dict[str, Any]:
    data = new_member(c)
    return {**{k: v for k, v in data.items() if k != "org"}, "org_code": data["org"]}


PAGE_CASES: dict[str, list[Case]] = {
    "members:add": [
        # cadre_b may add members, to union_b: the page opens, with only union_b to pick
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: [c.w.union_a.name],
            hidden=("cadre_b",),
        ),
        # posting union_a's code: cadre_b gets the form back ("choose from the list") and nothing is written
        Case(
            who(worker=NF, cadre_b=DONE, cadre_a=DONE, city_admin=DONE),
            method="POST",
            data=new_member,
            unchanged=("cadre_b",),
        ),
    ],
}

API_CASES: dict[str, list[Case]] = {
    "POST /api/members/": [Case(union_a_only(201, anonymous=UNAUTH), data=new_member_api)],
}
