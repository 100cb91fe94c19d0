"""core.review: levels along the tree, the decision trail, the no-self-approval rule, and two reviewers
racing for the same decision (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from gonghui.core import review
from gonghui.core.errors import DomainError, StaleVersion
from gonghui.core.models import ReviewStep
from gonghui.members.flows import JOIN_CHAIN, JOIN_FLOW
from gonghui.members.models import JoinRequest, Member
from gonghui.members.services import join_request_submit
from tests.factories import make_id_number, make_user


def _join(world: Any, serial: int, user: Any = None) -> JoinRequest:
    user = user or make_user("和新来")
    return join_request_submit(
        user=user, org=world.union_a, name=user.name, id_number=make_id_number(serial=serial), mobile="13900009001"
    )


def test_a_chain_of_one_level_sits_at_the_requests_own_union(world):
    req = _join(world, 901)
    pos = JOIN_CHAIN.position(req)
    assert pos is not None and pos.final and pos.org == world.union_a and pos.level.name == "审批"
    assert JOIN_CHAIN.current_round(req) == 1


def test_levels_come_from_the_settings_of_the_installation(world, settings):
    settings.GONGHUI_REVIEW_LEVELS = {"join": [["初审", "grassroots"], ["终审", "city"]]}
    req = _join(world, 902)
    assert [(lv.name, org) for _, lv, org in JOIN_CHAIN.levels_on(req)] == [
        ("初审", world.union_a),
        ("终审", world.city),
    ]


def test_an_unknown_decision_is_refused_in_words(world):
    req = _join(world, 903)
    with pytest.raises(DomainError, match="通过、退回修改或驳回"):
        review.decide(JOIN_CHAIN, JOIN_FLOW, req, decision="maybe", actor=world.cadre_a, version=None)
    assert not ReviewStep.objects.exists()


def test_own_refusal_names_the_rule(world):
    req = _join(world, 904, user=world.county_cadre_a)
    assert JOIN_CHAIN.own_refusal(req, world.county_cadre_a) == review.SELF_REFUSAL
    assert JOIN_CHAIN.own_refusal(req, world.cadre_a) is None
    assert not JOIN_CHAIN.may_decide(req, world.county_cadre_a)
    assert JOIN_CHAIN.may_decide(req, world.cadre_a)
    assert not JOIN_CHAIN.may_decide(req, world.cadre_b)  # outside the scope


def test_a_level_is_decided_once_per_round_in_the_database(world):
    req = _join(world, 905)
    ct = ContentType.objects.get_for_model(JoinRequest)
    row = {"content_type": ct, "object_id": req.pk, "kind": "join", "round": 1, "level": 0}
    ReviewStep.objects.create(
        **row, level_name="审批", org_id_snapshot=world.union_a.pk, decision="approve", reviewer=world.cadre_a
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewStep.objects.create(
            **row, level_name="审批", org_id_snapshot=world.union_a.pk, decision="reject", reviewer=world.city_admin
        )


def test_the_to_do_source_counts_only_what_the_user_may_decide_now(world):
    mine = _join(world, 906, user=world.county_cadre_a)
    others = [_join(world, 907 + n) for n in range(3)]
    waiting = review.waiting_for(
        JOIN_CHAIN, world.county_cadre_a, JoinRequest.objects.filter(state="pending").order_by("id")
    )
    assert mine not in waiting and set(waiting) == set(others)
    assert len(review.waiting_for(JOIN_CHAIN, world.cadre_a, JoinRequest.objects.order_by("id"), limit=2)) == 2
    assert review.waiting_for(JOIN_CHAIN, world.cadre_b, JoinRequest.objects.filter(state="pending")) == []


def _race(world: Any, req: JoinRequest, version: int | None) -> list[Any]:
    """Two reviewers press 批准 at the same moment; each thread gets a result or the error it met."""
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def press(actor: Any) -> None:
        try:
            barrier.wait()
            _locked, member = review_join(req, actor, version)
            results.append(member)
        except DomainError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(a,)) for a in (world.cadre_a, world.county_cadre_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def review_join(req: JoinRequest, actor: Any, version: int | None) -> Any:
    from gonghui.members.services.joining import decide_join

    return decide_join(req=req, decision="approve", version=version, actor=actor)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_racing_decisions_with_the_same_form_one_wins_the_other_is_told_it_is_stale(world):
    req = _join(world, 911)
    results = _race(world, req, version=req.version)
    members = [r for r in results if isinstance(r, Member)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(members) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], StaleVersion) and "已被他人修改" in errors[0].message
    assert Member.objects.filter(name="和新来").count() == 1
    assert ReviewStep.objects.filter(object_id=req.pk).count() == 1
    assert JoinRequest.objects.get(pk=req.pk).state == "approved"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_racing_decisions_without_a_version_the_second_hears_it_is_already_decided(world):
    req = _join(world, 912)
    results = _race(world, req, version=None)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and "该申请已通过，不能重复处理" in errors[0].message, results
    assert Member.objects.filter(name="和新来").count() == 1
    assert ReviewStep.objects.filter(object_id=req.pk).count() == 1


def test_the_buttons_of_a_request_cost_one_query(world, django_assert_max_num_queries):
    from gonghui.accounts.scope import scope_for
    from gonghui.core import workflow

    req = JoinRequest.objects.select_related("org").get(pk=_join(world, 913).pk)
    scope_for(world.cadre_a)  # read once per request anyway
    with django_assert_max_num_queries(1):
        assert workflow.allowed_names(JOIN_FLOW, req, world.cadre_a) == ["approve", "return", "reject"]
