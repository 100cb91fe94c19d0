"""The JSON API: authentication, scoping (forbidden == 404), versions, reveal audit, queues, imports."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.accounts.models import ApiToken
from gonghui.accounts.services import token_create, token_revoke
from gonghui.core.models import AuditEvent
from gonghui.members.models import JoinRequest, Member, TransferRequest
from gonghui.members.services import join_request_submit, transfer_request_create
from gonghui.orgs.models import Org, OrgStatus
from tests.data.roster.builders import hanzi_number
from tests.factories import make_id_number, make_member, make_user

pytestmark = pytest.mark.django_db


class Api:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, user: Any) -> None:
        self.client = Client()
        _, self.secret = token_create(user=user, name="test", actor=None)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self.headers)

    def post(self, url: str, body: Any = None) -> Any:
        return self.client.post(url, json.dumps(body or {}), content_type="application/json", **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(url, json.dumps(body), content_type="application/json", **self.headers)


def test_anonymous_gets_401_json_in_chinese(client):
    r = client.get("/api/members/")
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/json")
    assert "登录" in r.json()["detail"]
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_bad_and_revoked_tokens_are_refused(world, client):
    r = client.get("/api/me", HTTP_AUTHORIZATION="Bearer gh_not-a-token")
    assert r.status_code == 401 and "令牌" in r.json()["detail"]
    token, secret = token_create(user=world.cadre_a, name="x", actor=None)
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    token_revoke(token=token, actor=world.cadre_a)
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_of_deactivated_user_is_refused(world, client):
    _, secret = token_create(user=world.cadre_a, name="x", actor=None)
    world.cadre_a.is_active = False
    world.cadre_a.save()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_session_auth_needs_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cadre_a)
    m = world.member_a
    assert client.get(f"/api/members/{m.pk}").status_code == 200
    body = json.dumps({"version": m.version, "employer": "无CSRF"})
    r = client.patch(f"/api/members/{m.pk}", body, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert Member.objects.get(pk=m.pk).employer == ""
    client.get("/accounts/password/")  # a page with a form sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    r = client.patch(f"/api/members/{m.pk}", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200, r.content
    assert Member.objects.get(pk=m.pk).employer == "无CSRF"


def test_session_with_first_password_is_refused(world):
    world.cadre_a.must_change_password = True
    world.cadre_a.save()
    client = Client()
    client.force_login(world.cadre_a)
    r = client.get("/api/me")
    assert r.status_code == 403 and "初始密码" in r.json()["detail"]


def test_me_lists_roles_and_actions(world):
    data = Api(world.cadre_a).get("/api/me").json()
    assert data["is_cadre"] is True
    assert data["roles"][0]["org_code"] == world.union_a.code
    assert "reveal" in data["actions"] and "manage_orgs" not in data["actions"]
    assert "*" in data["mobile_masked"]


def test_member_list_is_scoped_masked_and_keyset_paginated(world):
    for i in range(5):
        make_member(world.union_a, f"和{hanzi_number(i)}号", id_number=make_id_number(serial=900 + i))
    api = Api(world.cadre_a)
    first = api.get("/api/members/", limit=3).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = api.get("/api/members/", limit=3, after=first["next_cursor"]).json()
    ids = [m["id"] for m in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 6  # member_a + 5, never member_b of another union
    assert world.member_b.pk not in ids
    body = json.dumps(first) + json.dumps(rest)
    assert all("*" in m["id_masked"] for m in first["items"])
    assert not re.search(r"\d{17}[\dX]", body)  # no full ID number anywhere


def test_member_search_by_name_initials_id_and_filters(world):
    api = Api(world.cadre_a)
    number = make_id_number(serial=950)
    make_member(world.union_a, "杨春梅", id_number=number, is_migrant_worker=True)
    assert [m["name"] for m in api.get("/api/members/", q="杨").json()["items"]] == ["杨春梅"]
    assert [m["name"] for m in api.get("/api/members/", q="ycm").json()["items"]] == ["杨春梅"]
    assert [m["name"] for m in api.get("/api/members/", q=number.lower()).json()["items"]] == ["杨春梅"]
    assert [m["name"] for m in api.get("/api/members/", is_migrant_worker="true").json()["items"]] == ["杨春梅"]
    # the other union's member is not found by its exact ID number either
    assert api.get("/api/members/", q=world.member_b.name).json()["items"] == []
    r = api.get("/api/members/", q="12345")
    assert r.status_code == 422 and r.json()["field"] == "q"
    assert api.get("/api/members/", org=world.union_b.code).status_code == 404


def test_other_union_member_is_not_found(world):
    api = Api(world.cadre_b)
    m = world.member_a
    for r in (
        api.get(f"/api/members/{m.pk}"),
        api.patch(f"/api/members/{m.pk}", {"version": m.version, "employer": "越权"}),
        api.post(f"/api/members/{m.pk}/reveal-id"),
        api.get(f"/api/members/{m.pk}/events"),
        api.get(f"/api/members/{10**12}"),
    ):
        assert r.status_code == 404, r.content
        assert r.json()["detail"] == "未找到该会员"
    assert Member.objects.get(pk=m.pk).employer == ""
    assert not AuditEvent.objects.filter(action="member.reveal_id").exists()


def test_update_with_version_and_stale_409(world):
    api = Api(world.cadre_a)
    m = world.member_a
    r = api.patch(f"/api/members/{m.pk}", {"version": m.version, "ethnicity": "白", "joined_on": "2020-05-01"})
    assert r.status_code == 200, r.content
    assert r.json()["ethnicity"] == "白族" and r.json()["version"] == m.version + 1
    stale = api.patch(f"/api/members/{m.pk}", {"version": m.version, "employer": "旧表单"})
    assert stale.status_code == 409
    assert stale.json() == {"detail": "该记录已被他人修改，请刷新页面后重新提交", "field": "version"}
    bad = api.patch(f"/api/members/{m.pk}", {"version": m.version + 1, "mobile": "12345"})
    assert bad.status_code == 422 and bad.json()["field"] == "mobile"
    missing = api.patch(f"/api/members/{m.pk}", {"employer": "无版本"})
    assert missing.status_code == 422 and missing.json()["field"] == "version"
    assert "缺少" in missing.json()["detail"]


def test_worker_reads_own_record_but_cannot_edit(world):
    api = Api(world.worker)
    m = world.member_a
    assert api.get(f"/api/members/{m.pk}").status_code == 200
    assert [x["id"] for x in api.get("/api/members/").json()["items"]] == [m.pk]
    assert api.patch(f"/api/members/{m.pk}", {"version": m.version, "employer": "自改"}).status_code == 404
    assert api.get(f"/api/members/{world.member_b.pk}").status_code == 404


def test_reveal_is_audited_and_needs_the_right(world):
    number = make_id_number(serial=960)
    m = make_member(world.union_a, "揭示", id_number=number)
    r = Api(world.cadre_a).post(f"/api/members/{m.pk}/reveal-id")
    assert r.status_code == 200 and r.json()["id_number"] == number
    event = AuditEvent.objects.get(action="member.reveal_id")
    assert event.actor == world.cadre_a and event.object_id == str(m.pk)
    assert number not in json.dumps([event.before, event.after, event.object_label])
    # the leader sees members but may not reveal: not found
    assert Api(world.leader).get(f"/api/members/{m.pk}").status_code == 200
    assert Api(world.leader).post(f"/api/members/{m.pk}/reveal-id").status_code == 404
    assert AuditEvent.objects.filter(action="member.reveal_id").count() == 1


def test_malformed_input_never_500(world):
    api = Api(world.cadre_a)
    m = world.member_a
    c, h = api.client, api.headers
    bad_name = json.dumps({"version": 1, "name": "a\x00b<"})
    cases = [
        c.patch(f"/api/members/{m.pk}", "{not json", content_type="application/json", **h),
        c.patch(f"/api/members/{m.pk}", "[]", content_type="application/json", **h),
        c.patch(f"/api/members/{m.pk}", json.dumps({"version": "x"}), content_type="application/json", **h),
        c.patch(f"/api/members/{m.pk}", json.dumps({"version": 2**40}), content_type="application/json", **h),
        c.patch(f"/api/members/{m.pk}", bad_name, content_type="application/json", **h),
        c.get("/api/members/", {"q": "\x00"}, **h),
        c.get("/api/members/", {"after": "-1"}, **h),
        c.get("/api/members/", {"limit": "100000"}, **h),
        c.get("/api/orgs/", {"cursor": "\x00"}, **h),
        c.get("/api/orgs/%00", **h),
        c.get("/api/members/abc", **h),
        c.post("/api/members/join-requests/1/reject", json.dumps({"note": ""}), content_type="application/json", **h),
    ]
    for r in cases:
        assert r.status_code < 500, r.content
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == {"detail", "field"} and body["detail"]
    assert [r.status_code for r in cases] == [400, 422, 422, 422, 422, 200, 422, 422, 200, 404, 422, 422]


def test_org_tree_read_and_manage(world):
    api = Api(world.county_cadre_a)
    codes = [o["code"] for o in api.get("/api/orgs/").json()["items"]]
    assert codes == [world.county_a.code, world.union_a.code, world.union_a2.code]
    page = api.get("/api/orgs/", limit=2).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get("/api/orgs/", limit=2, cursor=page["next_cursor"]).json()
    assert [o["code"] for o in rest["items"]] == [world.union_a2.code]
    r = api.post(f"/api/orgs/{world.county_a.code}/children", {"name": "新建物业工会", "kind": "grassroots"})
    assert r.status_code == 201, r.content
    new = r.json()
    assert new["parent_code"] == world.county_a.code and new["funds_received"] == "0.00"
    r = api.patch(
        f"/api/orgs/{new['code']}", {"version": new["version"], "fulltime_cadres": 2, "funds_received": "1200.5"}
    )
    assert r.status_code == 200 and r.json()["funds_received"] == "1200.50"
    assert api.patch(f"/api/orgs/{new['code']}", {"version": new["version"], "name": "旧"}).status_code == 409
    r = api.post(f"/api/orgs/{new['code']}/close", {"reason": "企业注销"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = api.post(f"/api/orgs/{world.union_a2.code}/merge", {"target_code": world.union_a.code})
    assert r.status_code == 200 and r.json()["code"] == world.union_a.code
    assert Org.objects.get(pk=world.union_a2.pk).status == OrgStatus.MERGED
    # outside the county: not found, and nothing changed
    before = AuditEvent.objects.count()
    assert api.get(f"/api/orgs/{world.union_b.code}").status_code == 404
    assert api.post(f"/api/orgs/{world.union_b.code}/close", {"reason": "越权"}).status_code == 404
    assert api.post(f"/api/orgs/{world.union_a.code}/move", {"parent_code": world.county_b.code}).status_code == 404
    assert AuditEvent.objects.count() == before
    # a rule of the tree: 422 naming the field
    r = api.post(f"/api/orgs/{world.union_a.code}/children", {"name": "错", "kind": "county"})
    assert r.status_code == 422 and r.json()["field"] == "kind"


def test_grassroots_cadre_cannot_manage_orgs(world):
    api = Api(world.cadre_a)
    assert api.get(f"/api/orgs/{world.union_a.code}").status_code == 200
    r = api.patch(f"/api/orgs/{world.union_a.code}", {"version": 1, "name": "改名"})
    assert r.status_code == 404
    assert Org.objects.get(pk=world.union_a.pk).name == "古城区某酒店工会"


def test_join_request_queue_approve_and_reject(world):
    applicant = make_user("申请人")
    req = join_request_submit(
        user=applicant, org=world.union_a, name="新会员", id_number=make_id_number(serial=970), mobile="13900000970"
    )
    other = join_request_submit(
        user=make_user("另一人"),
        org=world.union_a,
        name="另一人",
        id_number=make_id_number(serial=971),
        mobile="13900000971",
    )
    assert Api(world.cadre_b).get("/api/members/join-requests").json()["items"] == []
    assert Api(world.cadre_b).post(f"/api/members/join-requests/{req.pk}/approve").status_code == 404
    api = Api(world.cadre_a)
    items = api.get("/api/members/join-requests").json()["items"]
    assert {i["id"] for i in items} == {req.pk, other.pk}
    assert all("*" in i["id_masked"] for i in items)
    r = api.post(f"/api/members/join-requests/{req.pk}/approve", {"version": req.version})
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "新会员" and r.json()["org_code"] == world.union_a.code
    again = api.post(f"/api/members/join-requests/{req.pk}/approve", {})
    assert again.status_code == 422 and again.json()["field"] == "state"
    assert api.post(f"/api/members/join-requests/{other.pk}/reject", {"note": " "}).status_code == 422
    r = api.post(f"/api/members/join-requests/{other.pk}/reject", {"note": "信息不全"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert JoinRequest.objects.get(pk=other.pk).decision_note == "信息不全"


def test_transfer_flow_between_unions(world):
    a, b = Api(world.cadre_a), Api(world.cadre_b)
    m = world.member_a
    assert b.post(f"/api/members/{m.pk}/transfers", {"to_org_code": world.union_b.code}).status_code == 404
    r = a.post(f"/api/members/{m.pk}/transfers", {"to_org_code": "NOPE"})
    assert r.status_code == 422 and r.json()["field"] == "to_org_code"
    # The member asks for it: the cadre who releases it must not be the one who asked (no self-approval).
    r = Api(world.worker).post(f"/api/members/{m.pk}/transfers", {"to_org_code": world.union_b.code, "reason": "调动"})
    assert r.status_code == 201, r.content
    t = r.json()
    assert a.post(f"/api/members/{m.pk}/transfers", {"to_org_code": world.union_b.code}).status_code == 409
    assert b.post(f"/api/members/transfers/{t['id']}/release", {}).status_code == 404  # receiving side may not release
    assert Api(world.cadre_b).get("/api/members/transfers").json()["items"][0]["id"] == t["id"]
    r = a.post(f"/api/members/transfers/{t['id']}/release", {"version": t["version"]})
    assert r.status_code == 200 and r.json()["state"] == "released"
    assert a.post(f"/api/members/transfers/{t['id']}/accept", {}).status_code == 404  # sending side may not accept
    r = b.post(f"/api/members/transfers/{t['id']}/accept", {"version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert Member.objects.get(pk=m.pk).org_id == world.union_b.pk
    # now member_a is union_b's; union_a's cadre no longer sees them
    assert a.get(f"/api/members/{m.pk}").status_code == 404


def test_transfer_reject(world):
    req = transfer_request_create(member=world.member_a, to_org=world.union_b, reason="", actor=world.cadre_a)
    api = Api(world.cadre_a)
    r = api.post(f"/api/members/transfers/{req.pk}/reject", {"note": "本人撤销"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert TransferRequest.objects.get(pk=req.pk).decision_note == "本人撤销"


def _csv(rows: list[list[str]]) -> bytes:
    lines = ["姓名,公民身份号码,手机号码,民族"] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def test_import_dry_run_then_import(world):
    api = Api(world.cadre_a)
    good = [["和一", make_id_number(serial=980), "13900000980", "纳西族"]]
    bad = [*good, ["和二", "530702199001010000", "", "汉族"]]

    def upload(data: bytes, name: str = "名册.csv", **form: Any) -> Any:
        f = SimpleUploadedFile(name, data, content_type="text/csv")
        return api.client.post("/api/imports/members", {"file": f, **form}, **api.headers)

    r = upload(_csv(bad), org=world.union_a.code, dry_run="true")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted"] == 0 and body["imported"] is False
    assert body["errors"] and body["errors"][0]["row"] == 3 and "身份证" in body["errors"][0]["message"]
    before = Member.objects.count()
    r = upload(_csv(good), org=world.union_a.code, dry_run="true")
    assert r.json() == {"accepted": 1, "errors": [], "errors_omitted": 0, "dry_run": True, "imported": False}
    assert Member.objects.count() == before
    r = upload(_csv(good), org=world.union_a.code, dry_run="false")
    assert r.json()["accepted"] == 1 and r.json()["imported"] is True
    assert Member.objects.count() == before + 1
    # scope and file checks
    assert upload(_csv(good), org=world.union_b.code).status_code == 404
    r = upload(b"MZ\x90\x00", name="virus.exe", org=world.union_a.code)
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = api.client.post("/api/imports/members", {"org": world.union_a.code}, **api.headers)
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert Api(world.worker).client.post("/api/imports/members").status_code == 401


def test_openapi_and_docs_are_served_locally(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/members/{member_id}/reveal-id" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "docs page must not load assets from a CDN"
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_json_is_utf8(world):
    r = Api(world.cadre_a).get(f"/api/orgs/{world.union_a.code}")
    assert "古城区某酒店工会".encode() in r.content


def test_org_actions_refuse_a_stale_version(world):
    api = Api(world.county_cadre_a)
    org = api.post(f"/api/orgs/{world.county_a.code}/children", {"name": "待撤销工会", "kind": "grassroots"}).json()
    r = api.post(f"/api/orgs/{org['code']}/close", {"reason": "企业注销", "version": org["version"] + 1})
    assert r.status_code == 409 and r.json()["field"] == "version"
    assert Org.objects.get(code=org["code"]).status == OrgStatus.ACTIVE
    r = api.post(f"/api/orgs/{org['code']}/close", {"reason": "企业注销", "version": org["version"]})
    assert r.status_code == 200 and r.json()["status"] == "closed"
