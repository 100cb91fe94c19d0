"""Permission matrix: every URL pattern of the project and every API operation, five personas.

Personas: anonymous, member (world.worker), cadre of another union (world.cadre_b), cadre of the
right union (world.cadre_a), city admin (world.city_admin). Objects are union_a's. A forbidden object
answers 404 (never 403); anonymous pages redirect to login and the anonymous API answers 401. For every
denied unsafe call the whole tracked state (rows of every table below, the audit trail included) must
be exactly as before.

The routes are read from the URL resolver and from the ninja OpenAPI document, so a new route without
a case here fails `test_every_route_has_a_case`. To add a route: add an entry to PAGE_CASES (keyed
by the URL name) or API_CASES (keyed by "METHOD /api/path"), giving the expected answer per persona.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.accounts.services import token_create
from gonghui.members.models import (
    FamilyMember,
    JoinRequest,
    Member,
    TransferRequest,
)
from gonghui.members.services import (
    family_member_add,
    household_ensure,
    join_request_submit,
    transfer_request_create,
)
from tests.conftest import World
from tests.factories import make_id_number, make_member, make_user

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "worker", "cadre_b", "cadre_a", "city_admin")

# Expected answers. Ints are exact status codes.
OK = "ok"  # 200
DONE = "done"  # allowed write: 200 (form shown again with its errors) or 302 to a page that is not the login
REDIRECT = "redirect"  # 302 to a page that is not the login
LOGIN = "login"  # 302 to the login page
NF = 404
UNAUTH = 401
NOT_ALLOWED = 405
DENIED = {LOGIN, NF, UNAUTH, NOT_ALLOWED}


# ---------------------------------------------------------------- the objects the matrix reaches for


@dataclass
class Ctx:
    w: World
    other_a: Member  # a member of union_a without an account (not the worker)
    mover_a: Member  # a member of union_a with a pending transfer to union_a2
    family_a: FamilyMember  # in other_a's household
    own_family: FamilyMember  # in the worker's own household
    join_req: JoinRequest  # pending, applying to union_a, by an applicant who is none of the personas
    transfer: TransferRequest  # mover_a: union_a → union_a2, requested by cadre_a, pending
    own_transfer: TransferRequest  # the worker's own: union_a → union_a2, requested by the worker
    import_job: Any  # a roster checked for union_a by cadre_a, waiting for confirmation
    v: Any = None  # the voice loop's objects of union_a (VoiceObjects)

    def user(self, persona: str) -> Any:
        return None if persona == "anonymous" else getattr(self.w, persona)


@pytest.fixture
def ctx(world: World) -> Ctx:
    w = world
    other_a = make_member(w.union_a, "和秀英", id_number=make_id_number(serial=7001, sex="F"))
    mover_a = make_member(w.union_a, "杨光荣", id_number=make_id_number(serial=7002))
    household = household_ensure(head=other_a, actor=w.cadre_a, address="古城区七一街")
    family_a = family_member_add(household=household, name="和小明", relation="child", actor=w.cadre_a)
    own_household = household_ensure(head=w.member_a, actor=w.worker)
    own_family = family_member_add(household=own_household, name="木小雨", relation="child", actor=w.worker)
    applicant = make_user("申请人")
    join_req = join_request_submit(
        user=applicant,
        org=w.union_a,
        name="申请人",
        id_number=make_id_number(serial=7003),
        mobile="13900007003",
    )
    transfer = transfer_request_create(member=mover_a, to_org=w.union_a2, reason="调岗", actor=w.cadre_a)
    own_transfer = transfer_request_create(member=w.member_a, to_org=w.union_a2, reason="换工作", actor=w.worker)
    from gonghui.members.imports import jobs

    job = jobs.import_job_create(org=w.union_a, upload=roster_file(7200), actor=w.cadre_a)
    job = jobs.import_job_validate(job_id=job.pk)
    return Ctx(w, other_a, mover_a, family_a, own_family, join_req, transfer, own_transfer, job, voice_objects(w))


@dataclass
class VoiceObjects:
    heard: Any  # a demand of union_a entered by cadre_a
    own: Any  # the worker's own demand (union_a), with a PNG attachment and an answer
    other: Any  # a second demand of union_a, in its own issue
    issue: Any  # an issue at union_a's level holding `heard` and `own`
    issue2: Any  # an issue at union_a's level holding `other`
    run: Any  # a finished analysis of union_a
    draft: Any  # a draft report of union_a on `issue2`
    sent: Any  # a report of union_a already sent, waiting for its answer
    reply: Any  # the answer as the worker sees it on `own`


def voice_objects(w: World) -> VoiceObjects:
    from gonghui.voice.choices import DemandSource, RunStatus
    from gonghui.voice.models import ClusterRun, Issue, IssueMembership
    from gonghui.voice.services import (
        Upload,
        demand_enter,
        demand_submit,
        report_answer_and_feed_back,
        report_create,
        report_submit,
    )

    png = Upload("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    heard = demand_enter(actor=w.cadre_a, org=w.union_a, text="酒店后厨排班太满，机密诉求甲", source=DemandSource.VISIT)
    own = demand_submit(user=w.worker, text="酒店员工食堂太贵，机密诉求乙", attachments=[png])
    other = demand_enter(
        actor=w.cadre_a, org=w.union_a, text="客房部夜班没有补贴，机密诉求丙", source=DemandSource.VISIT
    )
    issue = Issue.objects.create(scope_org=w.union_a, label="酒店食堂与排班议题")
    issue2 = Issue.objects.create(scope_org=w.union_a, label="夜班补贴议题")
    for d, i in ((heard, issue), (own, issue), (other, issue2)):
        IssueMembership.objects.create(issue=i, demand=d, scope_org=w.union_a)
    run = ClusterRun.objects.create(scope_org=w.union_a, requested_by=w.cadre_a, status=RunStatus.DONE, progress=100)
    draft = report_create(actor=w.cadre_a, org=w.union_a, issues=[issue2], title="机密专报草稿")
    answered = report_create(actor=w.cadre_a, org=w.union_a, issues=[issue])
    answered = report_submit(actor=w.cadre_a, report=answered, version=answered.version, submitted_to="古城区委")
    report_answer_and_feed_back(
        actor=w.cadre_a, report=answered, version=answered.version, body="区人社局", text="已督促"
    )
    sent = report_create(actor=w.cadre_a, org=w.union_a, issues=[issue2])
    sent = report_submit(actor=w.cadre_a, report=sent, version=sent.version, submitted_to="古城区政府")
    return VoiceObjects(heard, own, other, issue, issue2, run, draft, sent, own.replies.get())


def roster_file(serial: int) -> SimpleUploadedFile:
    text = f"\ufeff姓名,公民身份号码,手机号码\n和新来,{make_id_number(serial=serial)},13900007100\n"
    return SimpleUploadedFile("名册.csv", text.encode("utf-8"), content_type="text/csv")


# ---------------------------------------------------------------- cases


Build = Callable[[Ctx], Any]


@dataclass
class Case:
    expect: dict[str, Any]  # persona → expected answer
    method: str = "GET"
    kwargs: Build = lambda c: {}  # URL kwargs (pages) or path parameters (API)
    data: Build | None = None  # form fields (pages), JSON body or multipart fields (API)
    multipart: bool = False
    # Text that belongs to union_a's objects: it must not appear in answers to personas listed in `hidden`.
    secrets: Build | None = None
    hidden: tuple[str, ...] = ()
    # Personas whose call must leave everything unchanged although the answer is not a denial (a form
    # shown again with "choose from the list" for another union's object, say).
    unchanged: tuple[str, ...] = ()
    # Any further assertion: check(persona, response, ctx).
    check: Callable[[str, Any, Ctx], None] | None = None
    label: str = ""

    def __post_init__(self) -> None:
        assert set(self.expect) == set(PERSONAS), f"every persona needs an expectation: {self.expect}"


def who(*, worker: Any, cadre_b: Any, cadre_a: Any, city_admin: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    return {"anonymous": anonymous, "worker": worker, "cadre_b": cadre_b, "cadre_a": cadre_a, "city_admin": city_admin}


def everyone(answer: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    return who(worker=answer, cadre_b=answer, cadre_a=answer, city_admin=answer, anonymous=anonymous)


def union_a_only(answer: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    """Reaching one of union_a's objects: its own cadre and the city admin; nobody else."""
    return who(worker=NF, cadre_b=NF, cadre_a=answer, city_admin=answer, anonymous=anonymous)


