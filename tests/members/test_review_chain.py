"""Joins and transfers on the review chain: no self-approval, levels along the org tree, return for
correction and resubmission, the buttons and `actions`, strict API bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts.services import token_create
from gonghui.core import review, workflow
from gonghui.core.errors import DomainError, NotFound, StaleVersion
from gonghui.core.models import AuditEvent, ReviewStep, StateChange
from gonghui.members.flows import JOIN_CHAIN, JOIN_FLOW, TRANSFER_FLOW, joins_waiting_for, transfers_waiting_for
from gonghui.members.models import JoinRequest, Member, TransferRequest
from gonghui.members.services import join_request_submit, transfer_request_create
from gonghui.members.services.joining import (
    decide_join,
    join_request_approve,
    join_request_cancel,
    join_request_resubmit,
    join_request_return,
)
from gonghui.members.services.transfers import transfer_accept, transfer_reject, transfer_release
from tests.factories import make_id_number, make_member, make_user

THREE_LEVELS = {"join": [["初审", "grassroots"], ["复审", "county"], ["终审", "city"]]}


def _join(world: Any, user: Any = None, serial: int = 801, org: Any = None) -> JoinRequest:
    user = user or make_user("和新来")
    return join_request_submit(
        user=user,
        org=org or world.union_a,
        name=user.name,
        id_number=make_id_number(serial=serial),
        mobile="13900008001",
        employer="古城区某酒店",
    )


# ---------------------------------------------------------------- no self-approval


def test_a_county_cadre_cannot_approve_their_own_join_request(world):
    """Before the review chain a county cadre (no member record yet) approved their own request."""
    own = _join(world, user=world.county_cadre_a)
    assert workflow.allowed_names(JOIN_FLOW, own, world.county_cadre_a) == ["return", "reject", "cancel"]
    with pytest.raises(DomainError, match="不能审核本人的申请"):
        join_request_approve(req=own, version=own.version, actor=world.county_cadre_a)
    own.refresh_from_db()
    assert own.state == "pending" and own.member_id is None
    assert not Member.objects.filter(name=world.county_cadre_a.name).exists()
    assert not AuditEvent.objects.filter(action="join_request.approve").exists()
    assert own not in joins_waiting_for(world.county_cadre_a)
    # another cadre with the right decides it
    member = join_request_approve(req=own, version=own.version, actor=world.cadre_a)
    assert member is not None and member.org_id == world.union_a.pk


def test_the_county_cadres_own_request_shows_no_approve_button_and_the_post_is_refused(client, world):
    own = _join(world, user=world.county_cadre_a)
    client.force_login(world.county_cadre_a)
    page = client.get(reverse("members:queues")).content.decode()
    assert own.name in page and reverse("members:join_decide", args=[own.pk, "approve"]) not in page
    assert "本人提交，须由其他干部审核" in page or "退回修改" in page
    r = client.post(reverse("members:join_decide", args=[own.pk, "approve"]), follow=True)
    assert "不能审核本人的申请" in r.content.decode()
    own.refresh_from_db()
    assert own.state == "pending"


def test_a_cadre_cannot_release_a_transfer_they_asked_for_nor_one_of_their_own_record(world):
    # cadre_a also is a member of union_a and asks to move to union_a2
    record = make_member(world.union_a, "和建国", id_number=make_id_number(serial=811))
    type(world.cadre_a).objects.filter(pk=world.cadre_a.pk).update(member=record)
    cadre = type(world.cadre_a).objects.get(pk=world.cadre_a.pk)
    own = transfer_request_create(member=record, to_org=world.union_a2, reason="换岗", actor=cadre)
    with pytest.raises(DomainError, match="关于本人会员档案"):
        transfer_release(req=own, version=None, actor=cadre)
    assert workflow.allowed_names(TRANSFER_FLOW, own, cadre) == ["reject", "cancel"]
    # a transfer the cadre filed for somebody else: released by another cadre, not by them
    other = make_member(world.union_a, "杨光荣", id_number=make_id_number(serial=812))
    filed = transfer_request_create(member=other, to_org=world.union_a2, reason="调岗", actor=cadre)
    with pytest.raises(DomainError, match="不能审核本人的申请"):
        transfer_release(req=filed, version=None, actor=cadre)
    assert TransferRequest.objects.get(pk=filed.pk).state == "pending"
    assert filed not in transfers_waiting_for(cadre)
    released = transfer_release(req=filed, version=None, actor=world.county_cadre_a)
    assert released.state == "released" and released.released_by_id == world.county_cadre_a.pk
    with pytest.raises(NotFound):  # the receiving end is union_a2's
        transfer_accept(req=filed, version=None, actor=cadre)


def test_a_cadre_cannot_accept_a_transfer_into_their_own_union_of_their_own_record(world):
    record = make_member(world.union_b, "杨志强", id_number=make_id_number(serial=813))
    type(world.county_cadre_a).objects.filter(pk=world.county_cadre_a.pk).update(member=record)
    cadre = type(world.county_cadre_a).objects.get(pk=world.county_cadre_a.pk)
    req = transfer_request_create(member=record, to_org=world.union_a, reason="", actor=world.cadre_b)
    transfer_release(req=req, version=None, actor=world.city_admin)
    with pytest.raises(DomainError, match="关于本人会员档案"):
        transfer_accept(req=req, version=None, actor=cadre)
    assert Member.objects.get(pk=record.pk).org_id == world.union_b.pk
    moved = transfer_accept(req=req, version=None, actor=world.cadre_a)
    assert moved.org_id == world.union_a.pk


def test_refusing_ones_own_request_is_not_self_approval(world):
    filed = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="", actor=world.cadre_a)
    rejected = transfer_reject(req=filed, note="本人撤销", version=None, actor=world.cadre_a)
    assert rejected.state == "rejected"


# ---------------------------------------------------------------- levels, return, resubmit


def test_three_levels_along_the_tree_each_decision_on_record(world, settings):
    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    req = _join(world)
    assert JOIN_CHAIN.position(req).level.name == "初审"
    with pytest.raises(NotFound):  # 初审 is union_a's: the other union cannot
        decide_join(req=req, decision="approve", version=None, actor=world.cadre_b)
    _, member = decide_join(req=req, decision="approve", version=req.version, actor=world.cadre_a, note="材料齐全")
    assert member is None
    req.refresh_from_db()
    assert req.state == "pending" and JOIN_CHAIN.position(req).level.name == "复审"
    # 复审 sits at the county: the union's cadre has no say there any more
    assert workflow.allowed_names(JOIN_FLOW, req, world.cadre_a) == []
    with pytest.raises(NotFound):
        decide_join(req=req, decision="approve", version=None, actor=world.cadre_a)
    assert req in joins_waiting_for(world.county_cadre_a) and req not in joins_waiting_for(world.cadre_a)
    assert workflow.allowed_names(JOIN_FLOW, req, world.county_cadre_a) == ["advance", "return", "reject"]
    decide_join(req=req, decision="approve", version=req.version, actor=world.county_cadre_a)
    req.refresh_from_db()
    assert JOIN_CHAIN.position(req).level.name == "终审"
    # the city admin has decided nothing yet in this round: may close it
    assert workflow.allowed_names(JOIN_FLOW, req, world.city_admin) == ["approve", "return", "reject"]
    member = join_request_approve(req=req, version=req.version, actor=world.city_admin)
    assert member is not None
    steps = review.trail(JOIN_CHAIN, req)
    assert [(s.level_name, s.decision, s.reviewer_id) for s in steps] == [
        ("初审", "approve", world.cadre_a.pk),
        ("复审", "approve", world.county_cadre_a.pk),
        ("终审", "approve", world.city_admin.pk),
    ]
    assert steps[0].comment == "材料齐全" and steps[1].org_id_snapshot == world.county_a.pk
    assert [c.step for c in workflow.history(req)] == ["advance", "advance", "approve"]


def test_one_person_decides_one_level_of_a_round(world, settings):
    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    req = _join(world)
    decide_join(req=req, decision="approve", version=None, actor=world.city_admin)  # 初审 by the city admin
    with pytest.raises(DomainError, match="上一级"):
        decide_join(req=req, decision="approve", version=None, actor=world.city_admin)
    assert ReviewStep.objects.filter(object_id=req.pk).count() == 1


def test_a_union_straight_under_the_city_skips_the_county_level(world, settings):
    from tests.factories import make_org

    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    direct = make_org(world.city, "grassroots", "市直某机关工会")
    req = _join(world, org=direct)
    assert [lv.name for _, lv, _ in JOIN_CHAIN.levels_on(req)] == ["初审", "终审"]


def test_return_for_correction_then_resubmit_restarts_the_chain(world, settings):
    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    applicant = make_user("和新来")
    req = _join(world, user=applicant)
    decide_join(req=req, decision="approve", version=None, actor=world.cadre_a)
    with pytest.raises(DomainError, match="需要修改的地方"):
        join_request_return(req=req, note="", version=None, actor=world.county_cadre_a)
    returned = join_request_return(req=req, note="工作单位请写全称", version=None, actor=world.county_cadre_a)
    assert returned.state == "returned" and returned.decision_note == "工作单位请写全称"
    # nobody but the applicant resubmits; the ID number cannot be changed here
    with pytest.raises(NotFound):
        join_request_resubmit(req=req, version=None, actor=world.cadre_a, employer="x")
    with pytest.raises(DomainError, match="只能修改"):
        join_request_resubmit(req=req, version=None, actor=applicant, id_number="x")
    with pytest.raises(StaleVersion):
        join_request_resubmit(req=req, version=1, actor=applicant, employer="古城区某酒店有限公司")
    again = join_request_resubmit(
        req=req, version=returned.version, actor=applicant, employer="丽江古城区某酒店有限公司"
    )
    assert again.state == "pending" and again.employer == "丽江古城区某酒店有限公司"
    assert JOIN_CHAIN.current_round(again) == 2 and JOIN_CHAIN.position(again).level.name == "初审"
    assert again in joins_waiting_for(world.cadre_a)  # the first level sees the corrected request again
    event = AuditEvent.objects.get(action="join_request.resubmit")
    assert event.after["changed"] == ["employer"] and "丽江" not in json.dumps(event.after, ensure_ascii=False)


def test_a_returned_request_can_be_withdrawn_and_blocks_a_second_application(world):
    applicant = make_user("和新来")
    req = _join(world, user=applicant)
    join_request_return(req=req, note="请补充工作单位", version=None, actor=world.cadre_a)
    with pytest.raises(DomainError, match="退回修改"):
        _join(world, user=make_user("另一个账号"), serial=801)
    cancelled = join_request_cancel(req=req, actor=applicant)
    assert cancelled.state == "cancelled"
    assert StateChange.objects.filter(object_id=req.pk, step="cancel").exists()


def test_the_applicant_corrects_a_returned_request_on_the_page(client, world):
    applicant = make_user("和新来")
    req = _join(world, user=applicant)
    join_request_return(req=req, note="工作单位请写全称", version=None, actor=world.cadre_a)
    client.force_login(applicant)
    mine = client.get(reverse("members:my_requests")).content.decode()
    assert "退回修改" in mine and reverse("members:my_join_resubmit", args=[req.pk]) in mine
    url = reverse("members:my_join_resubmit", args=[req.pk])
    page = client.get(url).content.decode()
    assert "工作单位请写全称" in page and "古城区某酒店" in page
    req.refresh_from_db()
    bad = client.post(url, {"version": req.version, "name": "和新来", "mobile": "123", "employer": "某酒店有限公司"})
    assert bad.status_code == 200 and "手机" in bad.content.decode()
    assert JoinRequest.objects.get(pk=req.pk).state == "returned"
    ok = client.post(
        url, {"version": req.version, "name": "和新来", "mobile": "13900008001", "employer": "某酒店有限公司"}
    )
    assert ok.status_code == 302
    assert JoinRequest.objects.get(pk=req.pk).state == "pending"
    client.force_login(world.cadre_b)
    assert client.get(url).status_code == 404  # someone else's request


def test_the_queue_shows_badges_levels_and_only_the_allowed_buttons(client, world, settings):
    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    req = _join(world)
    client.force_login(world.cadre_a)
    page = client.get(reverse("members:queues")).content.decode()
    assert 'class="badge badge-warn state-pending"' in page and "初审（第1级，共3级）" in page
    assert "通过，报上级审核" in page and "退回修改" in page
    r = client.post(reverse("members:join_decide", args=[req.pk, "approve"]), {"version": req.version}, follow=True)
    assert "等待下一级审核" in r.content.decode()
    page = client.get(reverse("members:queues")).content.decode()
    assert "等待其他干部或上级审核" in page
    assert ReviewStep.objects.filter(object_id=req.pk).count() == 1


def test_the_old_form_again_is_a_stale_version_with_a_clear_message(client, world):
    req = _join(world)
    client.force_login(world.cadre_a)
    url = reverse("members:join_decide", args=[req.pk, "approve"])
    assert "已批准和新来的入会申请" in client.post(url, {"version": req.version}, follow=True).content.decode()
    r = client.post(url, {"version": req.version}, follow=True)
    assert "已被他人修改" in r.content.decode()
    r = client.post(url, follow=True)  # no version: the state speaks
    assert "该申请已通过，不能重复处理" in r.content.decode()
    assert Member.objects.filter(name="和新来").count() == 1


# ---------------------------------------------------------------- API: actions and strict bodies


class Api:
    def __init__(self, user: Any) -> None:
        self.client = Client()
        _, secret = token_create(user=user, name="test", actor=None)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, **self.headers)

    def post_raw(self, url: str, raw: str) -> Any:
        return self.client.post(url, raw, content_type="application/json", **self.headers)


def test_api_answers_carry_the_actions_of_the_caller(world, settings):
    settings.GONGHUI_REVIEW_LEVELS = THREE_LEVELS
    req = _join(world)
    item = Api(world.cadre_a).get("/api/members/join-requests").json()["items"][0]
    assert item["actions"] == ["advance", "return", "reject"] and item["review_level"] == "初审"
    r = Api(world.cadre_a).post_raw(f"/api/members/join-requests/{req.pk}/approve", json.dumps({"version": 1}))
    assert r.status_code == 202 and r.json()["actions"] == [] and r.json()["review_level"] == "复审"
    transfer = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="", actor=world.worker)
    items = Api(world.cadre_b).get("/api/members/transfers").json()["items"]
    assert [i["actions"] for i in items if i["id"] == transfer.pk] == [[]]  # the receiving side waits
    items = Api(world.cadre_a).get("/api/members/transfers").json()["items"]
    assert [i["actions"] for i in items if i["id"] == transfer.pk] == [["release", "reject"]]


BAD_BODIES = ["[]", '["approve"]', '"approve"', "1", "true", "null", '[{"version": 1}]']


def _snapshot() -> tuple[Any, ...]:
    return (
        list(JoinRequest.objects.order_by("pk").values_list("pk", "state", "version")),
        list(TransferRequest.objects.order_by("pk").values_list("pk", "state", "version")),
        Member.objects.count(),
        ReviewStep.objects.count(),
        StateChange.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    "route",
    [
        "join-requests/{join}/approve",
        "join-requests/{join}/return",
        "join-requests/{join}/reject",
        "transfers/{transfer}/release",
        "transfers/{transfer}/accept",
        "transfers/{transfer}/reject",
    ],
)
def test_every_queue_post_refuses_a_body_of_the_wrong_json_type_and_changes_nothing(world, route):
    join = _join(world)
    transfer = transfer_request_create(member=world.member_a, to_org=world.union_a2, reason="", actor=world.worker)
    if "accept" in route:
        transfer_release(req=transfer, version=None, actor=world.county_cadre_a)
    url = "/api/members/" + route.format(join=join.pk, transfer=transfer.pk)
    api = Api(world.county_cadre_a)
    takes_note = "transfers" not in route or "reject" in route
    unknown_key = '{"note": "x", "version": 1, "decision": "approve"}' if takes_note else '{"decision": "approve"}'
    before = _snapshot()
    for raw in BAD_BODIES:
        r = api.post_raw(url, raw)
        assert r.status_code == 422, (raw, r.content)
        assert "请求体应为 JSON 对象" in r.json()["detail"]
    for raw, field in (
        ('{"version": "1", "note": "x"}', "version"),  # a number in a string is not a number
        ('{"version": true, "note": "x"}', "version"),
        ('{"note": 5}', "note"),
        (unknown_key, "decision"),
    ):
        r = api.post_raw(url, raw)
        assert r.status_code == 422 and r.json()["field"] == field, (raw, r.content)
    assert _snapshot() == before


@pytest.mark.parametrize("route", ["/api/voice/demands", "/api/voice/orgs/{code}/demands"])
def test_the_voice_write_routes_refuse_a_body_of_the_wrong_json_type_too(world, route):
    """Their bodies have required fields, so a JSON array or string never reads as "all defaults"; this
    keeps it so (the approve/release hole of §5c was a body whose every field was optional)."""
    from gonghui.voice.models import Demand

    actor = world.cadre_a if "{code}" in route else world.worker
    route = route.format(code=world.union_a.code)
    api = Api(actor)
    before = (Demand.objects.count(), AuditEvent.objects.count())
    for raw in BAD_BODIES:
        r = api.post_raw(route, raw)
        assert r.status_code == 422, (raw, r.content)
    assert (Demand.objects.count(), AuditEvent.objects.count()) == before
