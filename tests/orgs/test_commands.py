"""`gonghui seed-demo` and `gonghui orgs`."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gonghui.accounts.models import Role, User
from gonghui.core.crypto import decrypt
from gonghui.core.identity import parse_id_number, validate_credit_code
from gonghui.demo import roster as demo_data
from gonghui.members.models import FamilyMember, Household, JoinRequest, Member, TransferRequest
from gonghui.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db

COUNTIES = {
    "530702": "古城区总工会",
    "530721": "玉龙纳西族自治县总工会",
    "530722": "永胜县总工会",
    "530723": "华坪县总工会",
    "530724": "宁蒗彝族自治县总工会",
}
LIJIANG_REGIONS = {"530702", "530721", "530722", "530723", "530724", "533221", "533222", "533223", "533224"}
PASSWORD = "Lijiang2026demo"


def seed(**options: object) -> str:
    out = io.StringIO()
    call_command("seed-demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed(members=300, seed=7)


def test_seed_builds_the_lijiang_federation(seeded: str) -> None:
    city = Org.objects.get(code="530700")
    assert (city.name, city.kind, city.region_code, city.parent) == ("丽江市总工会", OrgKind.CITY, "530700", None)
    counties = {o.code: o for o in Org.objects.filter(kind=OrgKind.COUNTY)}
    assert {c: o.name for c, o in counties.items()} == COUNTIES
    assert all(o.parent_id == city.pk and o.region_code == o.code for o in counties.values())

    grassroots = list(Org.objects.filter(kind=OrgKind.GRASSROOTS))
    assert 280 <= len(grassroots) <= 320
    assert len({o.name for o in grassroots}) == len(grassroots)
    industries = {o.industry for o in grassroots}
    assert {"tourism", "hydropower", "mining", "construction", "logistics", "education", "health"} <= industries
    for org in grassroots:
        assert org.path.startswith(city.path) and org.parent.kind == OrgKind.COUNTY
        assert validate_credit_code(org.credit_code) == org.credit_code
        assert org.credit_code[2:8] == org.region_code == org.parent.code
        assert org.parttime_cadres > 0 and org.funds_received > 0 and org.funds_spent <= org.funds_received
        assert org.has_venue == bool(org.venue_name)
    assert any(o.has_venue for o in grassroots) and not all(o.has_venue for o in grassroots)
    assert Org.objects.filter(kind=OrgKind.GROUP).exists()
    for county in counties.values():
        assert Org.objects.filter(kind=OrgKind.GRASSROOTS, parent=county).count() >= 40


def test_seed_members_are_valid_and_plausible(seeded: str) -> None:
    members = list(Member.objects.select_related("org"))
    assert len(members) == 300
    today = dt.date.today()
    regions = set()
    for m in members:
        info = parse_id_number(decrypt(m.id_cipher, context=b"id_number"))
        assert (info.birth_date, info.sex) == (m.birth_date, m.sex)
        assert m.id_masked == info.number[:4] + "*" * 10 + info.number[-4:]
        regions.add(info.region_code)
        assert 18 <= (today - m.birth_date).days // 365 <= 60
        assert m.org.kind in (OrgKind.GRASSROOTS, OrgKind.GROUP)
        assert m.joined_on is not None and m.joined_on <= today
        assert m.name and m.name_initials
    assert len({m.id_hmac for m in members}) == 300
    assert {"533221", "530702"} & regions and len(regions & LIJIANG_REGIONS) >= 4
    ethnic = {m.ethnicity for m in members}
    assert {"汉族", "纳西族", "彝族"} <= ethnic and len(ethnic) >= 5
    assert any(m.is_migrant_worker for m in members) and any(m.is_new_employment for m in members)
    assert len({m.education for m in members}) >= 3 and len({m.political_status for m in members}) >= 2
    # households with children at school
    assert Household.objects.count() >= 10
    students = FamilyMember.objects.filter(is_student=True, relation="child")
    assert students.exists() and all(s.school for s in students)
    # pending work for the demo cadre
    assert JoinRequest.objects.filter(state="pending").count() >= 3
    assert TransferRequest.objects.filter(state="pending").count() >= 1


def test_seed_prints_working_logins_for_every_role(seeded: str) -> None:
    for role in Role:
        assert role.label in seeded
    assert PASSWORD in seeded
    for role in Role:
        # the first demo login holding it (13900000008 holds a county cadre role beside 账号管理员)
        user = User.objects.filter(roles__role=role, mobile__startswith="1390000000").order_by("mobile").first()
        assert user is not None, role
        assert user.mobile in seeded and not user.must_change_password
        client = Client()
        response = client.post("/accounts/login/", {"username": user.mobile, "password": PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        assert client.session.get("_auth_user_id") == str(user.pk)
    worker = User.objects.get(roles__role=Role.MEMBER, mobile__startswith="1390000000")
    assert worker.member is not None and worker.member.household.family.filter(is_student=True).exists()
    county_cadre = User.objects.get(roles__role=Role.COUNTY_CADRE, mobile="13900000003")
    assert county_cadre.roles.get().org.code in COUNTIES
    account_admin = User.objects.get(mobile="13900000008")
    # a county cadre who also holds the 账号管理 right: it may open county and grassroots cadre accounts
    assert sorted((r.role, r.org.name) for r in account_admin.roles.select_related("org")) == [
        (Role.ACCOUNT_ADMIN, "古城区总工会"),
        (Role.COUNTY_CADRE, "古城区总工会"),
    ]
    # the member left without an account, to try self-activation, is one of the --members
    assert Member.objects.filter(mobile="13900000007").count() == 1
    assert not User.objects.filter(mobile="13900000007").exists()
    assert "13900000007" in seeded


def test_if_empty_leaves_an_existing_federation_alone(seeded: str) -> None:
    before = (Org.objects.count(), Member.objects.count(), User.objects.count(), Household.objects.count())
    again = seed(members=300, seed=8, if_empty=True)
    assert (Org.objects.count(), Member.objects.count(), User.objects.count(), Household.objects.count()) == before
    assert "13900000002" in again and PASSWORD in again and "基层工会干部" in again
    with pytest.raises(CommandError, match="已存在"):
        seed(members=300)


def test_same_seed_same_plan_and_ids_are_valid() -> None:
    a = demo_data.plan_unions(random.Random(3), 2026)
    b = demo_data.plan_unions(random.Random(3), 2026)
    assert [(p.name, p.code, p.credit_code) for p in a] == [(p.name, p.code, p.credit_code) for p in b]
    c = demo_data.plan_unions(random.Random(4), 2026)
    assert [p.name for p in a] != [p.name for p in c]
    rng = random.Random(1)
    ids = demo_data.IdNumbers(rng)
    numbers = [ids.make("533221", dt.date(1980, 5, 1), "F") for _ in range(2000)]
    assert len(set(numbers)) == 2000
    for n in numbers[:200]:
        assert parse_id_number(n).sex == "F"


def test_orgs_command_lists_the_tree(world) -> None:
    out = io.StringIO()
    call_command("orgs", stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert all(len(parts) == 4 for parts in lines)
    assert lines[0] == ["530700", "丽江市总工会", "市总工会", ""]
    codes = [parts[0] for parts in lines]
    for code, _name, _kind, parent in lines[1:]:
        assert codes.index(parent) < codes.index(code)  # parents come first
    assert [world.union_a.code, world.union_a.name, "基层工会", "530702"] in lines
    # a subtree's orgs follow their parent without another county in between
    county_a_at, county_b_at = codes.index("530702"), codes.index("530722")
    assert county_a_at < codes.index(world.union_a.code) < county_b_at or county_b_at < county_a_at

    out = io.StringIO()
    call_command("orgs", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [d["code"] for d in data] == codes
    assert data[0] == {"code": "530700", "name": "丽江市总工会", "kind": "city", "parent": None}
    by_code = {d["code"]: d for d in data}
    assert by_code[world.union_b.code] == {
        "code": world.union_b.code,
        "name": "永胜县水电站工会",
        "kind": "grassroots",
        "parent": "530722",
    }


def test_orgs_command_hides_closed_unions_unless_asked(world) -> None:
    from gonghui.orgs.services import org_close

    org_close(org=world.union_a2, reason="企业注销", actor=None)
    out = io.StringIO()
    call_command("orgs", stdout=out)
    assert world.union_a2.code not in out.getvalue()
    out = io.StringIO()
    call_command("orgs", "--all", stdout=out)
    assert world.union_a2.code in out.getvalue()
