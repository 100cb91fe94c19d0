"""Shared fixtures: a small federation and the personas of the permission tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gonghui.accounts.models import Role, User
from gonghui.members.models import Member
from gonghui.orgs.models import Org

from .factories import make_member, make_org, make_user


@dataclass
class World:
    city: Org
    county_a: Org
    county_b: Org
    union_a: Org  # grassroots under county A
    union_a2: Org  # second grassroots under county A
    union_b: Org  # grassroots under county B
    member_a: Member
    member_b: Member
    worker: User  # account linked to member_a
    cadre_a: User  # grassroots cadre of union_a
    cadre_b: User  # grassroots cadre of union_b
    county_cadre_a: User
    city_admin: User  # city cadre + sysadmin at the city
    leader: User
    county_admin: User  # system admin held at county_a: the whole county, nothing above it


@pytest.fixture
def world(db: None) -> World:
    city = make_org(None, "city", "丽江市总工会", code="530700", region_code="530700")
    county_a = make_org(city, "county", "古城区总工会", code="530702", region_code="530702")
    county_b = make_org(city, "county", "永胜县总工会", code="530722", region_code="530722")
    union_a = make_org(county_a, "grassroots", "古城区某酒店工会", industry="tourism")
    union_a2 = make_org(county_a, "grassroots", "古城区快递物流工会", industry="logistics")
    union_b = make_org(county_b, "grassroots", "永胜县水电站工会", industry="hydropower")
    member_a = make_member(union_a, "木丽华", ethnicity="纳西族", mobile="13987000001")
    member_b = make_member(union_b, "李永福", ethnicity="彝族")
    worker = make_user("木丽华", Role.MEMBER, union_a, member=member_a)
    cadre_a = make_user("和建国", Role.GRASSROOTS_CADRE, union_a)
    cadre_b = make_user("杨志强", Role.GRASSROOTS_CADRE, union_b)
    county_cadre_a = make_user("赵县干", Role.COUNTY_CADRE, county_a)
    city_admin = make_user("市管理员", Role.CITY_CADRE, city)
    from gonghui.accounts.services import role_grant

    role_grant(user=city_admin, org=city, role=Role.SYSADMIN, actor=None)
    leader = make_user("王领导", Role.LEADER, city)
    county_admin = make_user("县管理员", Role.SYSADMIN, county_a)
    return World(
        city,
        county_a,
        county_b,
        union_a,
        union_a2,
        union_b,
        member_a,
        member_b,
        worker,
        cadre_a,
        cadre_b,
        county_cadre_a,
        city_admin,
        leader,
        county_admin,
    )
