"""Test data through the real services, so tests exercise the same writes as the app."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import role_grant, user_create
from gonghui.core.identity import id_check_digit
from gonghui.members.models import Member
from gonghui.members.services import member_create
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_create

_serial = itertools.count(1)
_mobiles = itertools.count(13800000000)


def make_id_number(
    region: str = "530702", birth: dt.date | None = None, sex: str = "M", serial: int | None = None
) -> str:
    """A valid synthetic 公民身份号码 (GB 11643): the 17th digit is odd for men, even for women.

    Without `serial` a counter picks the next free number, born from 1960 on (500 numbers per day and
    sex); a caller's own serial keeps its birth date (default 1990-01-01), so the two never meet.
    """
    if serial is None:
        seq = next(_serial)
        birth = (birth or dt.date(1960, 1, 1)) + dt.timedelta(days=seq // 500)
    else:
        seq = serial
        birth = birth or dt.date(1990, 1, 1)
    order = (seq % 500) * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + id_check_digit(body)


def random_id_number(rng: random.Random | None = None, region: str = "530702") -> str:
    rng = rng or random.Random()
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    return make_id_number(region, birth, rng.choice("MF"), rng.randrange(0, 10**6))


def make_mobile() -> str:
    return str(next(_mobiles))


def make_org(parent: Org | None, kind: str, name: str, **kw: object) -> Org:
    return org_create(parent=parent, kind=kind, name=name, actor=None, **kw)


def make_member(org: Org, name: str = "张三", **kw: object) -> Member:
    id_number = kw.pop("id_number", None) or make_id_number()
    return member_create(org=org, id_number=str(id_number), name=name, actor=None, **kw)


def make_user(
    name: str,
    role: str | None = None,
    org: Org | None = None,
    *,
    member: Member | None = None,
    password: str = "Gonghui2026pass",
) -> User:
    user = user_create(
        mobile=make_mobile(),
        name=name,
        password=password,
        actor=None,
        member=member,
        must_change_password=False,
        check_password_rules=False,
    )
    if role and org:
        role_grant(user=user, org=org, role=role, actor=None)
    return user


__all__ = ["Role", "make_id_number", "make_member", "make_mobile", "make_org", "make_user", "random_id_number"]