def managers_only(answer: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    """Managing the org tree: a grassroots cadre does not, even in their own union."""
    return who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=answer, anonymous=anonymous)


def member_pk(c: Ctx) -> dict[str, Any]:
    return {"pk": c.other_a.pk}


def org_code(c: Ctx) -> dict[str, Any]:
    return {"code": c.w.union_a.code}


def union_a_names(c: Ctx) -> list[str]:
    return [c.other_a.name, c.mover_a.name, c.join_req.name]


def member_form(c: Ctx) -> dict[str, Any]:
    return {"version": c.other_a.version, "name": "和秀英", "mobile": "13900007001", "employer": "改过"}


def _spreadsheet_only_for(allowed: tuple[str, ...], persona: str, response: Any) -> None:
    is_xlsx = "spreadsheet" in response.get("Content-Type", "")
    assert is_xlsx == (persona in allowed), f"{persona}: export answered {response.get('Content-Type')}"


PAGE_CASES: dict[str, list[Case]] = {
    "home": [Case(everyone(REDIRECT))],
    "healthz": [Case(everyone(OK, anonymous=OK))],
    "accounts:login": [
        Case(everyone(REDIRECT, anonymous=OK)),
        Case(everyone(REDIRECT, anonymous=OK), method="POST", data=lambda c: {"username": "139", "password": "x"}),
    ],
    "accounts:logout": [
        Case(everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
        Case(everyone(LOGIN, anonymous=LOGIN), method="POST"),
    ],
    "accounts:password_change": [
        Case(everyone(OK)),
        Case(everyone(OK), method="POST", data=lambda c: {"old_password": "wrong"}),
    ],
    # --- org tree
    "orgs:tree": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: [c.w.union_a.name],
            hidden=("cadre_b",),
        )
    ],
    "orgs:detail": [Case(union_a_only(OK), kwargs=org_code)],
    "orgs:create_child": [
        Case(managers_only(OK), kwargs=org_code),
        Case(managers_only(DONE), method="POST", kwargs=org_code, data=lambda c: {"kind": "group", "name": "一组"}),
    ],
    "orgs:edit": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "name": "改名工会"},
        ),
    ],
    "orgs:move": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "parent": c.w.county_b.code},
        ),
    ],
    "orgs:merge": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "target": c.w.union_a2.code},
        ),
    ],
    "orgs:close": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "reason": "企业注销"},
        ),
    ],
    # --- cadre back office
    "members:list": [
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=union_a_names,
            hidden=("cadre_b",),
        ),
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            label="search by name",
            data=lambda c: {"q": "和"},
            secrets=union_a_names,
            hidden=("cadre_b",),
        ),
    ],
    "members:detail": [Case(union_a_only(OK), kwargs=member_pk)],
    "members:edit": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(union_a_only(DONE), method="POST", kwargs=member_pk, data=member_form),
    ],
    "members:history": [Case(union_a_only(OK), kwargs=member_pk)],
    "members:leave": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(
            union_a_only(DONE),
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"version": c.other_a.version, "reason": "退休"},
        ),
    ],
    "members:reveal": [
        Case(everyone(NOT_ALLOWED), kwargs=member_pk),
        Case(union_a_only(OK), method="POST", kwargs=member_pk),
    ],
    "members:household": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(
            union_a_only(DONE),
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"form": "address", "hh-address": "新地址"},
        ),
        Case(
            union_a_only(DONE),
            label="add family member",
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"form": "family", "fm-name": "和小华", "fm-relation": "child"},
        ),
    ],
    "members:family_remove": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.family_a.pk}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.family_a.pk}),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=NF),
            label="family member of another household",
            method="POST",
            kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.own_family.pk},
        ),
    ],
    "members:queues": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=union_a_names,
            hidden=("cadre_b",),
        )
    ],
    "members:join_decide": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.join_req.pk, "decision": "approve"}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.join_req.pk, "decision": "approve"}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.join_req.pk, "decision": "reject"},
            data=lambda c: {"note": "材料不全"},
        ),
        Case(
            union_a_only(NF),
            label="unknown decision",
            method="POST",
            kwargs=lambda c: {"pk": c.join_req.pk, "decision": "x"},
        ),
    ],
    "members:transfer_decide": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.transfer.pk, "decision": "release"}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.transfer.pk, "decision": "release"}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.transfer.pk, "decision": "reject"},
            data=lambda c: {"note": "暂缓"},
        ),
    ],
    # --- self-service
    "members:me": [
        Case(everyone(OK), secrets=union_a_names, hidden=("worker", "cadre_b")),
        Case(
            who(worker=DONE, cadre_b=OK, cadre_a=OK, city_admin=OK),
            method="POST",
            data=lambda c: {"mobile": "13900009999"},
        ),
    ],
    "members:my_reveal": [
        Case(everyone(NOT_ALLOWED)),
        Case(who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF), method="POST"),
    ],
    "members:my_household": [
        Case(
            who(worker=OK, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            secrets=lambda c: [c.family_a.name],
            hidden=("worker",),
        ),
        Case(
            who(worker=DONE, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"form": "address", "hh-address": "我的新地址"},
        ),
    ],
    "members:my_family_remove": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"fid": c.own_family.pk}),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"fid": c.own_family.pk},
        ),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=NF),
            label="someone else's family member",
            method="POST",
            kwargs=lambda c: {"fid": c.family_a.pk},
        ),
    ],
    "members:my_requests": [
        Case(everyone(OK), secrets=lambda c: [c.join_req.name, c.mover_a.name], hidden=("worker",))
    ],
    "members:my_join_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.join_req.pk}),
        Case(everyone(NF), label="the applicant's request", method="POST", kwargs=lambda c: {"pk": c.join_req.pk}),
    ],
    "members:my_transfer_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.own_transfer.pk}),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"pk": c.own_transfer.pk},
        ),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=REDIRECT, city_admin=NF),
            label="cancelled only by whoever asked",
            method="POST",
            kwargs=lambda c: {"pk": c.transfer.pk},
        ),
    ],
    "members:my_transfer": [
        Case(who(worker=OK, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT)),
        Case(
            who(worker=DONE, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_b.code, "reason": "换单位"},
        ),
    ],
    "members:join": [
        Case(who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(who(worker=REDIRECT, cadre_b=DONE, cadre_a=DONE, city_admin=DONE), method="POST", data=lambda c: {}),
    ],
    "members:org_search": [Case(everyone(OK), data=lambda c: {"org_q": "工会"})],
    # --- roster import and export
    "members:import_upload": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=REDIRECT, city_admin=REDIRECT),
            label="upload into union_a",
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "file": roster_file(7300)},
            unchanged=("cadre_b",),  # union_a is not among cadre_b's choices: the form refuses it
        ),
    ],
    "members:import_job": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(everyone(NOT_ALLOWED), method="POST", kwargs=lambda c: {"pk": c.import_job.pk}),
    ],
    "members:import_job_status": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.import_job.pk})],
    "members:import_job_confirm": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.import_job.pk},
            data=lambda c: {"version": c.import_job.version},
        ),
    ],
    "members:import_job_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.import_job.pk},
            data=lambda c: {"version": c.import_job.version},
        ),
    ],
    "members:roster_export": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            label="export union_a",
            method="POST",
            data=lambda c: {"org": c.w.union_a.code},
            unchanged=("cadre_b",),
            check=lambda persona, r, c: _spreadsheet_only_for(("cadre_a", "city_admin"), persona, r),
        ),
    ],
    # --- voice: the worker's side
    "voice:submit": [
        Case(everyone(OK)),
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            method="POST",
            data=lambda c: {"kind": "demand", "text": "宿舍热水器坏了一个月没人修"},
            unchanged=("cadre_b", "cadre_a", "city_admin"),  # no member record: told to join first
        ),
    ],
    "voice:mine": [Case(everyone(OK), secrets=lambda c: ["机密诉求乙"], hidden=("cadre_b", "cadre_a", "city_admin"))],
    "voice:my_demand": [
        Case(
            who(worker=OK, cadre_b=NF, cadre_a=NF, city_admin=NF),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no},
        )
    ],
    "voice:rate": [
        Case(
            everyone(NOT_ALLOWED),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
        ),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
            data=lambda c: {"rating": "satisfied"},
        ),
    ],
    "voice:notifications": [Case(everyone(OK))],
    # --- voice: cadres (union_a's demands, issues and reports)
    "voice:demands": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["机密诉求甲", "机密诉求乙"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(OK), label="filtered to union_a", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:demand_new": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "source": "visit", "kind": "demand", "text": "走访听到的诉求"},
            unchanged=("cadre_b",),  # union_a is not among cadre_b's choices
        ),
    ],
    "voice:demand": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.heard.pk})],
    "voice:demand_file_into": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.other.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.other.pk},
            data=lambda c: {"issue": c.v.issue.pk},
        ),
    ],
    "voice:attachment": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.own.pk, "aid": c.v.own.attachments.get().pk})
    ],
    "voice:issues": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["夜班补贴议题"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(OK), label="union_a's level", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:run_new": [
        Case(who(worker=NOT_ALLOWED, cadre_b=NOT_ALLOWED, cadre_a=NOT_ALLOWED, city_admin=NOT_ALLOWED)),
        Case(union_a_only(REDIRECT), method="POST", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:run_status": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.run.pk})],
    "voice:issue": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.issue.pk})],
    "voice:issue_rename": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.issue.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.issue2.pk},
            data=lambda c: {"label": "改过的名称", "version": c.v.issue2.version},
        ),
    ],
    "voice:issue_split": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.issue.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.issue.pk},
            data=lambda c: {"demand": [c.v.heard.pk], "label": "拆出的议题"},
        ),
    ],
    "voice:issue_merge": [
        Case(everyone(NOT_ALLOWED)),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            data=lambda c: {"issue": [c.v.issue.pk, c.v.issue2.pk], "target": c.v.issue.pk},
        ),
    ],
    "voice:reports": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["机密专报草稿"],
            hidden=("cadre_b",),
        )
    ],
    "voice:report_new": [
        Case(everyone(NOT_ALLOWED)),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "issue": [c.v.issue.pk]},
        ),
    ],
    "voice:report": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.draft.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk},
            data=lambda c: {"title": "改过的标题", "summary": "", "asks": "", "version": c.v.draft.version},
        ),
    ],
    "voice:report_remove_issue": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.draft.pk, "issue_id": c.v.issue2.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk, "issue_id": c.v.issue2.pk},
            data=lambda c: {"version": c.v.draft.version},
        ),
    ],
    "voice:report_submit": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.draft.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk},
            data=lambda c: {"submitted_to": "古城区委", "version": c.v.draft.version},
        ),
    ],
    "voice:report_answer": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.sent.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.sent.pk},
            data=lambda c: {"body": "区政府办", "text": "已研究", "version": c.v.sent.version},
        ),
    ],
    "voice:report_download": [
        Case(union_a_only(OK), label="docx", kwargs=lambda c: {"pk": c.v.draft.pk, "fmt": "docx"}),
        Case(union_a_only(OK), label="pdf", kwargs=lambda c: {"pk": c.v.sent.pk, "fmt": "pdf"}),
    ],
    "voice:loop": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(union_a_only(OK), label="union_a", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:import": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
    ],
    "voice:import_sample": [Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK))],
    # --- audit trail: system admins only
    "core:audit_list": [
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=OK),
            secrets=lambda c: [c.other_a.name],
            hidden=("worker", "cadre_b", "cadre_a"),
        )
    ],
    # --- API documents (public: they describe the API, not data)
    "api:openapi-json": [Case(everyone(OK, anonymous=OK))],
    "api:openapi-view": [Case(everyone(OK, anonymous=OK))],
    "api:api-root": [Case(everyone(NF, anonymous=NF))],
}


