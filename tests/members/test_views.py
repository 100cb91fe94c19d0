"""Member pages through Django's test client, with the personas of the `world` fixture."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.crypto import decrypt
from gonghui.core.models import AuditEvent
from gonghui.members.models import FamilyMember, JoinRequest, Member, TransferRequest
from gonghui.members.services import join_request_submit
from tests.data.roster.builders import hanzi_number
from tests.factories import make_id_number, make_member, make_user

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _full_id(member: Member) -> str:
    return decrypt(member.id_cipher, context=b"id_number")


# --- list ---------------------------------------------------------------------------------------------


def test_list_shows_only_members_in_scope(client, world):
    resp = _client(client, world.cadre_a).get(reverse("members:list"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "木丽华" in html and "李永福" not in html
    assert world.member_a.id_masked in html
    assert _full_id(world.member_a) not in html


def test_list_search_by_name_initials_id_and_mobile(client, world):
    c = _client(client, world.city_admin)
    for q in ("木丽", "mlh", _full_id(world.member_a), "13987000001"):
        html = c.get(reverse("members:list"), {"q": q}).content.decode()
        assert "木丽华" in html, q
        assert "李永福" not in html, q


def test_list_htmx_returns_the_results_fragment_only(client, world):
    resp = _client(client, world.cadre_a).get(reverse("members:list"), {"q": "木"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert "木丽华" in html
    assert "<html" not in html and 'role="search"' not in html


def test_list_partial_digits_get_a_chinese_hint(client, world):
    html = _client(client, world.cadre_a).get(reverse("members:list"), {"q": "1398"}).content.decode()
    assert "请输入完整的18位身份证号或11位手机号码" in html


def test_list_org_filter_outside_scope_is_404(client, world):
    resp = _client(client, world.cadre_a).get(reverse("members:list"), {"org": world.union_b.code})
    assert resp.status_code in (200, 404)
    # A union outside the scope is not even offered as a choice, so the form refuses it.
    assert "李永福" not in resp.content.decode()


def test_list_keyset_next_page_link(client, world):
    for i in range(3):
        make_member(world.union_a, f"木{hanzi_number(i)}号")
    c = _client(client, world.cadre_a)
    from gonghui.members import selectors

    first = selectors.member_search(user=world.cadre_a, q="木", limit=2)
    assert first.next_after is not None
    html = c.get(reverse("members:list"), {"q": "木", "after": first.next_after}).content.decode()
    assert "回到第一页" in html
    shown = [m.name for m in first.members]
    assert all(name not in html for name in shown)


def test_worker_on_list_goes_to_me(client, world):
    resp = _client(client, world.worker).get(reverse("members:list"))
    assert resp.status_code == 302 and resp.url == reverse("members:me")


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get(reverse("members:detail", args=[world.member_a.pk]))
    assert resp.status_code == 302 and "/accounts/login/" in resp.url


# --- detail, reveal, edit, history, leave ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "member", "status"),
    [
        ("cadre_a", "member_a", 200),
        ("cadre_a", "member_b", 404),
        ("cadre_b", "member_a", 404),
        ("county_cadre_a", "member_a", 200),
        ("county_cadre_a", "member_b", 404),
        ("city_admin", "member_b", 200),
        ("worker", "member_a", 200),
        ("worker", "member_b", 404),
    ],
)
def test_detail_scope(client, world, persona, member, status):
    resp = _client(client, getattr(world, persona)).get(reverse("members:detail", args=[getattr(world, member).pk]))
    assert resp.status_code == status


def test_detail_of_absent_member_is_404(client, world):
    assert _client(client, world.cadre_a).get(reverse("members:detail", args=[999999])).status_code == 404


def test_reveal_shows_full_number_and_is_audited(client, world):
    c = _client(client, world.cadre_a)
    detail = c.get(reverse("members:detail", args=[world.member_a.pk])).content.decode()
    assert "显示完整身份证号" in detail
    resp = c.post(reverse("members:reveal", args=[world.member_a.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    assert _full_id(world.member_a) in resp.content.decode()
    assert "<html" not in resp.content.decode()
    assert AuditEvent.objects.filter(
        action="member.reveal_id", object_id=str(world.member_a.pk), actor=world.cadre_a
    ).exists()


def test_reveal_refused_without_the_right(client, world):
    c = _client(client, world.leader)  # may view, may not reveal
    detail = c.get(reverse("members:detail", args=[world.member_a.pk])).content.decode()
    assert "显示完整身份证号" not in detail
    assert c.post(reverse("members:reveal", args=[world.member_a.pk])).status_code == 404
    assert _client(client, world.cadre_b).post(reverse("members:reveal", args=[world.member_a.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="member.reveal_id").exists()


def test_reveal_needs_post(client, world):
    assert _client(client, world.cadre_a).get(reverse("members:reveal", args=[world.member_a.pk])).status_code == 405


def _edit_data(member: Member, **changes: object) -> dict[str, object]:
    data = {
        "version": member.version,
        "name": member.name,
        "mobile": member.mobile,
        "ethnicity": member.ethnicity,
        "education": member.education,
        "political_status": member.political_status,
        "employer": member.employer,
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
    }
    if member.is_migrant_worker:
        data["is_migrant_worker"] = "on"
    data.update(changes)
    return data


def test_edit_saves_and_audits_before_and_after(client, world):
    c = _client(client, world.cadre_a)
    m = world.member_a
    resp = c.post(reverse("members:edit", args=[m.pk]), _edit_data(m, employer="丽江古城某酒店", education="college"))
    assert resp.status_code == 302
    m.refresh_from_db()
    assert m.employer == "丽江古城某酒店" and m.education == "college"
    event = AuditEvent.objects.get(action="member.update", object_id=str(m.pk))
    assert event.after == {"employer": "丽江古城某酒店", "education": "college"}
    assert event.before == {"employer": "", "education": ""}
    history = c.get(reverse("members:history", args=[m.pk])).content.decode()
    assert "修改会员信息" in history and "丽江古城某酒店" in history and "工作单位" in history


def test_edit_with_stale_version_is_refused_in_chinese(client, world):
    c = _client(client, world.cadre_a)
    m = world.member_a
    stale = _edit_data(m, employer="甲单位")
    c.post(reverse("members:edit", args=[m.pk]), _edit_data(m, employer="乙单位"))
    resp = c.post(reverse("members:edit", args=[m.pk]), stale)
    assert resp.status_code == 200
    assert "该记录已被他人修改，请刷新页面后重新提交" in resp.content.decode()
    m.refresh_from_db()
    assert m.employer == "乙单位"


def test_edit_bad_mobile_shows_field_error(client, world):
    c = _client(client, world.cadre_a)
    m = world.member_a
    resp = c.post(reverse("members:edit", args=[m.pk]), _edit_data(m, mobile="12345"))
    assert resp.status_code == 200
    assert "手机号码应为以1开头的11位数字" in resp.content.decode()
    m.refresh_from_db()
    assert m.mobile == "13987000001"


def test_edit_outside_scope_is_404_and_changes_nothing(client, world):
    m = world.member_a
    for persona in (world.cadre_b, world.leader, world.worker):
        resp = _client(client, persona).post(reverse("members:edit", args=[m.pk]), _edit_data(m, employer="X"))
        assert resp.status_code == 404
    m.refresh_from_db()
    assert m.employer == ""


def test_leave_needs_a_reason_then_records_it(client, world):
    c = _client(client, world.cadre_a)
    m = world.member_a
    resp = c.post(reverse("members:leave", args=[m.pk]), {"version": m.version, "reason": ""})
    assert resp.status_code == 200 and "退会原因" in resp.content.decode()
    resp = c.post(reverse("members:leave", args=[m.pk]), {"version": m.version, "reason": "调离本市"})
    assert resp.status_code == 302
    m.refresh_from_db()
    assert m.status == "left"
    assert "调离本市" in c.get(reverse("members:history", args=[m.pk])).content.decode()
    assert _client(client, world.cadre_b).get(reverse("members:leave", args=[world.member_a.pk])).status_code == 404


def test_transfer_out_of_the_platform_from_the_leave_page(client, world):
    c = _client(client, world.cadre_a)
    m = world.member_a
    resp = c.post(
        reverse("members:leave", args=[m.pk]),
        {"version": m.version, "how": "transferred", "reason": "调往四川省某工会"},
    )
    assert resp.status_code == 302
    m.refresh_from_db()
    assert m.status == "transferred"
    assert "转出" in c.get(reverse("members:detail", args=[m.pk])).content.decode()


# --- household ----------------------------------------------------------------------------------------


def test_cadre_adds_and_removes_a_family_member(client, world):
    c = _client(client, world.cadre_a)
    url = reverse("members:household", args=[world.member_a.pk])
    resp = c.post(
        url,
        {"form": "family", "fm-name": "和小明", "fm-relation": "child", "fm-is_student": "on", "fm-school": ""},
    )
    assert resp.status_code == 200 and "在校学生请填写学校" in resp.content.decode()
    resp = c.post(
        url,
        {
            "form": "family",
            "fm-name": "和小明",
            "fm-relation": "child",
            "fm-id_number": make_id_number("530702", sex="M"),
            "fm-is_student": "on",
            "fm-school": "丽江市第一中学",
        },
    )
    assert resp.status_code == 302
    person = FamilyMember.objects.get(name="和小明")
    assert "和小明" in c.get(url).content.decode()
    assert c.post(url, {"form": "address", "hh-address": "古城区七一街"}).status_code == 302
    assert "古城区七一街" in c.get(url).content.decode()
    other = _client(client, world.cadre_b)
    assert other.post(reverse("members:family_remove", args=[world.member_a.pk, person.pk])).status_code == 404
    c = _client(client, world.cadre_a)
    assert c.post(reverse("members:family_remove", args=[world.member_a.pk, person.pk])).status_code == 302
    assert not FamilyMember.objects.filter(pk=person.pk).exists()


def test_household_of_another_union_is_404(client, world):
    resp = _client(client, world.cadre_a).get(reverse("members:household", args=[world.member_b.pk]))
    assert resp.status_code == 404


# --- queues -------------------------------------------------------------------------------------------


def _join_request(world, name: str = "和新来"):
    applicant = make_user(name)
    return applicant, join_request_submit(
        user=applicant,
        org=world.union_a,
        name=name,
        id_number=make_id_number("530721"),
        mobile=applicant.mobile,
        ethnicity="纳西族",
    )


def test_queue_approve_twice_gives_a_clear_message_not_a_500(client, world):
    applicant, req = _join_request(world)
    c = _client(client, world.cadre_a)
    html = c.get(reverse("members:queues")).content.decode()
    assert "和新来" in html and req.id_masked in html
    url = reverse("members:join_decide", args=[req.pk, "approve"])
    first = c.post(url, follow=True)
    assert "已批准和新来的入会申请" in first.content.decode()
    second = c.post(url, follow=True)
    assert second.status_code == 200
    assert "该申请已通过，不能重复处理" in second.content.decode()
    assert Member.objects.filter(name="和新来").count() == 1
    applicant.refresh_from_db()
    assert applicant.member is not None and applicant.member.org == world.union_a


def test_queue_reject_needs_a_note(client, world):
    _, req = _join_request(world)
    c = _client(client, world.cadre_a)
    resp = c.post(reverse("members:join_decide", args=[req.pk, "reject"]), {"note": ""}, follow=True)
    assert "驳回时请写明原因" in resp.content.decode()
    c.post(reverse("members:join_decide", args=[req.pk, "reject"]), {"note": "请到单位工会核实劳动关系"})
    req.refresh_from_db()
    assert req.state == "rejected" and req.decision_note == "请到单位工会核实劳动关系"


def test_queue_of_another_union_is_hidden_and_404(client, world):
    _, req = _join_request(world)
    c = _client(client, world.cadre_b)
    assert "和新来" not in c.get(reverse("members:queues")).content.decode()
    assert c.post(reverse("members:join_decide", args=[req.pk, "approve"])).status_code == 404
    req.refresh_from_db()
    assert req.state == "pending"
    assert _client(client, world.worker).get(reverse("members:queues")).status_code == 404


def test_transfer_release_then_accept_through_the_queues(client, world):
    worker = _client(client, world.worker)
    page = worker.get(reverse("members:my_transfer"), {"org_q": "水电站"}).content.decode()
    assert world.union_b.name in page
    resp = worker.post(reverse("members:my_transfer"), {"org": world.union_b.code, "reason": "调到永胜工作"})
    assert resp.status_code == 302
    t = TransferRequest.objects.get(member=world.member_a)
    # The receiving union cannot act before the sending union releases.
    cadre_b = _client(client, world.cadre_b)
    assert "木丽华" not in cadre_b.get(reverse("members:queues")).content.decode()
    early = cadre_b.post(reverse("members:transfer_decide", args=[t.pk, "accept"]), follow=True)
    assert "不能再办理此步" in early.content.decode()
    t.refresh_from_db()
    assert t.state == "pending"
    # A union on neither side does not find it at all.
    outsider = make_user("外人", "grassroots_cadre", world.union_a2)
    assert _client(client, outsider).post(reverse("members:transfer_decide", args=[t.pk, "release"])).status_code == 404
    cadre_b = _client(client, world.cadre_b)
    cadre_a = _client(client, world.cadre_a)
    assert "木丽华" in cadre_a.get(reverse("members:queues")).content.decode()
    cadre_a.post(reverse("members:transfer_decide", args=[t.pk, "release"]))
    again = cadre_a.post(reverse("members:transfer_decide", args=[t.pk, "release"]), follow=True)
    assert "不能再办理此步" in again.content.decode()
    cadre_b = _client(client, world.cadre_b)
    assert "木丽华" in cadre_b.get(reverse("members:queues")).content.decode()
    cadre_b.post(reverse("members:transfer_decide", args=[t.pk, "accept"]))
    world.member_a.refresh_from_db()
    assert world.member_a.org == world.union_b


# --- self-service -------------------------------------------------------------------------------------


def test_worker_without_member_record_lands_on_join_and_applies(client, world):
    newcomer = make_user("和新人")
    c = _client(client, newcomer)
    home = c.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("members:join")
    assert "申请加入工会" in home.content.decode()
    search = c.get(reverse("members:org_search"), {"org_q": "酒店"}, HTTP_HX_REQUEST="true").content.decode()
    assert world.union_a.name in search and world.union_b.name not in search
    # No union chosen: a Chinese error, nothing written.
    resp = c.post(reverse("members:join"), {"name": "和新人", "id_number": make_id_number(), "mobile": newcomer.mobile})
    assert "请先搜索并选择要加入的工会" in resp.content.decode()
    bad = c.post(
        reverse("members:join"),
        {"org": world.union_a.code, "name": "和新人", "id_number": "53070219900101001X", "mobile": newcomer.mobile},
    )
    assert "身份证号" in bad.content.decode() and not JoinRequest.objects.exists()
    ok = c.post(
        reverse("members:join"),
        {"org": world.union_a.code, "name": "和新人", "id_number": make_id_number(), "mobile": newcomer.mobile},
    )
    assert ok.status_code == 302 and ok.url == reverse("members:my_requests")
    req = JoinRequest.objects.get(user=newcomer)
    page = c.get(reverse("members:my_requests")).content.decode()
    assert world.union_a.name in page and "待审批" in page
    c.post(reverse("members:my_join_cancel", args=[req.pk]))
    req.refresh_from_db()
    assert req.state == "cancelled"


def test_join_with_an_id_already_a_member_says_where(client, world):
    newcomer = make_user("冒名者")
    c = _client(client, newcomer)
    resp = c.post(
        reverse("members:join"),
        {"org": world.union_a.code, "name": "冒名者", "id_number": _full_id(world.member_b), "mobile": newcomer.mobile},
    )
    html = resp.content.decode()
    assert "该身份证号已登记为会员" in html
    assert world.union_b.name not in html  # masked for someone outside that union


def test_member_cannot_join_again(client, world):
    resp = _client(client, world.worker).get(reverse("members:join"))
    assert resp.status_code == 302 and resp.url == reverse("members:me")


def test_my_page_shows_masked_id_and_updates_mobile(client, world):
    c = _client(client, world.worker)
    html = c.get(reverse("members:me")).content.decode()
    assert world.member_a.id_masked in html and _full_id(world.member_a) not in html
    assert world.union_a.name in html
    resp = c.post(reverse("members:me"), {"mobile": "139 8700 0009"})
    assert resp.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.mobile == "13987000009"
    bad = c.post(reverse("members:me"), {"mobile": "abc"})
    assert "手机号码应为以1开头的11位数字" in bad.content.decode()
    assert AuditEvent.objects.filter(action="member.update_own", actor=world.worker).count() == 1


def test_my_household_add_and_remove(client, world):
    c = _client(client, world.worker)
    resp = c.post(
        reverse("members:my_household"),
        {"form": "family", "fm-name": "木小花", "fm-relation": "child", "fm-school": ""},
    )
    assert resp.status_code == 302
    person = FamilyMember.objects.get(name="木小花")
    assert person.household.head == world.member_a
    assert "木小花" in c.get(reverse("members:my_household")).content.decode()
    # Another worker cannot remove it.
    stranger_member = make_member(world.union_a, "旁人")
    stranger = make_user("旁人", member=stranger_member)
    assert _client(client, stranger).post(reverse("members:my_family_remove", args=[person.pk])).status_code == 404
    c = _client(client, world.worker)
    assert c.post(reverse("members:my_family_remove", args=[person.pk])).status_code == 302
    assert not FamilyMember.objects.filter(pk=person.pk).exists()


def test_own_reveal_is_audited(client, world):
    resp = _client(client, world.worker).post(reverse("members:my_reveal"), HTTP_HX_REQUEST="true")
    assert _full_id(world.member_a) in resp.content.decode()
    assert AuditEvent.objects.filter(action="member.reveal_id", actor=world.worker).count() == 1


def test_dates_are_shown_in_chinese(client, world):
    html = _client(client, world.cadre_a).get(reverse("members:detail", args=[world.member_a.pk])).content.decode()
    b = world.member_a.birth_date
    assert f"{b.year}年{b.month}月{b.day}日" in html


def test_queue_page_offers_a_reject_form_for_each_request(client, world):
    from gonghui.members.services import transfer_request_create

    _, req = _join_request(world)
    transfer = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="", actor=world.cadre_a)
    html = _client(client, world.cadre_a).get(reverse("members:queues")).content.decode()
    assert f'action="{reverse("members:join_decide", args=[req.pk, "reject"])}"' in html
    assert f'id="jr-note-{req.pk}"' in html and "驳回原因（申请人会看到）" in html
    assert f'action="{reverse("members:transfer_decide", args=[transfer.pk, "reject"])}"' in html
    assert f'id="tr-note-{transfer.pk}"' in html
