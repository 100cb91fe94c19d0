"""Account management (useradmin pages and /api/accounts), self-activation, bulk accounts, the demo outbox.

Only holders of the 账号管理 right reach the management routes: city_admin (system admin at the city)
and county_admin (system admin at county_a). A county admin cannot grant a city role nor touch a city
cadre's account (reset its password, disable it): those answer 404 like an absent account.
"""

from __future__ import annotations

from typing import Any

from gonghui.accounts.models import Role
from tests.factories import make_id_number, make_member, make_user

from .base import *
from .base import DONE, LOGIN, NF, OK, REDIRECT, UNAUTH, Case, Ctx, who

MANAGERS_ONLY = {"worker": NF, "cadre_b": NF, "cadre_a": NF}


def managers(answer: Any, *, county_admin: Any = None, anonymous: Any = LOGIN) -> dict[str, Any]:
    return who(
        worker=NF, cadre_b=NF, cadre_a=NF, city_admin=answer, county_admin=county_admin or answer, anonymous=anonymous
    )


def api_managers(answer: Any, *, county_admin: Any = None) -> dict[str, Any]:
    return managers(answer, county_admin=county_admin, anonymous=UNAUTH)


def acct_a(c: Ctx) -> Any:
    """A worker account of union_a (other_a's)."""
    return c.memo("acct_a", lambda: make_user("和秀英", Role.MEMBER, c.w.union_a, member=c.other_a))


def city_cadre(c: Ctx) -> Any:
    """A city cadre: out of county_admin's reach."""
    return c.memo("city_cadre", lambda: make_user("市总干部", Role.CITY_CADRE, c.w.city))


def role_of(user: Any) -> Any:
    return user.roles.get()


def pk_a(c: Ctx) -> dict[str, Any]:
    return {"pk": acct_a(c).pk}


def pk_city(c: Ctx) -> dict[str, Any]:
    return {"pk": city_cadre(c).pk}


def new_account(c: Ctx) -> dict[str, Any]:
    return {"mobile": "13900008801", "name": "新账号", "org": c.w.union_a.code, "role": "member"}


def activation_member(c: Ctx) -> Any:
    return c.memo(
        "activation_member",
        lambda: make_member(c.w.union_a, "待激活", id_number=make_id_number(serial=8802), mobile="13900008802"),
    )


def activate_data(c: Ctx) -> dict[str, Any]:
    activation_member(c)
    return {"mobile": "13900008802", "id_number": make_id_number(serial=8802)}


def both_accounts(c: Ctx) -> dict[str, Any]:
    """No URL parameters; makes the two accounts the list is checked against (before the snapshot)."""
    acct_a(c)
    city_cadre(c)
    return {}


def _names_hidden(persona: str, response: Any, c: Ctx) -> None:
    """A manager's list never shows an account out of their reach."""
    if response.status_code != 200:
        return
    text = response.content.decode()
    assert acct_a(c).name in text, f"{persona}: union_a's account missing"
    assert (city_cadre(c).mobile in text) == (persona == "city_admin"), f"{persona}: city cadre shown wrongly"


PAGE_CASES: dict[str, list[Case]] = {
    "useradmin:list": [Case(managers(OK), check=_names_hidden, kwargs=both_accounts)],
    "useradmin:create": [
        Case(managers(OK)),
        Case(managers(DONE), method="POST", data=new_account),
        # a county admin cannot open an account at the city
        Case(
            managers(DONE, county_admin=OK),
            method="POST",
            data=lambda c: {**new_account(c), "org": c.w.city.code},
            unchanged=("county_admin",),
            label="at-city",
        ),
    ],
    "useradmin:detail": [
        Case(managers(OK), kwargs=pk_a),
        Case(managers(OK, county_admin=NF), kwargs=pk_city, label="city-cadre"),
    ],
    "useradmin:grant": [
        Case(
            managers(REDIRECT),
            method="POST",
            kwargs=pk_a,
            data=lambda c: {"org": c.w.union_a.code, "role": "grassroots_cadre"},
        ),
        # a county admin cannot grant a city role (the city is outside its subtree: not a choice)
        Case(
            managers(REDIRECT, county_admin=OK),
            method="POST",
            kwargs=lambda c: {"pk": make_user_in_county(c).pk},
            data=lambda c: {"org": c.w.city.code, "role": "city_cadre"},
            unchanged=("county_admin",),
            label="city-role",
        ),
    ],
    "useradmin:revoke": [
        Case(managers(REDIRECT), method="POST", kwargs=lambda c: {"pk": acct_a(c).pk, "rid": role_of(acct_a(c)).pk}),
        Case(
            managers(REDIRECT, county_admin=NF),
            method="POST",
            kwargs=lambda c: {"pk": city_cadre(c).pk, "rid": role_of(city_cadre(c)).pk},
            label="city-cadre",
        ),
    ],
    "useradmin:disable": [
        Case(managers(REDIRECT), method="POST", kwargs=pk_a),
        Case(managers(REDIRECT, county_admin=NF), method="POST", kwargs=pk_city, label="city-cadre"),
    ],
    "useradmin:enable": [Case(managers(REDIRECT), method="POST", kwargs=pk_a)],
    "useradmin:reset_password": [
        Case(managers(OK), method="POST", kwargs=pk_a),
        # a county admin cannot reset a city cadre's password
        Case(managers(OK, county_admin=NF), method="POST", kwargs=pk_city, label="city-cadre"),
    ],
    "members:accounts_bulk": [
        Case(managers(OK)),
        Case(managers(OK), method="POST", data=lambda c: {"org": c.w.union_a.code}),
        Case(
            managers(OK),
            method="POST",
            data=lambda c: {"org": c.w.union_b.code},
            unchanged=("county_admin",),
            label="union-b",
        ),
    ],
    "members:activate": [
        Case(who(worker=REDIRECT, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT, anonymous=OK)),
        Case(
            who(worker=REDIRECT, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT, anonymous=REDIRECT),
            method="POST",
            data=activate_data,
        ),
    ],
    "members:activate_confirm": [
        Case(who(worker=REDIRECT, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT, anonymous=REDIRECT)),
        Case(
            who(worker=REDIRECT, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT, anonymous=REDIRECT),
            method="POST",
            data=lambda c: {"code": "123456", "password": "Lijiang-2026x", "password2": "Lijiang-2026x"},
        ),
    ],
    # the demo outbox is absent unless GONGHUI_DEMO_OUTBOX is on (it is off under a DATABASE_URL)
    "accounts:outbox": [Case(who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=NF, anonymous=NF))],
}