def api_member(c: Ctx) -> dict[str, Any]:
    return {"member_id": c.other_a.pk}


def api_org(c: Ctx) -> dict[str, Any]:
    return {"code": c.w.union_a.code}


def roster(c: Ctx) -> dict[str, Any]:
    return {"file": roster_file(7100), "org": c.w.union_a.code, "dry_run": "false"}


API_CASES: dict[str, list[Case]] = {
    "GET /api/me": [Case(everyone(200, anonymous=UNAUTH))],
    "GET /api/orgs/": [
        Case(
            everyone(200, anonymous=UNAUTH),
            secrets=lambda c: [c.w.union_a.code],
            hidden=("worker", "cadre_b"),
        )
    ],
    "GET /api/orgs/{code}": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_org)],
    "PATCH /api/orgs/{code}": [
        Case(
            managers_only(200, anonymous=UNAUTH),
            kwargs=api_org,
            data=lambda c: {"version": c.w.union_a.version, "address": "新地址", "funds_received": "100.00"},
        )
    ],
    "POST /api/orgs/{code}/children": [
        Case(managers_only(201, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"name": "一组", "kind": "group"})
    ],
    "POST /api/orgs/{code}/move": [
        Case(managers_only(200, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"parent_code": c.w.county_b.code})
    ],
    "POST /api/orgs/{code}/merge": [
        Case(managers_only(200, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"target_code": c.w.union_a2.code})
    ],
    "POST /api/orgs/{code}/close": [
        # union_a still has members: the rule refuses (422) once access is granted
        Case(managers_only(422, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"reason": "企业注销"})
    ],
    "GET /api/members/": [
        Case(everyone(200, anonymous=UNAUTH), secrets=union_a_names, hidden=("worker", "cadre_b")),
        Case(
            everyone(200, anonymous=UNAUTH),
            label="search by name",
            data=lambda c: {"q": "和"},
            secrets=union_a_names,
            hidden=("worker", "cadre_b"),
        ),
    ],
    "GET /api/members/{member_id}": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "PATCH /api/members/{member_id}": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=api_member,
            data=lambda c: {"version": c.other_a.version, "employer": "改过"},
        )
    ],
    "POST /api/members/{member_id}/reveal-id": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "GET /api/members/{member_id}/events": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "POST /api/members/{member_id}/transfers": [
        Case(
            union_a_only(201, anonymous=UNAUTH),
            kwargs=api_member,
            data=lambda c: {"to_org_code": c.w.union_b.code, "reason": "调动"},
        )
    ],
    "GET /api/members/join-requests": [
        Case(everyone(200, anonymous=UNAUTH), secrets=lambda c: [c.join_req.name], hidden=("worker", "cadre_b"))
    ],
    "POST /api/members/join-requests/{request_id}/approve": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"request_id": c.join_req.pk}, data=lambda c: {})
    ],
    "POST /api/members/join-requests/{request_id}/reject": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=lambda c: {"request_id": c.join_req.pk},
            data=lambda c: {"note": "材料不全"},
        )
    ],
    "GET /api/members/transfers": [
        Case(everyone(200, anonymous=UNAUTH), secrets=lambda c: [c.mover_a.name], hidden=("worker", "cadre_b"))
    ],
    "POST /api/members/transfers/{transfer_id}/release": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"transfer_id": c.transfer.pk}, data=lambda c: {})
    ],
    "POST /api/members/transfers/{transfer_id}/accept": [
        # still pending (not released): the state rule refuses once access is granted
        Case(union_a_only(422, anonymous=UNAUTH), kwargs=lambda c: {"transfer_id": c.transfer.pk}, data=lambda c: {})
    ],
    "POST /api/members/transfers/{transfer_id}/reject": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=lambda c: {"transfer_id": c.transfer.pk},
            data=lambda c: {"note": "暂缓"},
        )
    ],
    "POST /api/imports/members": [Case(union_a_only(200, anonymous=UNAUTH), data=roster, multipart=True)],
    # --- voice
    "POST /api/voice/demands": [
        Case(
            who(worker=201, cadre_b=422, cadre_a=422, city_admin=422, anonymous=UNAUTH),
            data=lambda c: {"text": "宿舍热水器坏了一个月没人修"},
            unchanged=("cadre_b", "cadre_a", "city_admin"),  # no member record: told to join first
        )
    ],
    "GET /api/voice/demands/mine": [
        Case(
            everyone(200, anonymous=UNAUTH),
            secrets=lambda c: ["机密诉求乙"],
            hidden=("cadre_b", "cadre_a", "city_admin"),
        )
    ],
    "POST /api/voice/demands/mine/{tracking_no}/replies/{reply_id}/rating": [
        Case(
            who(worker=200, cadre_b=404, cadre_a=404, city_admin=404, anonymous=UNAUTH),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
            data=lambda c: {"rating": "satisfied"},
        )
    ],
    "POST /api/voice/orgs/{code}/demands": [
        Case(
            union_a_only(201, anonymous=UNAUTH),
            kwargs=api_org,
            data=lambda c: {"text": "热线反映的诉求内容", "source": "hotline"},
        )
    ],
    "GET /api/voice/issues": [
        Case(
            who(worker=404, cadre_b=200, cadre_a=200, city_admin=200, anonymous=UNAUTH),
            secrets=lambda c: ["夜班补贴议题"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(200, anonymous=UNAUTH), label="union_a's level", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "GET /api/voice/issues/{issue_id}": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"issue_id": c.v.issue.pk})
    ],
    "GET /api/voice/reports/{report_id}": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"report_id": c.v.sent.pk})
    ],
}


