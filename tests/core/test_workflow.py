"""core.workflow on a small declared table (an org's status), so the module is tested apart from its users."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import workflow
from gonghui.core.errors import DomainError, NotFound, StaleVersion
from gonghui.core.models import AuditEvent, StateChange
from gonghui.orgs.models import Org, OrgStatus

ACTIVE, CLOSED = OrgStatus.ACTIVE, OrgStatus.CLOSED


def _flow(**step_kw: object) -> workflow.Workflow:
    kw: dict[str, object] = {"action": Action.MANAGE_ORGS, "org": lambda o: o}
    kw.update(step_kw)
    return workflow.Workflow(
        name="test_org",
        model=Org,
        states=OrgStatus,
        field="status",
        scope=scope_for,
        tones={ACTIVE: "ok", CLOSED: "plain"},
        register=False,
        steps=[
            workflow.Step("close", "撤销", sources={ACTIVE}, target=CLOSED, audit="org.close", **kw),  # type: ignore[arg-type]
            workflow.Step(
                "reopen",
                "恢复",
                sources={CLOSED},
                target=ACTIVE,
                audit="org.update",
                action=Action.MANAGE_ORGS,
                org=lambda o: o,
                level="city",
                comment="required",
                comment_label="恢复理由",
            ),
        ],
    )


def test_a_step_moves_the_state_bumps_the_version_and_writes_one_change_and_one_audit_event(world):
    flow = _flow()
    org = world.union_a
    done = workflow.run(flow, org, step="close", actor=world.county_cadre_a, version=org.version)
    assert done.status == CLOSED and done.version == org.version + 1
    assert Org.objects.get(pk=org.pk).status == CLOSED
    change = StateChange.objects.get(object_id=org.pk, workflow="test_org")
    assert (change.from_state, change.to_state, change.step, change.actor_id) == (
        "active",
        "closed",
        "close",
        world.county_cadre_a.pk,
    )
    event = AuditEvent.objects.filter(action="org.close", object_id=str(org.pk)).get()
    assert event.before == {"status": "active"} and event.after == {"status": "closed"}
    assert [c.to_state for c in workflow.history(org)] == ["closed"]


def test_a_stale_form_is_refused_with_a_clear_message_and_changes_nothing(world):
    flow = _flow()
    org = world.union_a
    with pytest.raises(StaleVersion, match="已被他人修改"):
        workflow.run(flow, org, step="close", actor=world.county_cadre_a, version=org.version + 5)
    assert Org.objects.get(pk=org.pk).status == ACTIVE
    assert not StateChange.objects.exists()


def test_a_step_from_the_wrong_state_names_the_state_in_chinese(world):
    flow = _flow()
    org = world.union_a
    workflow.run(flow, org, step="close", actor=world.county_cadre_a, version=None)
    with pytest.raises(DomainError, match="当前状态为“已撤销”，不能撤销"):
        workflow.run(flow, org, step="close", actor=world.county_cadre_a, version=None)
    assert StateChange.objects.count() == 1


def test_out_of_scope_looks_like_absent_and_is_checked_on_the_locked_row(world):
    flow = _flow()
    with pytest.raises(NotFound):
        workflow.run(flow, world.union_a, step="close", actor=world.cadre_b, version=None)
    with pytest.raises(NotFound):  # a grassroots cadre holds no MANAGE_ORGS at all
        workflow.run(flow, world.union_a, step="close", actor=world.cadre_a, version=None)
    # The object the caller holds says "union_b"; the locked row is what counts.
    stale = Org.objects.get(pk=world.union_a.pk)
    stale.path = world.union_b.path
    with pytest.raises(NotFound):
        workflow.run(flow, stale, step="close", actor=world.cadre_b, version=None)
    assert Org.objects.get(pk=world.union_a.pk).status == ACTIVE


def test_a_step_at_an_ancestor_level_needs_the_action_there(world):
    flow = _flow()
    workflow.run(flow, world.union_a, step="close", actor=world.county_cadre_a, version=None)
    closed = Org.objects.get(pk=world.union_a.pk)
    # reopen is taken at the city level: the county cadre manages the union but not the city.
    assert [s.name for s in workflow.allowed(flow, closed, world.county_cadre_a)] == []
    assert [s.name for s in workflow.allowed(flow, closed, world.city_admin)] == ["reopen"]
    with pytest.raises(NotFound):
        workflow.run(flow, closed, step="reopen", actor=world.county_cadre_a, version=None, comment="误操作")
    with pytest.raises(DomainError, match="请填写恢复理由"):
        workflow.run(flow, closed, step="reopen", actor=world.city_admin, version=None)
    again = workflow.run(flow, closed, step="reopen", actor=world.city_admin, version=None, comment="误操作")
    assert again.status == ACTIVE
    assert StateChange.objects.filter(step="reopen").get().comment == "误操作"


def test_guards_refuse_with_their_own_message_and_allowed_leaves_the_step_out(world):
    flow = _flow(guards=(lambda obj, user: "不能撤销本人所在的工会",))
    assert workflow.allowed(flow, world.union_a, world.county_cadre_a) == []
    with pytest.raises(DomainError, match="不能撤销本人所在的工会"):
        workflow.run(flow, world.union_a, step="close", actor=world.county_cadre_a, version=None)


def test_allowed_depends_on_state_and_person(world):
    flow = _flow()
    assert workflow.allowed_names(flow, world.union_a, world.county_cadre_a) == ["close"]
    assert workflow.allowed_names(flow, world.union_a, world.cadre_b) == []
    assert workflow.allowed_names(flow, world.union_a, None) == []


def test_an_unknown_step_or_a_table_naming_unknown_states_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        workflow.Workflow(
            name="bad",
            model=Org,
            states=OrgStatus,
            field="status",
            scope=scope_for,
            register=False,
            steps=[workflow.Step("x", "X", sources={"nowhere"}, target=CLOSED, audit="org.close", action="view")],
        )
    with pytest.raises(ValueError, match="exactly one"):
        workflow.Step("x", "X", sources={ACTIVE}, target=CLOSED, audit="org.close")


def test_the_state_badge_and_the_buttons_on_a_page(world):
    flow = _flow()
    kept = workflow.REGISTRY.get(Org)
    workflow.REGISTRY[Org] = flow
    try:
        request = RequestFactory().get("/")
        request.user = world.county_cadre_a
        html = Template(
            "{% load workflow %}{% state_badge org %}|"
            "{% allowed_steps org as s %}{% for x in s %}{{ x.label }}{% endfor %}"
        ).render(Context({"org": world.union_a, "request": request}))
    finally:
        if kept is None:
            workflow.REGISTRY.pop(Org, None)
        else:
            workflow.REGISTRY[Org] = kept
    assert html == '<span class="badge badge-ok state-active">正常</span>|撤销'
