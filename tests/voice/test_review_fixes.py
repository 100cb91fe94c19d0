"""Cases a review of the voice loop found: each of these was wrong once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.voice import selectors
from gonghui.voice.choices import DemandSource, DemandStatus, IssueStatus, Rating, ReportStatus
from gonghui.voice.models import Demand, DemandReply, Issue, IssueMembership, Report, ReportItem
from gonghui.voice.services import (
    demand_enter,
    demand_submit,
    issue_add_demand,
    issue_merge,
    reply_rate,
    report_answer_and_feed_back,
    report_create,
    report_submit,
    run_start,
)
from tests.factories import make_id_number


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issues(world) -> list[Issue]:
    run_start(actor=world.city_admin, scope_org=world.city)
    return list(selectors.active_issues(world.city)[:3])


def _answer(world, report: Report, **extra) -> Report:
    report = report_submit(actor=world.city_admin, report=report, version=report.version, submitted_to="市委")
    report_answer_and_feed_back(
        actor=world.city_admin, report=report, version=report.version, body="某局", text="答复内容", **extra
    )
    report.refresh_from_db()
    return report


def test_a_draft_follows_its_issue_into_a_merge_and_every_worker_hears(world, demands):
    a, b, _c = _issues(world)
    behind_a = set(IssueMembership.objects.filter(issue=a).values_list("demand_id", flat=True))
    report = report_create(actor=world.city_admin, org=world.city, issues=[a])
    issue_merge(actor=world.city_admin, target=b, sources=[a])
    assert list(ReportItem.objects.filter(report=report).values_list("issue_id", flat=True)) == [b.pk]
    report = _answer(world, report)
    assert report.status == ReportStatus.FED_BACK
    assert DemandReply.objects.filter(demand_id__in=behind_a).count() == len(behind_a)
    assert report.snapshot["total_demands"] == IssueMembership.objects.filter(issue=b).count()


def test_a_run_does_not_take_demands_away_from_an_issue_in_a_draft(world, demands):
    a, *_ = _issues(world)
    before = set(IssueMembership.objects.filter(issue=a).values_list("demand_id", flat=True))
    report_create(actor=world.city_admin, org=world.city, issues=[a])
    run_start(actor=world.city_admin, scope_org=world.city)
    a.refresh_from_db()
    assert a.status == IssueStatus.ACTIVE
    assert before <= set(IssueMembership.objects.filter(issue=a).values_list("demand_id", flat=True))


def test_a_report_on_an_emptied_issue_cannot_be_sent(world, demands):
    a, *_ = _issues(world)
    report = report_create(actor=world.city_admin, org=world.city, issues=[a])
    IssueMembership.objects.filter(issue=a).delete()
    client = client_for(world.city_admin)
    r = client.post(
        reverse("voice:report_submit", args=[report.pk]),
        {"submitted_to": "市委", "version": report.version},
        follow=True,
    )
    assert "已没有诉求" in r.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_report_dated_before_its_draft_is_refused_not_a_500(world, demands):
    a, *_ = _issues(world)
    report = report_create(actor=world.city_admin, org=world.city, issues=[a])
    r = client_for(world.city_admin).post(
        reverse("voice:report_submit", args=[report.pk]),
        {"submitted_to": "市委", "submitted_on": "0001-01-01", "version": report.version},
        follow=True,
    )
    assert r.status_code == 200 and "不能早于专报草稿生成的日期" in r.content.decode()


def test_days_to_answer_are_never_negative_and_late_joiners_count_from_delivery(world, demands):
    a, *_ = _issues(world)
    report = _answer(world, report_create(actor=world.city_admin, org=world.city, issues=[a]))
    figures = selectors.loop_figures(world.city_admin, world.city)["overall"]
    assert figures["avg_days_to_answer"] >= 0
    late = demand_enter(
        actor=world.cadre_a, org=world.union_a, text="后来才反映的同一个问题", source=DemandSource.VISIT
    )
    issue_add_demand(actor=world.city_admin, issue=a, demand=late)
    reply = DemandReply.objects.get(demand=late)  # the answer reached the late joiner at once
    assert reply.answer == report.answer
    assert selectors.loop_figures(world.city_admin, world.city)["overall"]["avg_days_to_answer"] >= 0


def test_a_worker_filed_after_the_answer_still_hears_it(world, demands):
    a, *_ = _issues(world)
    report = _answer(world, report_create(actor=world.city_admin, org=world.city, issues=[a]))
    reached = report.workers_reached
    mine = demand_submit(user=world.worker, text="我们这里也是同样的问题，希望一起解决")
    issue_add_demand(actor=world.city_admin, issue=a, demand=mine)
    mine.refresh_from_db()
    assert mine.status == DemandStatus.ANSWERED
    assert Notification.objects.filter(user=world.worker, title__contains="答复").count() == 1
    report.refresh_from_db()
    assert report.workers_reached == reached + 1


def test_a_rating_comment_is_masked_before_it_is_kept_or_audited(world, demands):
    a, *_ = _issues(world)
    mine = demand_submit(user=world.worker, text="工资拖欠了三个月，老板一直说没钱")
    IssueMembership.objects.update_or_create(demand=mine, scope_org=world.city, defaults={"issue": a})
    _answer(world, report_create(actor=world.city_admin, org=world.city, issues=[a]))
    id_number = make_id_number()
    reply = reply_rate(
        user=world.worker,
        reply=DemandReply.objects.get(demand=mine),
        rating=Rating.UNSATISFIED,
        comment=f"我身份证{id_number}电话13912345678",
    )
    assert id_number not in reply.comment and "13912345678" not in reply.comment
    event = AuditEvent.objects.get(action="reply.rate")
    assert id_number not in str(event.after) and "13912345678" not in str(event.after)


def test_a_union_cadre_sees_neither_the_county_report_nor_the_county_issue_names(world, demands):
    run_start(actor=world.county_cadre_a, scope_org=world.county_a)
    run_start(actor=world.cadre_a, scope_org=world.union_a)
    county_issue = Issue.objects.filter(scope_org=world.county_a).first()
    report_create(actor=world.county_cadre_a, org=world.county_a, issues=[county_issue], title="县级专报标题")
    union_issue = Issue.objects.filter(scope_org=world.union_a).first()
    report_create(actor=world.county_cadre_a, org=world.county_a, issues=[union_issue], title="县级专报标题")
    page = client_for(world.cadre_a).get(reverse("voice:issue", args=[union_issue.pk])).content.decode()
    assert "县级专报标题" not in page
    demand = Demand.objects.filter(org=world.union_a, memberships__scope_org=world.county_a).first()
    page = client_for(world.cadre_a).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert world.county_a.name + "：" not in page and world.union_a.name + "：" in page


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_taps_at_the_same_moment_file_one_demand(world):
    """Two requests racing: the row lock on the account makes the second see the first's demand."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    results: list[int] = []

    def tap() -> None:
        try:
            barrier.wait()
            results.append(demand_submit(user=world.worker, text="宿舍热水器坏了一个月没人修，冬天洗不了澡").pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and len(set(results)) == 1
    assert Demand.objects.filter(submitter=world.worker).count() == 1


def test_an_issue_comes_out_of_a_draft_and_the_rest_close_ranks(world, demands):
    from gonghui.voice.services import report_remove_issue

    a, b, c = _issues(world)
    report = report_create(actor=world.city_admin, org=world.city, issues=[a, b, c])
    first = report.items.order_by("rank").first().issue_id
    client = client_for(world.city_admin)
    url = reverse("voice:report_remove_issue", args=[report.pk, first])
    r = client.post(url, {"version": report.version}, follow=True)
    assert "已从专报中移出该议题" in r.content.decode()
    assert list(report.items.order_by("rank").values_list("rank", flat=True)) == [1, 2]
    assert first not in report.items.values_list("issue_id", flat=True)
    r = client.post(url, {"version": report.version}, follow=True)  # the old form again
    assert "该记录已被他人修改" in r.content.decode()
    report.refresh_from_db()
    last = report.items.first().issue_id
    report_remove_issue(
        actor=world.city_admin, report=report, issue_id=report.items.last().issue_id, version=report.version
    )
    report.refresh_from_db()
    with pytest.raises(DomainError, match="至少要有一个议题"):
        report_remove_issue(actor=world.city_admin, report=report, issue_id=last, version=report.version)