# ---------------------------------------------------------------- walking the routes


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself when unnamed
    pattern: str


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or pattern)
            yield Route(name, pattern)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("sysadmin/")


def is_api_operation(route: Route) -> bool:
    """ninja's operation routes are covered operation by operation from the OpenAPI document."""
    return route.name.startswith("api:") and route.name not in PAGE_CASES


def openapi_operations() -> dict[str, dict[str, Any]]:
    from gonghui.api import api

    schema = api.get_openapi_schema()
    ops: dict[str, dict[str, Any]] = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops[f"{method.upper()} {path}"] = op
    return ops


def test_every_route_has_a_case():
    routes = all_routes()
    page_names = {r.name for r in routes if not is_admin(r) and not is_api_operation(r)}
    missing = sorted(page_names - set(PAGE_CASES))
    assert not missing, f"routes without a permission case (add them to PAGE_CASES): {missing}"
    stale = sorted(set(PAGE_CASES) - page_names)
    assert not stale, f"cases for routes that no longer exist: {stale}"
    ops = openapi_operations()
    missing_api = sorted(set(ops) - set(API_CASES))
    assert not missing_api, f"API operations without a permission case (add them to API_CASES): {missing_api}"
    stale_api = sorted(set(API_CASES) - set(ops))
    assert not stale_api, f"API cases for operations that no longer exist: {stale_api}"
    # every ninja URL pattern is an operation of the OpenAPI document (nothing hides from the schema)
    import re

    api_paths = {op.split(" ", 1)[1] for op in ops}
    for r in routes:
        if is_api_operation(r):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.pattern)
            assert path in api_paths, f"{r.pattern} is routed but missing from the OpenAPI document"
    assert any(is_admin(r) for r in routes)


