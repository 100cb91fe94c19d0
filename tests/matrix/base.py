"""The permission matrix's vocabulary: personas, expected answers, the objects cases reach for, `Case`.

Cases live in `tests/matrix/cases_*.py`, one module per area, each defining PAGE_CASES (keyed by URL
name) and API_CASES (keyed by "METHOD /api/path"); `tests/test_permission_matrix.py` gathers them all
and fails for a route without a case. Objects a new area needs are made lazily with `c.memo(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

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

# county_admin is a system admin held at county_a (union_a's county): where a case does not name it, it
# is expected to answer as the city admin does, since union_a lies inside its subtree.
PERSONAS = ("anonymous", "worker", "cadre_b", "cadre_a", "city_admin", "county_admin")

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
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """An object a case needs, made once per test (inside the test's transaction)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def user(self, persona: str) -> Any:
        return None if persona == "anonymous" else getattr(self.w, persona)


def build_ctx(world: World) -> Ctx:
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
        if "county_admin" not in self.expect and "city_admin" in self.expect:
            self.expect = {**self.expect, "county_admin": self.expect["city_admin"]}
        assert set(self.expect) == set(PERSONAS), f"every persona needs an expectation: {self.expect}"


def who(
    *,
    worker: Any,
    cadre_b: Any,
    cadre_a: Any,
    city_admin: Any,
    anonymous: Any = LOGIN,
    county_admin: Any = None,
) -> dict[str, Any]:
    out = {"anonymous": anonymous, "worker": worker, "cadre_b": cadre_b, "cadre_a": cadre_a, "city_admin": city_admin}
    if county_admin is not None:
        out["county_admin"] = county_admin
    return out


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


def spreadsheet_only_for(allowed: tuple[str, ...], persona: str, response: Any) -> None:
    is_xlsx = "spreadsheet" in response.get("Content-Type", "")
    assert is_xlsx == (persona in allowed), f"{persona}: export answered {response.get('Content-Type')}"
