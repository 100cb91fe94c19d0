"""The voice loop's writes: intake, analysis runs, cadre edits that survive runs, reports, answers, ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.errors import Conflict, DomainError, NotFound, StaleVersion
from gonghui.core.models import AuditEvent, Notification
from gonghui.voice import selectors
from gonghui.voice.choices import DemandSource, DemandStatus, IssueStatus, Rating, ReportStatus, RunStatus
from gonghui.voice.models import ClusterRun, Demand, DemandReply, Issue, IssueMembership, Report
from gonghui.voice.services import (
    Upload,
    demand_enter,
    demand_submit,
    issue_merge,
    issue_rename,
    issue_split,
    reply_rate,
    report_answer_and_feed_back,
    report_create,
    report_submit,
    report_update,
    run_start,
)
from tests.factories import make_id_number

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# ------------------------------------------------------------------------------------------ intake


def test_worker_submits_and_gets_a_tracking_number(world):
    demand = demand_submit(
        user=world.worker, text="食堂饭菜太贵了，一份青菜八块钱，希望工会跟老板反映", is_anonymous=True
    )
    assert demand.tracking_no.startswith("SQ") and len(demand.tracking_no) == 14
    assert demand.org == world.union_a and demand.member == world.member_a
    assert demand.status == DemandStatus.RECEIVED and demand.is_anonymous
    assert AuditEvent.objects.filter(action="demand.submit", object_id=str(demand.pk)).exists()
    assert selectors.get_my_demand(world.worker, demand.tracking_no.lower()) == demand


def test_id_and_mobile_numbers_are_masked_in_the_analysed_copy_and_the_audit(world):
    id_number = make_id_number()
    demand = demand_submit(user=world.worker, text=f"我的身份证{id_number}电话13912345678，工资三个月没发")
    assert id_number in demand.text  # the original is kept as written
    assert id_number not in demand.text_normalized and "13912345678" not in demand.text_normalized
    event = AuditEvent.objects.get(action="demand.submit", object_id=str(demand.pk))
    assert id_number not in str(event.after) and "13912345678" not in str(event.after)
    assert "工资" not in str(event.after) and event.after["chars"] == len(demand.text)


def test_a_double_tap_files_one_demand(world):
    first = demand_submit(user=world.worker, text="宿舍热水器坏了一个月没人修")
    second = demand_submit(user=world.worker, text="宿舍热水器坏了一个月没人修")
    assert first.pk == second.pk
    assert Demand.objects.filter(submitter=world.worker).count() == 1


@pytest.mark.parametrize(
    ("text", "field"),
    [("好", "text"), ("字" * 2001, "text")],
)
def test_bad_text_is_refused_naming_the_field(world, text, field):
    with pytest.raises(DomainError) as err:
        demand_submit(user=world.worker, text=text)
    assert err.value.field == field
    assert not Demand.objects.exists()


def test_a_user_without_membership_cannot_submit(world):
    with pytest.raises(DomainError, match="入会"):
        demand_submit(user=world.cadre_a, text="食堂饭菜太贵了，希望改善")


def test_attachments_are_checked_by_their_bytes(world):
    demand = demand_submit(user=world.worker, text="工地脚手架松动有安全隐患", attachments=[Upload("现场.png", PNG)])
    assert demand.attachments.get().content_type == "image/png"
    with pytest.raises(DomainError, match="不是图片"):
        demand_submit(user=world.worker, text="另一个问题：夜班没有补贴", attachments=[Upload("a.png", b"MZ\x90")])
    assert Demand.objects.count() == 1


def test_cadre_enters_demands_only_inside_their_subtree(world):
    demand = demand_enter(
        actor=world.cadre_a, org=world.union_a, text="走访时职工反映加班费没按规定发", source=DemandSource.VISIT
    )
    assert demand.entered_by == world.cadre_a and demand.submitter is None
    with pytest.raises(NotFound):
        demand_enter(actor=world.cadre_b, org=world.union_a, text="越权代录的诉求内容", source=DemandSource.VISIT)
    with pytest.raises(NotFound):
        demand_enter(actor=world.leader, org=world.union_a, text="领导只能查看不能代录", source=DemandSource.VISIT)
    with pytest.raises(DomainError) as err:
        demand_enter(
            actor=world.cadre_a,
            org=world.union_a,
            text="明天才发生的事情",
            source=DemandSource.VISIT,
            submitted_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert err.value.field == "submitted_on"


def test_demands_are_scoped_along_the_tree(world, demands):
    mine = set(selectors.demands_for(world.cadre_a).values_list("org_id", flat=True))
    assert mine == {world.union_a.pk}
    county = set(selectors.demands_for(world.county_cadre_a).values_list("org_id", flat=True))
    assert county == {world.union_a.pk, world.union_a2.pk}
    assert selectors.demands_for(world.city_admin).count() == 36
    assert selectors.demands_for(world.worker).count() == 0
    other = demands["wage_arrears"][2]  # union_b
    with pytest.raises(NotFound):
        selectors.get_demand_for_user(world.cadre_a, other.pk)


# ------------------------------------------------------------------------------------------ analysis


def _analyse(actor, org) -> ClusterRun:
    run = run_start(actor=actor, scope_org=org)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    return run


def _issue_of(demand: Demand, org) -> Issue | None:
    m = IssueMembership.objects.filter(demand=demand, scope_org=org).select_related("issue").first()
    return m.issue if m else None


def _main_issue(ds: list[Demand], org) -> Issue | None:
    """The issue holding most of these demands."""
    found = [i for i in (_issue_of(d, org) for d in ds) if i is not None]
    return max(set(found), key=found.count) if found else None


def test_a_run_finds_the_topics_and_keeps_them_apart(world, demands):
    run = _analyse(world.city_admin, world.city)
    assert run.progress == 100 and run.demand_count == 36
    issues = list(selectors.active_issues(world.city))
    assert len(issues) >= 3
    homes = {topic: _main_issue(ds, world.city) for topic, ds in demands.items()}
    assert None not in homes.values() and len(set(homes.values())) == 3, homes
    biggest = max(issues, key=lambda i: i.size)
    assert biggest.distinct_unions >= 2 and biggest.distinct_submitters == biggest.size
    assert issues[0].score >= issues[-1].score
    assert Demand.objects.filter(status=DemandStatus.CLUSTERED).count() == sum(i.size for i in issues)


def test_levels_see_their_own_issues(world, demands):
    _analyse(world.cadre_a, world.union_a)
    _analyse(world.county_cadre_a, world.county_a)
    union_level = selectors.issues_for(world.cadre_a)
    assert union_level.exists() and {i.scope_org_id for i in union_level} == {world.union_a.pk}
    county_level = selectors.issues_for(world.county_cadre_a)
    assert {i.scope_org_id for i in county_level} == {world.union_a.pk, world.county_a.pk}
    county_issue = county_level.filter(scope_org=world.county_a).first()
    with pytest.raises(NotFound):
        selectors.get_issue_for_user(world.cadre_b, county_issue.pk)
    with pytest.raises(NotFound):
        run_start(actor=world.cadre_a, scope_org=world.county_a)


def test_a_second_run_while_one_is_open_is_refused(world, demands):
    ClusterRun.objects.create(scope_org=world.city, requested_by=world.city_admin)
    with pytest.raises(Conflict):
        run_start(actor=world.city_admin, scope_org=world.city)


def test_a_run_left_open_by_a_dead_worker_does_not_block_the_org(world, demands):
    stuck = ClusterRun.objects.create(scope_org=world.city, requested_by=world.city_admin, status=RunStatus.RUNNING)
    ClusterRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    run = run_start(actor=world.city_admin, scope_org=world.city)
    stuck.refresh_from_db()
    run.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and "中断" in stuck.message
    assert run.status == RunStatus.DONE


def test_too_few_demands_fail_with_a_message(world):
    demand_enter(actor=world.cadre_a, org=world.union_a, text="食堂饭菜太贵了", source=DemandSource.VISIT)
    run = run_start(actor=world.cadre_a, scope_org=world.union_a)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "至少需要" in run.message
    assert not Issue.objects.exists()


def test_rename_merge_and_split_survive_the_next_run(world, demands):
    _analyse(world.city_admin, world.city)
    wage = _main_issue(demands["wage_arrears"], world.city)
    canteen = _main_issue(demands["canteen_dorm"], world.city)
    school = _main_issue(demands["child_schooling"], world.city)
    assert wage and canteen and school and len({wage.pk, canteen.pk, school.pk}) == 3

    renamed = issue_rename(actor=world.city_admin, issue=wage, label="农民工工资拖欠", version=wage.version)
    with pytest.raises(StaleVersion):
        issue_rename(actor=world.city_admin, issue=wage, label="旧表单", version=wage.version)
    merged = issue_merge(actor=world.city_admin, target=canteen, sources=[school])
    moved = [d.pk for d in demands["wage_arrears"] if _issue_of(d, world.city) == renamed][:2]
    assert moved
    split = issue_split(actor=world.city_admin, issue=renamed, demand_ids=moved, label="包工头跑路")

    _analyse(world.city_admin, world.city)

    renamed.refresh_from_db()
    assert renamed.status == IssueStatus.ACTIVE and renamed.label == "农民工工资拖欠"
    school.refresh_from_db()
    assert school.status == IssueStatus.MERGED and school.merged_into_id == merged.pk
    school_members = IssueMembership.objects.filter(issue=merged, demand__in=demands["child_schooling"])
    assert school_members.count() >= 2 and not IssueMembership.objects.filter(issue=school).exists()
    assert {_issue_of(Demand.objects.get(pk=pk), world.city).pk for pk in moved} == {split.pk}
    split.refresh_from_db()
    assert split.label == "包工头跑路" and split.size == len(moved)
    assert AuditEvent.objects.filter(action__in=["issue.rename", "issue.merge", "issue.split"]).count() == 3


def test_cadres_cannot_edit_issues_outside_their_scope(world, demands):
    _analyse(world.city_admin, world.city)
    issue = selectors.active_issues(world.city).first()
    with pytest.raises(NotFound):
        issue_rename(actor=world.county_cadre_a, issue=issue, label="越权改名")
    with pytest.raises(NotFound):
        issue_rename(actor=world.leader, issue=issue, label="领导只读")
    issue.refresh_from_db()
    assert issue.label != "越权改名"


# ------------------------------------------------------------------------------------------ reports


def _report(world, demands) -> Report:
    _analyse(world.city_admin, world.city)
    top = list(selectors.active_issues(world.city)[:2])
    return report_create(actor=world.city_admin, org=world.city, issues=top)


def test_report_runs_draft_submitted_answered_fed_back(world, demands):
    worker_demand = demand_submit(user=world.worker, text=demands["wage_arrears"][0].text + "，我也是")
    report = _report(world, demands)
    assert report.status == ReportStatus.DRAFT and report.serial == 1
    issue = report.items.first().issue
    IssueMembership.objects.update_or_create(demand=worker_demand, scope_org=world.city, defaults={"issue": issue})

    report = report_update(
        actor=world.city_admin,
        report=report,
        version=report.version,
        title="关于农民工欠薪问题的专报",
        summary="导语",
        asks="建议市人社局开展专项检查",
    )
    with pytest.raises(StaleVersion):
        report_update(actor=world.city_admin, report=report, version=1, title="旧", summary="", asks="")
    with pytest.raises(DomainError) as err:
        report_submit(actor=world.city_admin, report=report, version=report.version, submitted_to="")
    assert err.value.field == "submitted_to"
    report = report_submit(
        actor=world.city_admin, report=report, version=report.version, submitted_to="中共丽江市委办公室"
    )
    assert report.status == ReportStatus.SUBMITTED and report.snapshot["title"] == "关于农民工欠薪问题的专报"
    assert not IssueMembership.objects.filter(issue__in=report.issues.all(), pinned=False).exists()
    worker_demand.refresh_from_db()
    assert worker_demand.status == DemandStatus.REPORTED

    report_answer_and_feed_back(
        actor=world.city_admin,
        report=report,
        version=report.version,
        body="丽江市人力资源和社会保障局",
        text="已部署欠薪专项整治，限期清偿。",
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.FED_BACK and report.workers_reached == 1
    reply = DemandReply.objects.get(demand=worker_demand)
    assert reply.answer.text.startswith("已部署")
    assert Notification.objects.filter(user=world.worker, title__contains="答复").count() == 1
    answered = Demand.objects.filter(memberships__issue__in=report.issues.all()).distinct()
    assert DemandReply.objects.filter(answer=reply.answer).count() == answered.count()

    reply_rate(user=world.worker, reply=reply, rating=Rating.BASICALLY, comment="希望尽快落实")
    reply.refresh_from_db()
    assert reply.rating == Rating.BASICALLY and reply.rated_at
    with pytest.raises(NotFound):
        reply_rate(user=world.cadre_a, reply=reply, rating=Rating.UNSATISFIED)
    with pytest.raises(DomainError):
        reply_rate(user=world.worker, reply=reply, rating="great")

    figures = selectors.loop_figures(world.city_admin, world.city)["overall"]
    assert figures["answered"] == answered.count() and figures["ratings"][Rating.BASICALLY] == 1
    assert figures["satisfaction"] == 1.0 and figures["avg_days_to_answer"] is not None


def test_answer_cannot_be_recorded_twice_or_before_submission(world, demands):
    report = _report(world, demands)
    with pytest.raises(DomainError):
        report_answer_and_feed_back(
            actor=world.city_admin, report=report, version=report.version, body="某局", text="答复"
        )
    report = report_submit(actor=world.city_admin, report=report, version=report.version, submitted_to="市政府")
    report_answer_and_feed_back(actor=world.city_admin, report=report, version=report.version, body="某局", text="答复")
    with pytest.raises(StaleVersion):  # the form of the first answer, sent again
        report_answer_and_feed_back(
            actor=world.city_admin, report=report, version=report.version, body="某局", text="再答"
        )
    report.refresh_from_db()
    with pytest.raises(DomainError, match="已反馈"):  # a fresh form: the report is past that step
        report_answer_and_feed_back(
            actor=world.city_admin, report=report, version=report.version, body="某局", text="再答"
        )
    from gonghui.voice.models import Answer

    assert list(Answer.objects.filter(report=report).values_list("text", flat=True)) == ["答复"]


def test_reports_are_scoped_and_serials_count_per_org(world, demands):
    first = _report(world, demands)
    second = report_create(actor=world.city_admin, org=world.city, issues=[first.items.first().issue])
    assert (first.serial, second.serial) == (1, 2)
    with pytest.raises(NotFound):
        selectors.get_report_for_user(world.county_cadre_a, first.pk)
    assert selectors.get_report_for_user(world.leader, first.pk) == first
    with pytest.raises(NotFound):
        report_create(actor=world.county_cadre_a, org=world.county_a, issues=[first.items.first().issue])
    with pytest.raises(DomainError):
        report_create(actor=world.city_admin, org=world.city, issues=[])


def test_the_demo_federation_shows_the_whole_loop(db):
    from django.core.management import call_command

    from gonghui.accounts.models import User

    call_command("seed-demo", "--members", "200")
    worker = User.objects.get(mobile="13900000001")
    mine = list(selectors.my_demands(worker))
    assert len(mine) == 3
    assert any(d.replies.exists() for d in mine)  # the answered report reached the demo worker
    assert Issue.objects.filter(status=IssueStatus.ACTIVE).count() >= 4
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DRAFT, ReportStatus.FED_BACK}


def test_a_cadre_files_a_demand_into_an_issue_and_the_next_run_keeps_it(world, demands):
    from gonghui.voice.services import issue_add_demand

    _analyse(world.city_admin, world.city)
    canteen = _main_issue(demands["canteen_dorm"], world.city)
    late = demand_enter(
        actor=world.cadre_b, org=world.union_b, text="水电站夜班没有补贴也没有宵夜", source=DemandSource.HOTLINE
    )
    assert canteen in selectors.issues_covering(world.city_admin, late)
    assert canteen not in selectors.issues_covering(world.cadre_a, late)  # union_b is not cadre_a's
    before = canteen.size
    issue_add_demand(actor=world.city_admin, issue=canteen, demand=late)
    canteen.refresh_from_db()
    assert canteen.size == before + 1
    late.refresh_from_db()
    assert late.status == DemandStatus.CLUSTERED
    with pytest.raises(NotFound):
        issue_add_demand(actor=world.cadre_a, issue=canteen, demand=late)
    _analyse(world.city_admin, world.city)
    assert _issue_of(late, world.city) == canteen
    assert IssueMembership.objects.get(demand=late, scope_org=world.city).pinned


def test_when_clusters_continue_one_merged_issue_the_biggest_describes_it(world, demands):
    from gonghui.voice.pipeline import ClusterResult, IssueCluster, Strength
    from gonghui.voice.services.analysis import apply_result

    ids = [d.pk for d in demands["wage_arrears"][:7]]
    merged = Issue.objects.create(scope_org=world.city, label="旧名")
    for d in ids[:6]:  # a cadre's merge pinned six of them together
        IssueMembership.objects.create(issue=merged, demand_id=d, scope_org=world.city, pinned=True)
    run = ClusterRun.objects.create(scope_org=world.city, requested_by=world.city_admin)

    def cluster(label: str, members: list[int]) -> IssueCluster:
        strength = Strength(len(members), len(members), 1, 0, 0, None, 0, [], 1.0)
        return IssueCluster(label, [label], len(members), [str(members[0])], [str(m) for m in members], strength)

    result = ClusterResult(issues=[cluster("大的", ids[2:7]), cluster("小的", ids[:2])], noise=[], duplicates=[])
    apply_result(run=run, result=result, docs=[])
    merged.refresh_from_db()
    assert merged.status == IssueStatus.ACTIVE and merged.label == "大的"
    assert IssueMembership.objects.filter(issue=merged).count() == 7  # the seventh joined its merged issue
    result = ClusterResult(issues=[cluster("小的", ids[:2]), cluster("大的", ids[2:7])], noise=[], duplicates=[])
    apply_result(run=run, result=result, docs=[])
    merged.refresh_from_db()
    assert merged.label == "大的"  # whatever the order the clusters come in


def test_demand_search_narrows_within_scope_and_ignores_unknown_values(world, demands):
    wage = demands["wage_arrears"]
    found = selectors.demand_search(world.county_cadre_a, org=world.union_a)
    assert {d.org_id for d in found} == {world.union_a.pk}
    assert selectors.demand_search(world.cadre_a, source="hotline").count() == 0
    assert selectors.demand_search(world.cadre_a, source="visit").count() == 12
    assert selectors.demand_search(world.cadre_a, status="nonsense").count() == 12
    word = wage[0].text_normalized[2:6]
    hits = selectors.demand_search(world.city_admin, q=word)
    assert wage[0] in hits and all(word in d.text_normalized for d in hits)
    assert (
        not selectors.demand_search(world.cadre_b, org=None, q=wage[0].text_normalized[:8])
        .filter(org=world.union_a)
        .exists()
    )
    dates = [d.submitted_on for d in selectors.demand_search(world.city_admin)]
    assert dates == sorted(dates, reverse=True)