# ---------------------------------------------------------------- running a case


def tracked_models() -> list[type[Model]]:
    """Every model of the project's own apps (new tables are watched without editing this file)."""
    return [m for m in apps.get_models() if m.__module__.startswith("gonghui.")]


VOLATILE = {"last_used_at", "last_login"}  # bumped by any authenticated request


def state() -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for model in tracked_models():
        rows = model.objects.order_by("pk").values()
        out[model._meta.label] = [tuple(sorted((k, repr(v)) for k, v in r.items() if k not in VOLATILE)) for r in rows]
    return out


def assert_state_unchanged(before: dict[str, Any], after: dict[str, Any], where: str) -> None:
    for label in before:
        assert before[label] == after[label], f"{where}: a denied call changed {label}"


def check_answer(response: Any, expected: Any, where: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and "/login/" in location
    body = getattr(response, "content", b"")[:300]
    if expected == OK:
        assert status == 200, f"{where}: expected 200, got {status} {location} {body!r}"
    elif expected == DONE:
        assert status == 200 or (status == 302 and not to_login), f"{where}: expected 200/302, got {status} {location}"
    elif expected == REDIRECT:
        assert status == 302 and not to_login, f"{where}: expected a redirect, got {status} {location}"
    elif expected == LOGIN:
        assert to_login, f"{where}: expected a redirect to the login page, got {status} {location}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status} {location} {body!r}"
    assert status != 403, f"{where}: 403 tells that the object exists; forbidden must look like not found"


def client_for(persona: str, c: Ctx, *, api: bool) -> tuple[Client, dict[str, str]]:
    client = Client()
    user = c.user(persona)
    if user is None:
        return client, {}
    if api:
        _, secret = token_create(user=user, name="matrix", actor=None)
        return client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(user)
    return client, {}


def send(client: Client, case: Case, url: str, c: Ctx, headers: dict[str, str], *, api: bool) -> Any:
    data = case.data(c) if case.data else None
    method = case.method.lower()
    if method == "get":
        return client.get(url, data or {}, **headers)
    if api and not case.multipart:
        return client.generic(case.method, url, json.dumps(data or {}), "application/json", **headers)
    if case.method == "POST":
        return client.post(url, data or {}, **headers)
    return client.generic(case.method, url, "", **headers)


def run_case(c: Ctx, case: Case, url_for: Callable[[Ctx], str], *, api: bool, key: str) -> None:
    for persona in PERSONAS:
        where = f"{key} [{case.label or case.method}] as {persona}"
        sid = transaction.savepoint()
        try:
            client, headers = client_for(persona, c, api=api)
            before = state()
            response = send(client, case, url_for(c), c, headers, api=api)
            expected = case.expect[persona]
            check_answer(response, expected, where)
            if (case.method != "GET" and expected in DENIED) or persona in case.unchanged:
                assert_state_unchanged(before, state(), where)
            if case.check:
                case.check(persona, response, c)
            if persona in case.hidden and case.secrets and response.status_code == 200:
                text = response.content.decode("utf-8", "replace")
                for secret in case.secrets(c):
                    assert secret not in text, f"{where}: sees {secret!r} of another union"
        finally:
            transaction.savepoint_rollback(sid)


def _page_params() -> list[Any]:
    return [
        pytest.param(name, i, id=f"{name}-{case.label or case.method}-{i}")
        for name, cases in PAGE_CASES.items()
        for i, case in enumerate(cases)
    ]


def _api_params() -> list[Any]:
    return [
        pytest.param(key, i, id=f"{key}-{case.label or i}")
        for key, cases in API_CASES.items()
        for i, case in enumerate(cases)
    ]


@pytest.mark.parametrize(("name", "index"), _page_params())
def test_page_route(ctx: Ctx, name: str, index: int) -> None:
    case = PAGE_CASES[name][index]
    run_case(ctx, case, lambda c: reverse(name, kwargs=case.kwargs(c)), api=False, key=name)


@pytest.mark.parametrize(("key", "index"), _api_params())
def test_api_route(ctx: Ctx, key: str, index: int) -> None:
    case = API_CASES[key][index]
    method, template = key.split(" ", 1)
    assert case.method in ("GET", method)
    case = Case(**{**case.__dict__, "method": method})

    def url_for(c: Ctx) -> str:
        url = template
        for k, v in case.kwargs(c).items():
            url = url.replace("{" + k + "}", str(v))
        return url

    run_case(ctx, case, url_for, api=True, key=key)


# ---------------------------------------------------------------- Django admin (/sysadmin/)


def _admin_url(route: Route) -> str:
    """A concrete URL for any admin pattern (the object need not exist: access is refused first)."""
    import re

    url = "/" + route.pattern
    url = re.sub(r"<(?:\w+:)?\w+>", "1", url)
    m = re.search(r"\^\(\?P<app_label>([\w|]+)\)/\$", url)
    if m:
        url = url[: m.start()] + m.group(1).split("|")[0] + "/"
    url = url.replace("(?P<url>.*)$", "no-such-page/")
    return url


def _admin_routes() -> list[Any]:
    return [pytest.param(r, id=r.name) for r in all_routes() if is_admin(r)]


@pytest.mark.parametrize("route", _admin_routes())
def test_admin_route_is_closed_to_all_but_staff(world: World, route: Route) -> None:
    url = _admin_url(route)
    for persona in ("anonymous", "worker", "cadre_a", "city_admin"):
        client = Client()
        user = None if persona == "anonymous" else getattr(world, persona)
        if user is not None:
            assert not user.is_staff
            client.force_login(user)
        response = client.get(url)
        status, location = response.status_code, response.get("Location", "")
        where = f"{route.name} {url} as {persona}"
        if route.name == "admin:login":
            # the login form itself; a logged-in non-staff user is told they have no access
            assert status == 200, where
            assert 'name="password"' in response.content.decode(), where
            continue
        if route.name == "admin:logout":
            assert status in (302, 405), where
            continue
        if persona == "anonymous":
            assert (status == 302 and "/login/" in location) or status == 404, f"{where}: {status} {location}"
        else:
            assert status in (302, 404) and (status == 404 or "/login/" in location), f"{where}: {status} {location}"
        assert status != 200, where


def test_matrix_personas_are_what_they_claim(world: World) -> None:
    """The matrix means something only if the personas are set up as described."""
    from gonghui.accounts.scope import Action, scope_for

    assert not scope_for(AnonymousUser()).paths
    assert not scope_for(world.worker).is_cadre and world.worker.member_id == world.member_a.pk
    assert scope_for(world.cadre_a).allows(Action.EDIT, world.union_a)
    assert not scope_for(world.cadre_b).allows(Action.VIEW, world.union_a)
    assert scope_for(world.city_admin).allows(Action.MANAGE_ORGS, world.union_a)
    assert not any(u.is_staff for u in (world.worker, world.cadre_a, world.cadre_b, world.city_admin))
