"""`gonghui seed-demo`: a demo federation shaped like 丽江市总工会, built through the real services.

The city, its five county-level federations, about 300 grassroots unions with their 有人/有钱/有地方
figures, a few 工会小组, members with valid synthetic ID numbers (written in batches, so a million
members keep memory flat), households with children at school, pending join and transfer requests,
and one login per role. `--if-empty` leaves an existing federation alone (`make run` calls it on
every start) and only prints the logins again.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import role_grant, user_create
from gonghui.core.identity import id_check_digit
from gonghui.demo import roster as d
from gonghui.members.choices import EventKind
from gonghui.members.models import Member
from gonghui.members.services import (
    clean_profile,
    family_member_add,
    household_ensure,
    join_request_submit,
    member_create,
    seal_id_number,
    transfer_request_create,
)
from gonghui.members.services.bulk import (
    NewFamilyMember,
    NewHousehold,
    NewMember,
    households_bulk_insert,
    members_bulk_insert,
)
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create

DEMO_PASSWORD = "Lijiang2026demo"
# (mobile, name, role, where: "city" | "county" | "union")
DEMO_LOGINS: tuple[tuple[str, str, str, str], ...] = (
    ("13900000001", "和丽华", Role.MEMBER, "union"),
    ("13900000002", "木建国", Role.GRASSROOTS_CADRE, "union"),
    ("13900000003", "杨志勇", Role.COUNTY_CADRE, "county"),
    ("13900000004", "李文华", Role.CITY_CADRE, "city"),
    ("13900000005", "赵德明", Role.LEADER, "city"),
    ("13900000006", "张玉兰", Role.SYSADMIN, "city"),
    ("13900000008", "和秀珍", Role.ACCOUNT_ADMIN, "county"),
)
APPLICANT_MOBILES = [f"1390000{n:04d}" for n in range(101, 106)]
# A member of the demo union with no account yet, to try self-activation (ADR 0007). Synthetic number.
ACTIVATION_MOBILE = "13900000007"
ACTIVATION_NAME = "和春燕"
ACTIVATION_ID_BODY = "53070219920315002"


class Command(BaseCommand):
    help = "建立演示用的丽江市总工会组织体系、会员和各角色演示账号（--if-empty：已存在时只打印账号）"
    # The system checks import the whole web layer (URL conf, views, API schemas: ~0.4 s) that a command
    # never uses; they run in `make test`/CI, `manage.py check --deploy` and at every server start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=30_000, help="会员人数（默认 30000）")
        parser.add_argument("--if-empty", action="store_true", help="已有丽江市总工会（530700）时什么也不做")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：同一种子生成同样的数据")

    def handle(self, *args: Any, **options: Any) -> None:
        members = int(options["members"])
        if members < 10:
            raise CommandError("--members 至少为 10")
        if Org.objects.filter(code=d.CITY_CODE).exists():
            if options["if_empty"]:
                self.stdout.write(f"演示数据已存在（{d.CITY_NAME} {d.CITY_CODE}），未做改动。")
                self._print_logins()
                return
            raise CommandError(
                f"{d.CITY_NAME}（{d.CITY_CODE}）已存在。要保留现有数据请加 --if-empty；要重建请换一个空数据库。"
            )
        started = time.monotonic()
        with transaction.atomic():
            counts = build_demo(members=members, seed=int(options["seed"]), progress=self._progress)
        took = time.monotonic() - started
        self.stdout.write(
            f"已建立演示数据：{counts['orgs']} 个工会组织（其中基层工会 {counts['grassroots']} 个，"
            f"工会小组 {counts['groups']} 个），会员 {counts['members']} 名，家庭 {counts['households']} 户，"
            f"职工诉求 {counts['demands']} 条（归纳为 {counts['issues']} 个议题），用时 {took:.1f} 秒。"
        )
        self._print_logins()

    def _progress(self, done: int, total: int) -> None:
        if total >= 100_000:
            print(f"  会员 {done}/{total}", file=sys.stderr, flush=True)

    def _print_logins(self) -> None:
        self._print_accounts_help()
        self.stdout.write("演示账号（手机号码 / 密码 / 角色 / 所在组织）：")
        users = {u.mobile: u for u in User.objects.filter(mobile__in=[m for m, *_ in DEMO_LOGINS])}
        for mobile, _name, role, _where in DEMO_LOGINS:
            user = users.get(mobile)
            if user is None:
                continue
            at = user.roles.filter(role=role).select_related("org").first()
            self.stdout.write(f"  {mobile}  {DEMO_PASSWORD}  {Role(role).label}  {at.org.name if at else ''}")

    def _print_accounts_help(self) -> None:
        from django.conf import settings

        self.stdout.write("账号管理：系统管理员或账号管理员登录后点“账号管理”（/sysadmin/）。")
        if (
            User.objects.filter(mobile=ACTIVATION_MOBILE).exists()
            or not Member.objects.filter(mobile=ACTIVATION_MOBILE).exists()
        ):
            return
        where = (
            "演示短信发件箱 /accounts/outbox/"
            if settings.GONGHUI_DEMO_OUTBOX
            else "已配置的短信发送方（GONGHUI_NOTIFY_SENDERS；要在本机查看请设 GONGHUI_DEMO_OUTBOX=true）"
        )
        self.stdout.write(
            f"职工自助激活：打开 /members/activate/，手机号码 {ACTIVATION_MOBILE}，身份证号 "
            f"{ACTIVATION_ID_BODY}{id_check_digit(ACTIVATION_ID_BODY)}（{ACTIVATION_NAME}，合成号码）；验证码见{where}。"
        )


def build_demo(*, members: int, seed: int, progress: Any = None) -> dict[str, int]:
    """Write the whole federation; call inside a transaction so a failure leaves nothing behind."""
    rng = random.Random(seed)
    today = timezone.localdate()
    ids = d.IdNumbers(rng)

    city = org_create(
        parent=None,
        kind=OrgKind.CITY,
        name=d.CITY_NAME,
        code=d.CITY_CODE,
        region_code=d.CITY_CODE,
        address="云南省丽江市古城区",
        actor=None,
    )
    counties: dict[str, Org] = {}
    for county in d.COUNTIES:
        counties[county.code] = org_create(
            parent=city,
            kind=OrgKind.COUNTY,
            name=county.name,
            code=county.code,
            region_code=county.code,
            address=f"云南省丽江市{county.name.removesuffix('总工会')}",
            actor=None,
        )
    plans = d.plan_unions(rng, today.year)
    unions: list[tuple[d.UnionPlan, Org, list[Org]]] = []
    for plan in plans:
        union = org_create(
            parent=counties[plan.county.code],
            kind=OrgKind.GRASSROOTS,
            name=plan.name,
            code=plan.code,
            region_code=plan.county.code,
            credit_code=plan.credit_code,
            industry=plan.industry,
            actor=None,
            **plan.capacity,
        )
        groups = [
            org_create(parent=union, kind=OrgKind.GROUP, name=g, code=f"{plan.code}-{i:02d}", actor=None)
            for i, g in enumerate(plan.groups, start=1)
        ]
        unions.append((plan, union, groups))

    # The demo union: the first hotel of 古城区; the member and grassroots logins live there.
    demo_plan, demo_union, _ = next(u for u in unions if u[0].industry == "tourism" and u[0].county.code == "530702")
    demo_county = counties[demo_plan.county.code]
    worker = d.make_worker(rng, ids, demo_plan, today)
    demo_profile: dict[str, Any] = {
        **worker.profile,
        "name": DEMO_LOGINS[0][1],
        "ethnicity": "纳西族",
        "mobile": DEMO_LOGINS[0][0],
    }
    demo_member = member_create(
        org=demo_union,
        id_number=worker.id_number,
        actor=None,
        event_kind=EventKind.JOINED,
        **demo_profile,
    )

    # Members, in batches. Every tenth-or-so person of working age heads a household (at most 20,000).
    # --members counts everyone: the demo member (above) and the member left to activate (below) are two.
    household_share = min(0.1, 20_000 / members)
    heads: list[tuple[int, int, d.Person, d.County]] = []

    def rows() -> Iterator[NewMember]:
        n = 0
        for (plan, union, groups), count in zip(
            unions, d.allocate(members - 2, [p.size_weight for p in plans]), strict=True
        ):
            for _ in range(count):
                person = d.make_worker(rng, ids, plan, today)
                org = union if not groups or rng.random() < 0.6 else rng.choice(groups)
                if today.year - person.birth.year >= 26 and rng.random() < household_share * 1.1:
                    heads.append((n, org.pk, person, plan.county))
                yield NewMember(
                    org_id=org.pk,
                    sealed=seal_id_number(person.id_number),
                    profile=clean_profile(person.profile),
                )
                n += 1
                if progress and n % 100_000 == 0:
                    progress(n, members)

    member_ids = members_bulk_insert(
        rows=rows(), actor=None, event_kind=EventKind.JOINED, audit_label="演示数据：会员", batch_size=2000
    )

    def households() -> Iterator[NewHousehold]:
        for index, org_id, person, county in heads:
            family = [
                NewFamilyMember(
                    name=f.name,
                    relation=f.relation,
                    sealed=seal_id_number(f.id_number),
                    is_student=f.is_student,
                    school=f.school,
                )
                for f in d.make_family(rng, ids, person, county, today)
            ]
            yield NewHousehold(
                head_id=member_ids[index],
                org_id=org_id,
                address=f"云南省丽江市{county.name.removesuffix('总工会')}{rng.choice(county.towns)}",
                family=family,
            )

    household_count = households_bulk_insert(rows=households(), actor=None, audit_label="演示数据：家庭")

    # The demo member's own household, through the ordinary services (so it looks like a cadre's entry).
    users = {}
    for mobile, name, role, where in DEMO_LOGINS:
        org = {"city": city, "county": demo_county, "union": demo_union}[where]
        user = user_create(
            mobile=mobile,
            name=name,
            password=DEMO_PASSWORD,
            actor=None,
            member=demo_member if role == Role.MEMBER else None,
            must_change_password=False,
        )
        role_grant(user=user, org=org, role=role, actor=None)
        if role == Role.ACCOUNT_ADMIN:
            # the 账号管理 right is held by a cadre, and grants roles only up to that cadre's own (ADR 0007)
            role_grant(user=user, org=org, role=Role.COUNTY_CADRE, actor=None)
        users[role] = user
    cadre = users[Role.GRASSROOTS_CADRE]
    household = household_ensure(head=demo_member, actor=cadre, address="云南省丽江市古城区束河街道")
    for f in d.make_family(
        rng,
        ids,
        d.Person(demo_member.name, "", demo_member.sex, demo_member.birth_date, worker.profile),
        demo_plan.county,
        today,
    ):
        family_member_add(
            household=household,
            name=f.name,
            relation=f.relation,
            id_number=f.id_number,
            is_student=f.is_student,
            school=f.school,
            actor=cadre,
        )
    has_student = household.family.filter(is_student=True).exists()
    if not has_student:
        birth = dt.date(today.year - 15, 3, 8)
        family_member_add(
            household=household,
            name="和思远",
            relation="child",
            id_number=ids.make("530702", birth, "M"),
            is_student=True,
            school="丽江市第一高级中学",
            actor=cadre,
        )

    # A few workers waiting to join the demo union, and members waiting to move to another union.
    for mobile in APPLICANT_MOBILES:
        person = d.make_worker(rng, ids, demo_plan, today)
        applicant = user_create(
            mobile=mobile, name=person.name, password=DEMO_PASSWORD, actor=None, must_change_password=False
        )
        join_request_submit(
            user=applicant,
            org=demo_union,
            name=person.name,
            id_number=person.id_number,
            mobile=mobile,
            ethnicity=person.profile["ethnicity"],
            employer=person.profile["employer"],
            is_migrant_worker=person.profile["is_migrant_worker"],
            is_new_employment=person.profile["is_new_employment"],
        )
    member_create(
        org=demo_union,
        id_number=ACTIVATION_ID_BODY + id_check_digit(ACTIVATION_ID_BODY),
        actor=None,
        event_kind=EventKind.JOINED,
        name=ACTIVATION_NAME,
        mobile=ACTIVATION_MOBILE,
        ethnicity="纳西族",
        employer=demo_profile.get("employer", ""),
        joined_on=dt.date(today.year - 3, 5, 1),
    )
    others = [u for p, u, _ in unions if u.pk != demo_union.pk and p.county.code == "530702"]
    movers = Member.objects.filter(org=demo_union).exclude(pk=demo_member.pk).order_by("pk")[:3]
    for member, to_org in zip(movers, others, strict=False):
        transfer_request_create(member=member, to_org=to_org, reason="工作调动，已与新单位签订劳动合同", actor=cadre)

    from gonghui.demo.voice import seed_voice_demo

    voice = seed_voice_demo(
        rng=rng,
        city=city,
        unions=[demo_union] + [u for _, u, _ in unions[:40]],
        worker=users[Role.MEMBER],
        city_cadre=users[Role.CITY_CADRE],
    )
    return {
        "demands": voice["demands"],
        "issues": voice["issues"],
        "orgs": 1 + len(counties) + len(unions) + sum(len(g) for _, _, g in unions),
        "grassroots": len(unions),
        "groups": sum(len(g) for _, _, g in unions),
        "members": len(member_ids) + 2,  # with the demo member and the one left to activate an account
        "households": household_count + 1,
    }
