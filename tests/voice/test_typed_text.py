"""What people type is kept as they typed it (issue 7, part 4): full-width punctuation on every page and in
the 专报 files, refused forms that give back what was typed, one length limit per field, and a form that
files once however often it is sent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from gonghui.core.models import AuditEvent, FormToken
from gonghui.voice import forms as voice_forms
from gonghui.voice import limits
from gonghui.voice.models import Answer, Demand, DemandReply, Issue, IssueMembership, Report
from gonghui.voice.services import (
    demand_enter,
    demand_submit,
    reply_rate,
    report_answer_and_feed_back,
    report_create,
    report_submit,
)

TYPED = "宿舍热水器坏了一个多月，冬天没法洗澡。希望：（一）尽快修好；（二）有人管！"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_on(page: str) -> str:
    found = TOKEN.search(page)
    assert found, "the form carries no submit-once token"
    return found.group(1)


def issue_of(demand: Demand, org) -> Issue:
    issue = Issue.objects.create(
        scope_org=org, label="宿舍热水", size=1, distinct_submitters=1, distinct_unions=1, representatives=[demand.pk]
    )
    IssueMembership.objects.create(issue=issue, demand=demand, scope_org=org)
    return issue


# --- 1. full-width punctuation stays wherever people read it -------------------------------------------


def test_a_demand_typed_with_full_width_punctuation_reads_the_same_on_every_page_and_in_the_reports(world):
    worker = client_for(world.worker)
    page = worker.get(reverse("voice:submit")).content.decode()
    r = worker.post(reverse("voice:submit"), {"kind": "demand", "text": TYPED, "form_token": token_on(page)})
    assert r.status_code == 302
    demand = Demand.objects.get(submitter=world.worker)
    assert demand.text == TYPED  # the original, as typed
    assert "，" not in demand.text_normalized and "," in demand.text_normalized  # the analysed copy is folded

    assert TYPED in worker.get(reverse("voice:my_demand", args=[demand.tracking_no])).content.decode()
    assert TYPED[:30] in worker.get(reverse("voice:mine")).content.decode()  # the list cuts at 40
    cadre = client_for(world.cadre_a)
    assert TYPED in cadre.get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert TYPED[:50] in cadre.get(reverse("voice:demands")).content.decode()
    issue = issue_of(demand, world.union_a)
    assert TYPED in cadre.get(reverse("voice:issue", args=[issue.pk])).content.decode()

    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue])
    docx = cadre.get(reverse("voice:report_download", args=[report.pk, "docx"]))
    assert docx.status_code == 200
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert TYPED in words
    pdf = cadre.get(reverse("voice:report_download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200
    printed = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert TYPED in printed


def test_numbers_typed_in_full_width_are_still_masked_where_cadres_read(world):
    said = "工资拖欠三个月，我的电话１３９８７６５４３２１，身份证５３０７０２１９９００１０１１２３４。"
    demand = demand_submit(user=world.worker, text=said)
    assert demand.text == said  # kept as typed for the worker
    page = client_for(world.cadre_a).get(reverse("voice:demand", args=[demand.pk])).content.decode()
    assert "[手机号]" in page and "[身份证号]" in page and "１３９８７６５４３２１" not in page
    assert "工资拖欠三个月，我的电话" in page


def test_report_titles_recipients_and_rating_comments_keep_their_punctuation(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(
        actor=world.cadre_a,
        org=world.union_a,
        issues=[issue_of(demand, world.union_a)],
        title="关于宿舍热水（冬季）的专报",
    )
    assert report.title == "关于宿舍热水（冬季）的专报"
    report = report_submit(
        actor=world.cadre_a, report=report, version=report.version, submitted_to="古城区委（办公室）"
    )
    assert report.submitted_to == "古城区委（办公室）"
    report_answer_and_feed_back(
        actor=world.cadre_a, report=report, version=report.version, body="区住建局", text="已修"
    )
    reply = DemandReply.objects.get(demand=demand)
    rated = reply_rate(user=world.worker, reply=reply, rating="satisfied", comment="修好了，谢谢！")
    assert rated.comment == "修好了，谢谢！"


# --- 2. a refused form gives back everything typed into it ---------------------------------------------


def test_a_refused_report_submission_keeps_the_recipient_and_the_date(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    cadre = client_for(world.cadre_a)
    url = reverse("voice:report_submit", args=[report.pk])
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = cadre.post(
        url, {"submitted_to": "中共古城区委办公室（督查室）", "submitted_on": tomorrow, "version": report.version}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "报送日期不能晚于今天" in page
    assert 'value="中共古城区委办公室（督查室）"' in page and f'value="{tomorrow}"' in page
    r = cadre.post(url, {"submitted_to": "", "submitted_on": "2026-01-05", "version": report.version})
    assert r.status_code == 200 and 'value="2026-01-05"' in r.content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_to == ""


def test_a_refused_answer_keeps_the_body_and_the_text(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    report = report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="区委")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = client_for(world.cadre_a).post(
        reverse("voice:report_answer", args=[report.pk]),
        {
            "body": "区住建局（物业科）",
            "text": "已安排维修，\n下周完成。",
            "answered_on": tomorrow,
            "version": report.version,
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "答复日期不能晚于今天" in page
    assert "区住建局（物业科）" in page and "已安排维修，\n下周完成。" in page
    assert not Answer.objects.exists()


def test_a_refused_report_edit_keeps_each_issues_asks(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    issue = issue_of(demand, world.union_a)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue])
    r = client_for(world.cadre_a).post(
        reverse("voice:report", args=[report.pk]),
        {
            "title": "新标题",
            "summary": "导语：",
            "asks": "",
            "version": report.version + 5,
            f"asks_{issue.pk}": "建议：每栋楼配一名维修工。",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "已被他人修改" in page
    assert "建议：每栋楼配一名维修工。" in page and 'value="新标题"' in page


def test_a_refused_rating_keeps_the_comment(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    report = report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="区委")
    report_answer_and_feed_back(
        actor=world.cadre_a, report=report, version=report.version, body="区住建局", text="已修"
    )
    reply = DemandReply.objects.get(demand=demand)
    r = client_for(world.worker).post(
        reverse("voice:rate", args=[demand.tracking_no, reply.pk]), {"rating": "", "comment": "还没修好，请再催一催！"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "请选择满意、基本满意或不满意" in page and 'value="还没修好，请再催一催！"' in page
    reply.refresh_from_db()
    assert reply.rating == "" and reply.comment == ""


def test_a_refused_cadre_entry_names_the_character_and_keeps_the_text(world):
    cadre = client_for(world.cadre_a)
    page = cadre.get(reverse("voice:demand_new")).content.decode()
    data = {"org": world.union_a.code, "source": "visit", "kind": "demand", "text": TYPED, "speaker_name": "和秀英😀"}
    r = cadre.post(reverse("voice:demand_new"), data | {"form_token": token_on(page)})
    body = r.content.decode()
    assert r.status_code == 200 and "反映人姓名不能含有表情或符号“😀”" in body
    assert TYPED in body and 'value="和秀英😀"' in body
    assert not Demand.objects.exists()
    r = cadre.post(reverse("voice:demand_new"), data | {"speaker_name": "和秀英", "form_token": token_on(body)})
    assert r.status_code == 302 and Demand.objects.get().speaker_name == "和秀英"


def test_the_worker_form_keeps_the_text_and_says_attachments_must_be_chosen_again(world):
    r = client_for(world.worker).post(reverse("voice:submit"), {"kind": "demand", "text": "一二三四" + "五" * 2000})
    page = r.content.decode()
    assert r.status_code == 200 and "最多 2000 字，现有 2004 字" in page and "一二三四五五" in page
    assert "附件需要重新选择" in page


# --- 3. one length limit per field ---------------------------------------------------------------------

FIELDS = [
    (voice_forms.SubmitForm, {}, "text", limits.DEMAND_TEXT, None),
    (voice_forms.EnterForm, {"org_choices": []}, "text", limits.DEMAND_TEXT, None),
    (voice_forms.EnterForm, {"org_choices": []}, "speaker_name", limits.SPEAKER_NAME, (Demand, "speaker_name")),
    (voice_forms.ReportEditForm, {}, "title", limits.REPORT_TITLE, (Report, "title")),
    (voice_forms.ReportEditForm, {}, "summary", limits.REPORT_SUMMARY, None),
    (voice_forms.ReportEditForm, {}, "asks", limits.REPORT_ASKS, None),
    (voice_forms.ReportSubmitForm, {}, "submitted_to", limits.SUBMITTED_TO, (Report, "submitted_to")),
    (voice_forms.AnswerForm, {}, "body", limits.ANSWER_BODY, (Answer, "body")),
    (voice_forms.AnswerForm, {}, "text", limits.ANSWER_TEXT, None),
    (voice_forms.RateForm, {}, "comment", limits.RATING_COMMENT, (DemandReply, "comment")),
]


@pytest.mark.parametrize(("form_class", "kwargs", "name", "limit", "model_field"), FIELDS)
def test_one_limit_in_the_widget_the_help_text_and_the_model(form_class, kwargs, name, limit, model_field):
    form = form_class(**kwargs)
    html = str(form[name])
    assert f'maxlength="{limit.max}"' in html
    assert form.fields[name].help_text.startswith(limit.help)
    if model_field is not None:
        model, field = model_field
        assert model._meta.get_field(field).max_length == limit.max
    too_long = form_class({name: "字" * (limit.max + 1)}, **kwargs)
    too_long.is_valid()
    assert too_long.errors[name] == [limit.problem("字" * (limit.max + 1))]


def test_the_demand_help_says_what_the_box_and_the_service_allow(world):
    form = voice_forms.SubmitForm()
    assert form.fields["text"].help_text.startswith("5–2000 字") and 'maxlength="2000"' in str(form["text"])
    assert demand_enter(actor=world.cadre_a, org=world.union_a, source="visit", text="字" * 2000).pk
    with pytest.raises(Exception) as exc:
        demand_enter(actor=world.cadre_a, org=world.union_a, source="visit", text="字" * 2001)
    assert "最多 2000 字，现有 2001 字" in str(exc.value)
    # line breaks count once, in the form as in the service (a browser sends them as CR LF)
    form = voice_forms.SubmitForm({"kind": "demand", "text": ("一" * 99 + "\r\n") * 20})
    assert form.is_valid(), form.errors


def test_the_service_limits_hold_without_the_form(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    with pytest.raises(Exception) as exc:
        report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="委" * 121)
    assert "120" in str(exc.value)
    report = report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="委" * 120)
    report_answer_and_feed_back(actor=world.cadre_a, report=report, version=report.version, body="局", text="已办")
    reply = DemandReply.objects.get(demand=demand)
    with pytest.raises(Exception) as exc:
        reply_rate(user=world.worker, reply=reply, rating="satisfied", comment="好" * 301)
    assert str(exc.value) == limits.RATING_COMMENT.problem("好" * 301)


# --- 4. the same form sent twice files once -------------------------------------------------------------


def test_back_then_submit_again_files_one_demand(world):
    worker = client_for(world.worker)
    token = token_on(worker.get(reverse("voice:submit")).content.decode())
    data = {"kind": "demand", "text": TYPED, "form_token": token}
    first = worker.post(reverse("voice:submit"), data)
    again = worker.post(reverse("voice:submit"), data)  # browser back, then 提交 again
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Demand.objects.filter(submitter=world.worker).count() == 1
    assert AuditEvent.objects.filter(action="demand.submit").count() == 1


def test_a_cadre_entry_sent_twice_files_once_and_save_and_continue_files_the_next(world):
    cadre = client_for(world.cadre_a)
    page = cadre.get(reverse("voice:demand_new")).content.decode()
    data = {"org": world.union_a.code, "source": "meeting", "kind": "demand", "text": TYPED, "again": "1"}
    first = cadre.post(reverse("voice:demand_new"), data | {"form_token": token_on(page)})
    cadre.post(reverse("voice:demand_new"), data | {"form_token": token_on(page)})
    assert first.status_code == 302 and Demand.objects.count() == 1
    # 保存并继续登记: the next, fresh form is another demand
    fresh = cadre.get(first["Location"]).content.decode()
    assert token_on(fresh) != token_on(page)
    cadre.post(reverse("voice:demand_new"), data | {"text": "夜班补贴一直没有发放。", "form_token": token_on(fresh)})
    assert Demand.objects.count() == 2 and AuditEvent.objects.filter(action="demand.enter").count() == 2
    # but the same words from the same speaker within minutes, on a fresh page, are the browser's back
    # button (the page is never cached, so it comes back with a new token): still the first demand
    back = cadre.get(reverse("voice:demand_new")).content.decode()
    cadre.post(reverse("voice:demand_new"), data | {"form_token": token_on(back)})
    assert Demand.objects.count() == 2 and AuditEvent.objects.filter(action="demand.enter").count() == 2


def test_a_report_form_sent_twice_makes_one_draft(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    issue = issue_of(demand, world.union_a)
    cadre = client_for(world.cadre_a)
    page = cadre.get(reverse("voice:issues"), {"org": world.union_a.code}).content.decode()
    data = {"org": world.union_a.code, "issue": [issue.pk], "title": "关于宿舍热水的专报", "form_token": token_on(page)}
    first = cadre.post(reverse("voice:report_new"), data)
    again = cadre.post(reverse("voice:report_new"), data)
    assert first["Location"] == again["Location"] and Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.create").count() == 1


def test_a_token_used_by_someone_else_or_forged_is_refused_with_the_text_kept(world):
    cadre = client_for(world.cadre_a)
    data = {"org": world.union_a.code, "source": "visit", "kind": "demand", "text": TYPED, "form_token": "forged"}
    r = cadre.post(reverse("voice:demand_new"), data)
    page = r.content.decode()
    assert r.status_code == 200 and "页面已打开太久" in page and TYPED in page and not Demand.objects.exists()
    r = cadre.post(reverse("voice:demand_new"), data | {"form_token": token_on(page)})  # sent again: it goes
    assert r.status_code == 302 and Demand.objects.count() == 1


def test_the_same_rating_sent_again_writes_no_second_audit_event(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    report = report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="区委")
    report_answer_and_feed_back(actor=world.cadre_a, report=report, version=report.version, body="局", text="已办")
    reply = DemandReply.objects.get(demand=demand)
    worker = client_for(world.worker)
    url = reverse("voice:rate", args=[demand.tracking_no, reply.pk])
    for _ in range(3):
        assert worker.post(url, {"rating": "satisfied", "comment": "谢谢，"}).status_code == 302
    assert AuditEvent.objects.filter(action="reply.rate").count() == 1
    worker.post(url, {"rating": "unsatisfied", "comment": "谢谢，"})  # a changed mind is a write
    assert AuditEvent.objects.filter(action="reply.rate").count() == 2


# --- 20 identical posts at once, on PostgreSQL (row locks and unique keys for real) ----------------------


def _at_once(n: int, call) -> list[object]:
    import threading

    from django.db import connection

    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_cadre_entry_posts_file_one_demand(world):
    page = client_for(world.cadre_a).get(reverse("voice:demand_new")).content.decode()
    data = {
        "org": world.union_a.code,
        "source": "hotline",
        "kind": "demand",
        "text": TYPED,
        "form_token": token_on(page),
    }

    def post() -> str:
        response = client_for(world.cadre_a).post(reverse("voice:demand_new"), data)
        assert response.status_code == 302, response.content.decode()[:500]
        return response["Location"]

    locations = _at_once(20, post)
    assert len(set(locations)) == 1
    assert Demand.objects.count() == 1 and FormToken.objects.count() == 1
    assert AuditEvent.objects.filter(action="demand.enter").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_worker_posts_and_report_forms_make_one_each(world):
    from gonghui.core.form_tokens import issue_form_token

    token = issue_form_token(limits.SUBMIT_TOKEN)
    ids = _at_once(20, lambda: demand_submit(user=world.worker, text=TYPED, form_token=token).pk)
    assert len(set(ids)) == 1 and Demand.objects.count() == 1
    demand = Demand.objects.get()
    issue = issue_of(demand, world.union_a)
    token = issue_form_token(limits.REPORT_CREATE_TOKEN)
    ids = _at_once(
        20, lambda: report_create(actor=world.cadre_a, org=world.union_a, issues=[issue], form_token=token).pk
    )
    assert len(set(ids)) == 1 and Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.create").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_rating_posts_store_one_rating_and_one_audit_event(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    report = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue_of(demand, world.union_a)])
    report = report_submit(actor=world.cadre_a, report=report, version=report.version, submitted_to="区委")
    from gonghui.voice.services import report_feed_back, report_record_answer

    report_record_answer(actor=world.cadre_a, report=report, version=report.version, body="局", text="已办")
    report_feed_back(report_id=report.pk)
    reply = DemandReply.objects.get(demand=demand)
    _at_once(20, lambda: reply_rate(user=world.worker, reply=reply, rating="satisfied", comment="满意，谢谢"))
    reply.refresh_from_db()
    assert reply.rating == "satisfied" and reply.comment == "满意，谢谢"
    assert AuditEvent.objects.filter(action="reply.rate").count() == 1


def test_a_search_typed_with_full_width_punctuation_or_traditional_characters_finds_the_demand(world):
    demand = demand_submit(user=world.worker, text=TYPED)
    cadre = client_for(world.cadre_a)
    for q in ["一个多月，冬天", "一个多月,冬天", "一個多月，冬天"]:
        page = cadre.get(reverse("voice:demands"), {"q": q}).content.decode()
        assert demand.tracking_no in page, q
    assert demand.tracking_no not in cadre.get(reverse("voice:demands"), {"q": "食堂"}).content.decode()


def test_the_api_gives_cadres_the_words_as_typed_with_numbers_masked(world):
    from tests.test_api import Api

    said = "夜班补贴（去年）一直没发，联系电话１３９８７６５４３２１。"
    r = Api(world.cadre_a).post(
        f"/api/voice/orgs/{world.union_a.code}/demands", {"text": said, "source": "hotline", "kind": "demand"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["text"] == "夜班补贴（去年）一直没发，联系电话[手机号]。"
    assert Demand.objects.get().text == said


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_survey_confirms_import_the_file_once(world):
    """The survey import's confirm is a workflow step on a locked, versioned job: one click goes through,
    the others find the job moved on and are refused; no form token is needed there."""
    import threading

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from gonghui.core.errors import DomainError
    from gonghui.voice.services.imports import get_survey_job_for_user, survey_job_confirm, survey_job_create

    text = "\ufeff内容,反映人\n宿舍热水经常停，洗澡很不方便：（一）早上；（二）晚上,木春梅\n".encode()
    job = survey_job_create(org=world.union_a, upload=SimpleUploadedFile("问卷.csv", text), actor=world.cadre_a)
    job = get_survey_job_for_user(world.cadre_a, job.pk)
    barrier = threading.Barrier(20)
    done: list[object] = []
    refused: list[str] = []

    def confirm() -> None:
        try:
            barrier.wait()
            done.append(survey_job_confirm(job=job, version=job.version, actor=world.cadre_a))
        except DomainError as exc:
            refused.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 1 and len(refused) == 19
    imported = list(Demand.objects.values_list("text", flat=True))
    assert imported == ["宿舍热水经常停，洗澡很不方便：（一）早上；（二）晚上"]  # typed punctuation kept