def make_user_in_county(c: Ctx) -> Any:
    return c.memo("county_cadre_acct", lambda: make_user("县干部乙", Role.COUNTY_CADRE, c.w.county_a))


API_CASES: dict[str, list[Case]] = {
    "GET /api/accounts/": [Case(api_managers(200), check=_names_hidden, kwargs=both_accounts)],
    "POST /api/accounts/": [
        Case(
            api_managers(201),
            data=lambda c: {"mobile": "13900008803", "name": "接口账号", "org_code": c.w.union_a.code},
        ),
        Case(
            api_managers(201, county_admin=404),
            data=lambda c: {
                "mobile": "13900008804",
                "name": "市级账号",
                "org_code": c.w.city.code,
                "role": "city_cadre",
            },
            label="city-role",
        ),
    ],
    "GET /api/accounts/{account_id}": [
        Case(api_managers(200), kwargs=lambda c: {"account_id": acct_a(c).pk}),
        Case(api_managers(200, county_admin=404), kwargs=lambda c: {"account_id": city_cadre(c).pk}, label="city"),
    ],
    "POST /api/accounts/{account_id}/roles": [
        Case(
            api_managers(201),
            kwargs=lambda c: {"account_id": acct_a(c).pk},
            data=lambda c: {"org_code": c.w.union_a.code, "role": "grassroots_cadre"},
        ),
        Case(
            api_managers(201, county_admin=404),
            kwargs=lambda c: {"account_id": make_user_in_county(c).pk},
            data=lambda c: {"org_code": c.w.city.code, "role": "city_cadre"},
            label="city-role",
        ),
    ],
    "DELETE /api/accounts/{account_id}/roles/{role_id}": [
        Case(api_managers(200), kwargs=lambda c: {"account_id": acct_a(c).pk, "role_id": role_of(acct_a(c)).pk}),
        Case(
            api_managers(200, county_admin=404),
            kwargs=lambda c: {"account_id": city_cadre(c).pk, "role_id": role_of(city_cadre(c)).pk},
            label="city",
        ),
    ],
    "POST /api/accounts/{account_id}/disable": [
        Case(api_managers(200), kwargs=lambda c: {"account_id": acct_a(c).pk}),
        Case(api_managers(200, county_admin=404), kwargs=lambda c: {"account_id": city_cadre(c).pk}, label="city"),
    ],
    "POST /api/accounts/{account_id}/enable": [
        # an account that is not disabled: refused with a message (422) by those who may manage it
        Case(api_managers(422), kwargs=lambda c: {"account_id": acct_a(c).pk}),
    ],
    "POST /api/accounts/{account_id}/reset-password": [
        Case(api_managers(200), kwargs=lambda c: {"account_id": acct_a(c).pk}),
        Case(api_managers(200, county_admin=404), kwargs=lambda c: {"account_id": city_cadre(c).pk}, label="city"),
    ],
    "POST /api/accounts/bulk-for-union": [
        Case(api_managers(200), data=lambda c: {"org_code": c.w.union_a.code}),
        Case(api_managers(404, county_admin=404), data=lambda c: {"org_code": "no-such-org"}, label="unknown"),
    ],
}
