"""Voice pages answer bad input with a Chinese message on the page, write nothing, and never 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.voice.choices import ReportStatus
from gonghui.voice.models import Demand, Issue, IssueMembership
from gonghui.voice.services import report_create, run_start
from tests.factories import make_id_number

HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil")'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_worker_submit_page_shows_errors_beside_the_field(world):
    c = client_for(world.worker)
    r = c.post(reverse("voice:submit"), {"kind": "demand", "text": "好"})
    assert r.status_code == 200
    assert "请把诉求写清楚一些" in r.content.decode()
    r = c.post(reverse("voice:submit"), {"kind": "nonsense", "text": "食堂太贵了希望改善"})
    assert r.status_code == 200 and "有效的选项" in r.content.decode()
    assert not Demand.objects.exists()


def test_a_hostile_string_is_stored_as_written_and_shown_escaped(world):
    c = client_for(world.worker)
    r = c.post(reverse("voice:submit"), {"kind": "demand", "text": HOSTILE})
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert demand.text == HOSTILE
    page = c.get(r["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    cadre_page = client_for(world.cadre_a).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert "<script>alert" not in cadre_page


def test_a_fake_image_attachment_is_refused_and_nothing_saved(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(world.worker)
    fake = SimpleUploadedFile("照片.png", b"MZ\x90\x00 not an image", content_type="image/png")
    r = c.post(reverse("voice:submit"), {"kind": "demand", "text": "车间噪音太大耳朵受不了", "attachments": [fake]})
    assert r.status_code == 200 and "不是图片" in r.content.decode()
    assert not Demand.objects.exists()


def test_cadre_sees_masked_numbers_and_not_the_anonymous_worker(world):
    id_number = make_id_number()
    c = client_for(world.worker)
    c.post(
        reverse("voice:submit"),
        {"kind": "demand", "text": f"我身份证{id_number}，工资三个月没发", "is_anonymous": "on"},
    )
    demand = Demand.objects.get()
    page = client_for(world.cadre_a).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert id_number not in page and "匿名" in page and world.member_a.name not in page
    listing = client_for(world.cadre_a).get(reverse("voice:demands")).content.decode()
    assert id_number not in listing
    own = c.get(reverse("voice:my_demand", args=[demand.tracking_no])).content.decode()
    assert id_number in own  # the worker sees what they wrote


def test_an_unknown_tracking_number_is_a_404(world):
    assert client_for(world.worker).get(reverse("voice:my_demand", args=["SQ000000XXXXXX"])).status_code == 404


def test_a_stale_report_form_is_refused_with_a_message(world, demands):
    run_start(actor=world.city_admin, scope_org=world.city)
    issue = Issue.objects.filter(scope_org=world.city).first()
    report = report_create(actor=world.city_admin, org=world.city, issues=[issue])
    c = client_for(world.city_admin)
    url = reverse("voice:report", args=[report.pk])
    fresh = {"title": "新标题", "summary": "", "asks": "", "version": report.version}
    assert c.post(url, fresh).status_code == 302
    r = c.post(url, {**fresh, "title": "旧表单的标题"})
    assert r.status_code == 200 and "该记录已被他人修改" in r.content.decode()
    report.refresh_from_db()
    assert report.title == "新标题"


def test_double_click_on_submit_report_records_it_once(world, demands):
    run_start(actor=world.city_admin, scope_org=world.city)
    report = report_create(actor=world.city_admin, org=world.city, issues=[Issue.objects.first()])
    c = client_for(world.city_admin)
    url = reverse("voice:report_submit", args=[report.pk])
    form = {"submitted_to": "市委办公室", "version": report.version}
    assert c.post(url, form).status_code == 302
    r = c.post(url, form, follow=True)
    assert r.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.version == 2


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_downloads_are_real_documents_and_unknown_formats_404(world, demands, fmt):
    run_start(actor=world.city_admin, scope_org=world.city)
    report = report_create(actor=world.city_admin, org=world.city, issues=[Issue.objects.first()])
    c = client_for(world.city_admin)
    r = c.get(reverse("voice:report_download", args=[report.pk, fmt]))
    assert r.status_code == 200
    assert r.content[:4] == (b"PK\x03\x04" if fmt == "docx" else b"%PDF")
    assert c.get(reverse("voice:report_download", args=[report.pk, "exe"])).status_code == 404


def test_split_without_a_choice_and_merge_without_target_say_why(world, demands):
    run_start(actor=world.city_admin, scope_org=world.city)
    issue = Issue.objects.filter(scope_org=world.city).first()
    c = client_for(world.city_admin)
    r = c.post(reverse("voice:issue_split", args=[issue.pk]), {"label": "新议题"}, follow=True)
    assert "请勾选要拆出的诉求" in r.content.decode()
    r = c.post(reverse("voice:issue_merge"), {"issue": [issue.pk]}, follow=True)
    assert "请选择合并后保留的议题" in r.content.decode()
    before = IssueMembership.objects.count()
    r = c.post(reverse("voice:issue_merge"), {"issue": ["abc"], "target": "xyz"})
    assert r.status_code == 404 and IssueMembership.objects.count() == before
    huge = "9" * 25  # past BIGINT: dropped or not found, never a 500
    r = c.post(reverse("voice:issue_split", args=[issue.pk]), {"demand": [huge], "label": "新议题"}, follow=True)
    assert r.status_code == 200 and "请勾选要拆出的诉求" in r.content.decode()
    r = c.post(reverse("voice:report_new"), {"org": world.city.code, "issue": [huge]}, follow=True)
    assert r.status_code == 200 and "请至少选择一个议题" in r.content.decode()
    assert c.get(reverse("voice:issue", args=[int(huge)])).status_code == 404


def test_issue_pages_render_for_each_level(world, demands):
    run_start(actor=world.county_cadre_a, scope_org=world.county_a)
    c = client_for(world.county_cadre_a)
    page = c.get(reverse("voice:issues")).content.decode()
    assert "议题 · " + world.county_a.name in page
    issue = Issue.objects.filter(scope_org=world.county_a).first()
    assert c.get(reverse("voice:issue", args=[issue.pk])).status_code == 200
    assert client_for(world.leader).get(reverse("voice:issues")).status_code == 200
    assert client_for(world.leader).post(reverse("voice:run_new"), {"org": world.city.code}).status_code == 404
    from gonghui.voice.models import ClusterRun

    assert not ClusterRun.objects.filter(scope_org=world.city).exists()  # the leader's POST started nothing


def test_demand_page_offers_the_issues_it_can_be_filed_into(world, demands):
    run_start(actor=world.city_admin, scope_org=world.city)
    demand = demands["wage_arrears"][0]
    page = client_for(world.city_admin).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert 'id="file-into"' in page and world.city.name + "：" in page
    leader_page = client_for(world.leader).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert 'id="file-into"' not in leader_page  # read-only


def test_a_rating_without_a_choice_is_refused_on_the_page(world, demands):
    from gonghui.voice.models import DemandReply
    from gonghui.voice.services import report_answer_and_feed_back, report_submit

    c = client_for(world.worker)
    c.post(reverse("voice:submit"), {"kind": "demand", "text": "工资拖欠了三个月，老板一直说没钱"})
    mine = Demand.objects.get(submitter=world.worker)
    run_start(actor=world.city_admin, scope_org=world.city)
    issue = Issue.objects.filter(scope_org=world.city).first()
    IssueMembership.objects.update_or_create(demand=mine, scope_org=world.city, defaults={"issue": issue})
    report = report_create(actor=world.city_admin, org=world.city, issues=[issue])
    report = report_submit(actor=world.city_admin, report=report, version=report.version, submitted_to="市委")
    report_answer_and_feed_back(actor=world.city_admin, report=report, version=report.version, body="某局", text="已办")
    reply = DemandReply.objects.get(demand=mine)
    url = reverse("voice:rate", args=[mine.tracking_no, reply.pk])
    r = c.post(url, {"rating": "great"}, follow=True)
    assert "请选择满意、基本满意或不满意" in r.content.decode()
    reply.refresh_from_db()
    assert reply.rating == ""
    r = c.post(url, {"rating": "satisfied"}, follow=True)
    assert "谢谢您的评价" in r.content.decode()
