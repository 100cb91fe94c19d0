"""Cases of the foundation (accounts, orgs, members) and the voice loop."""

from __future__ import annotations

from typing import Any

from .base import *

PAGE_CASES: dict[str, list[Case]] = {
    # "home" (the 待办 page): tests/matrix/cases_home.py
    "healthz": [Case(everyone(OK, anonymous=OK))],
    "accounts:login": [
        Case(everyone(REDIRECT, anonymous=OK)),
        Case(everyone(REDIRECT, anonymous=OK), method="POST", data=lambda c: {"username": "139", "password": "x"}),
    ],
    "accounts:logout": [
        Case(everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
        Case(everyone(LOGIN, anonymous=LOGIN), method="POST"),
    ],
    "accounts:password_change": [
        Case(everyone(OK)),
        Case(everyone(OK), method="POST", data=lambda c: {"old_password": "wrong"}),
    ],
    # --- org tree
    "orgs:tree": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: [c.w.union_a.name],
            hidden=("cadre_b",),
        )
    ],
    "orgs:detail": [Case(union_a_only(OK), kwargs=org_code)],
    "orgs:create_child": [
        Case(managers_only(OK), kwargs=org_code),
        Case(managers_only(DONE), method="POST", kwargs=org_code, data=lambda c: {"kind": "group", "name": "一组"}),
    ],
    "orgs:edit": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "name": "改名工会"},
        ),
    ],
    "orgs:move": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "parent": c.w.county_b.code},
        ),
    ],
    "orgs:merge": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "target": c.w.union_a2.code},
        ),
    ],
    "orgs:close": [
        Case(managers_only(OK), kwargs=org_code),
        Case(
            managers_only(DONE),
            method="POST",
            kwargs=org_code,
            data=lambda c: {"version": c.w.union_a.version, "reason": "企业注销"},
        ),
    ],
    # --- cadre back office
    "members:list": [
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=union_a_names,
            hidden=("cadre_b",),
        ),
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            label="search by name",
            data=lambda c: {"q": "和"},
            secrets=union_a_names,
            hidden=("cadre_b",),
        ),
    ],
    "members:detail": [Case(union_a_only(OK), kwargs=member_pk)],
    "members:edit": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(union_a_only(DONE), method="POST", kwargs=member_pk, data=member_form),
    ],
    "members:history": [Case(union_a_only(OK), kwargs=member_pk)],
    "members:leave": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(
            union_a_only(DONE),
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"version": c.other_a.version, "reason": "退休"},
        ),
    ],
    "members:reveal": [
        Case(everyone(NOT_ALLOWED), kwargs=member_pk),
        Case(union_a_only(OK), method="POST", kwargs=member_pk),
    ],
    "members:household": [
        Case(union_a_only(OK), kwargs=member_pk),
        Case(
            union_a_only(DONE),
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"form": "address", "hh-address": "新地址"},
        ),
        Case(
            union_a_only(DONE),
            label="add family member",
            method="POST",
            kwargs=member_pk,
            data=lambda c: {"form": "family", "fm-name": "和小华", "fm-relation": "child"},
        ),
    ],
    "members:family_remove": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.family_a.pk}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.family_a.pk}),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=NF),
            label="family member of another household",
            method="POST",
            kwargs=lambda c: {"pk": c.other_a.pk, "fid": c.own_family.pk},
        ),
    ],
    "members:queues": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=union_a_names,
            hidden=("cadre_b",),
        )
    ],
    "members:join_decide": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.join_req.pk, "decision": "approve"}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.join_req.pk, "decision": "approve"}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.join_req.pk, "decision": "reject"},
            data=lambda c: {"note": "材料不全"},
        ),
        Case(
            union_a_only(NF),
            label="unknown decision",
            method="POST",
            kwargs=lambda c: {"pk": c.join_req.pk, "decision": "x"},
        ),
    ],
    "members:transfer_decide": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.transfer.pk, "decision": "release"}),
        Case(union_a_only(REDIRECT), method="POST", kwargs=lambda c: {"pk": c.transfer.pk, "decision": "release"}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.transfer.pk, "decision": "reject"},
            data=lambda c: {"note": "暂缓"},
        ),
    ],
    # --- self-service
    "members:me": [
        Case(everyone(OK), secrets=union_a_names, hidden=("worker", "cadre_b")),
        Case(
            who(worker=DONE, cadre_b=OK, cadre_a=OK, city_admin=OK),
            method="POST",
            data=lambda c: {"mobile": "13900009999"},
        ),
    ],
    "members:my_reveal": [
        Case(everyone(NOT_ALLOWED)),
        Case(who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF), method="POST"),
    ],
    "members:my_household": [
        Case(
            who(worker=OK, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            secrets=lambda c: [c.family_a.name],
            hidden=("worker",),
        ),
        Case(
            who(worker=DONE, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"form": "address", "hh-address": "我的新地址"},
        ),
    ],
    "members:my_family_remove": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"fid": c.own_family.pk}),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"fid": c.own_family.pk},
        ),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=NF, city_admin=NF),
            label="someone else's family member",
            method="POST",
            kwargs=lambda c: {"fid": c.family_a.pk},
        ),
    ],
    "members:my_requests": [
        Case(everyone(OK), secrets=lambda c: [c.join_req.name, c.mover_a.name], hidden=("worker",))
    ],
    "members:my_join_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.join_req.pk}),
        Case(everyone(NF), label="the applicant's request", method="POST", kwargs=lambda c: {"pk": c.join_req.pk}),
    ],
    "members:my_transfer_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.own_transfer.pk}),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"pk": c.own_transfer.pk},
        ),
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=REDIRECT, city_admin=NF),
            label="cancelled only by whoever asked",
            method="POST",
            kwargs=lambda c: {"pk": c.transfer.pk},
        ),
    ],
    "members:my_transfer": [
        Case(who(worker=OK, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT)),
        Case(
            who(worker=DONE, cadre_b=REDIRECT, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_b.code, "reason": "换单位"},
        ),
    ],
    "members:join": [
        Case(who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(who(worker=REDIRECT, cadre_b=DONE, cadre_a=DONE, city_admin=DONE), method="POST", data=lambda c: {}),
    ],
    "members:org_search": [Case(everyone(OK), data=lambda c: {"org_q": "工会"})],
    # --- roster import and export
    "members:import_upload": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=REDIRECT, city_admin=REDIRECT),
            label="upload into union_a",
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "file": roster_file(7300)},
            unchanged=("cadre_b",),  # union_a is not among cadre_b's choices: the form refuses it
        ),
    ],
    "members:import_job": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(everyone(NOT_ALLOWED), method="POST", kwargs=lambda c: {"pk": c.import_job.pk}),
    ],
    "members:import_job_status": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.import_job.pk})],
    "members:import_job_confirm": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.import_job.pk},
            data=lambda c: {"version": c.import_job.version},
        ),
    ],
    "members:import_job_cancel": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.import_job.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.import_job.pk},
            data=lambda c: {"version": c.import_job.version},
        ),
    ],
    "members:roster_export": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            label="export union_a",
            method="POST",
            data=lambda c: {"org": c.w.union_a.code},
            unchanged=("cadre_b",),
            check=lambda persona, r, c: spreadsheet_only_for(("cadre_a", "city_admin", "county_admin"), persona, r),
        ),
    ],
    # --- voice: the worker's side
    "voice:submit": [
        Case(everyone(OK)),
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            method="POST",
            data=lambda c: {"kind": "demand", "text": "宿舍热水器坏了一个月没人修"},
            unchanged=("cadre_b", "cadre_a", "city_admin"),  # no member record: told to join first
        ),
    ],
    "voice:mine": [Case(everyone(OK), secrets=lambda c: ["机密诉求乙"], hidden=("cadre_b", "cadre_a", "city_admin"))],
    "voice:my_demand": [
        Case(
            who(worker=OK, cadre_b=NF, cadre_a=NF, city_admin=NF),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no},
        )
    ],
    "voice:rate": [
        Case(
            everyone(NOT_ALLOWED),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
        ),
        Case(
            who(worker=REDIRECT, cadre_b=NF, cadre_a=NF, city_admin=NF),
            method="POST",
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
            data=lambda c: {"rating": "satisfied"},
        ),
    ],
    "voice:notifications": [Case(everyone(OK))],
    # --- voice: cadres (union_a's demands, issues and reports)
    "voice:demands": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["机密诉求甲", "机密诉求乙"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(OK), label="filtered to union_a", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:demand_new": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=REDIRECT, city_admin=REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "source": "visit", "kind": "demand", "text": "走访听到的诉求"},
            unchanged=("cadre_b",),  # union_a is not among cadre_b's choices
        ),
    ],
    "voice:demand": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.heard.pk})],
    "voice:demand_file_into": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.other.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.other.pk},
            data=lambda c: {"issue": c.v.issue.pk},
        ),
    ],
    "voice:attachment": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.own.pk, "aid": c.v.own.attachments.get().pk})
    ],
    "voice:issues": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["夜班补贴议题"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(OK), label="union_a's level", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:run_new": [
        Case(who(worker=NOT_ALLOWED, cadre_b=NOT_ALLOWED, cadre_a=NOT_ALLOWED, city_admin=NOT_ALLOWED)),
        Case(union_a_only(REDIRECT), method="POST", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:run_status": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.run.pk})],
    "voice:issue": [Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.issue.pk})],
    "voice:issue_rename": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.issue.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.issue2.pk},
            data=lambda c: {"label": "改过的名称", "version": c.v.issue2.version},
        ),
    ],
    "voice:issue_split": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.issue.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.issue.pk},
            data=lambda c: {"demand": [c.v.heard.pk], "label": "拆出的议题"},
        ),
    ],
    "voice:issue_merge": [
        Case(everyone(NOT_ALLOWED)),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            data=lambda c: {"issue": [c.v.issue.pk, c.v.issue2.pk], "target": c.v.issue.pk},
        ),
    ],
    "voice:reports": [
        Case(
            who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: ["机密专报草稿"],
            hidden=("cadre_b",),
        )
    ],
    "voice:report_new": [
        Case(everyone(NOT_ALLOWED)),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            data=lambda c: {"org": c.w.union_a.code, "issue": [c.v.issue.pk]},
        ),
    ],
    "voice:report": [
        Case(union_a_only(OK), kwargs=lambda c: {"pk": c.v.draft.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk},
            data=lambda c: {"title": "改过的标题", "summary": "", "asks": "", "version": c.v.draft.version},
        ),
    ],
    "voice:report_remove_issue": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.draft.pk, "issue_id": c.v.issue2.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk, "issue_id": c.v.issue2.pk},
            data=lambda c: {"version": c.v.draft.version},
        ),
    ],
    "voice:report_submit": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.draft.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.draft.pk},
            data=lambda c: {"submitted_to": "古城区委", "version": c.v.draft.version},
        ),
    ],
    "voice:report_answer": [
        Case(everyone(NOT_ALLOWED), kwargs=lambda c: {"pk": c.v.sent.pk}),
        Case(
            union_a_only(REDIRECT),
            method="POST",
            kwargs=lambda c: {"pk": c.v.sent.pk},
            data=lambda c: {"body": "区政府办", "text": "已研究", "version": c.v.sent.version},
        ),
    ],
    "voice:report_download": [
        Case(union_a_only(OK), label="docx", kwargs=lambda c: {"pk": c.v.draft.pk, "fmt": "docx"}),
        Case(union_a_only(OK), label="pdf", kwargs=lambda c: {"pk": c.v.sent.pk, "fmt": "pdf"}),
    ],
    "voice:loop": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
        Case(union_a_only(OK), label="union_a", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "voice:import": [
        Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK)),
    ],
    "voice:import_sample": [Case(who(worker=NF, cadre_b=OK, cadre_a=OK, city_admin=OK))],
    # --- audit trail: tests/matrix/cases_audit.py
    # --- API documents (public: they describe the API, not data)
    "api:openapi-json": [Case(everyone(OK, anonymous=OK))],
    "api:openapi-view": [Case(everyone(OK, anonymous=OK))],
    "api:api-root": [Case(everyone(NF, anonymous=NF))],
}


def api_member(c: Ctx) -> dict[str, Any]:
    return {"member_id": c.other_a.pk}


def api_org(c: Ctx) -> dict[str, Any]:
    return {"code": c.w.union_a.code}


def roster(c: Ctx) -> dict[str, Any]:
    return {"file": roster_file(7100), "org": c.w.union_a.code, "dry_run": "false"}


API_CASES: dict[str, list[Case]] = {
    "GET /api/me": [Case(everyone(200, anonymous=UNAUTH))],
    "GET /api/orgs/": [
        Case(
            everyone(200, anonymous=UNAUTH),
            secrets=lambda c: [c.w.union_a.code],
            hidden=("worker", "cadre_b"),
        )
    ],
    "GET /api/orgs/{code}": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_org)],
    "PATCH /api/orgs/{code}": [
        Case(
            managers_only(200, anonymous=UNAUTH),
            kwargs=api_org,
            data=lambda c: {"version": c.w.union_a.version, "address": "新地址", "funds_received": "100.00"},
        )
    ],
    "POST /api/orgs/{code}/children": [
        Case(managers_only(201, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"name": "一组", "kind": "group"})
    ],
    "POST /api/orgs/{code}/move": [
        Case(
            {**managers_only(200, anonymous=UNAUTH), "county_admin": 404},  # county_b lies outside its county
            kwargs=api_org,
            data=lambda c: {"parent_code": c.w.county_b.code},
        )
    ],
    "POST /api/orgs/{code}/merge": [
        Case(managers_only(200, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"target_code": c.w.union_a2.code})
    ],
    "POST /api/orgs/{code}/close": [
        # union_a still has members: the rule refuses (422) once access is granted
        Case(managers_only(422, anonymous=UNAUTH), kwargs=api_org, data=lambda c: {"reason": "企业注销"})
    ],
    "GET /api/members/": [
        Case(everyone(200, anonymous=UNAUTH), secrets=union_a_names, hidden=("worker", "cadre_b")),
        Case(
            everyone(200, anonymous=UNAUTH),
            label="search by name",
            data=lambda c: {"q": "和"},
            secrets=union_a_names,
            hidden=("worker", "cadre_b"),
        ),
    ],
    "GET /api/members/{member_id}": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "PATCH /api/members/{member_id}": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=api_member,
            data=lambda c: {"version": c.other_a.version, "employer": "改过"},
        )
    ],
    "POST /api/members/{member_id}/reveal-id": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "GET /api/members/{member_id}/events": [Case(union_a_only(200, anonymous=UNAUTH), kwargs=api_member)],
    "POST /api/members/{member_id}/transfers": [
        Case(
            union_a_only(201, anonymous=UNAUTH),
            kwargs=api_member,
            data=lambda c: {"to_org_code": c.w.union_b.code, "reason": "调动"},
        )
    ],
    "GET /api/members/join-requests": [
        Case(everyone(200, anonymous=UNAUTH), secrets=lambda c: [c.join_req.name], hidden=("worker", "cadre_b"))
    ],
    "POST /api/members/join-requests/{request_id}/approve": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"request_id": c.join_req.pk}, data=lambda c: {})
    ],
    "POST /api/members/join-requests/{request_id}/reject": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=lambda c: {"request_id": c.join_req.pk},
            data=lambda c: {"note": "材料不全"},
        )
    ],
    "GET /api/members/transfers": [
        Case(everyone(200, anonymous=UNAUTH), secrets=lambda c: [c.mover_a.name], hidden=("worker", "cadre_b"))
    ],
    "POST /api/members/transfers/{transfer_id}/release": [
        # cadre_a asked for this transfer: who asked may not release it (no self-approval, core.review)
        Case(
            who(worker=NF, cadre_b=NF, cadre_a=422, city_admin=200, anonymous=UNAUTH),
            kwargs=lambda c: {"transfer_id": c.transfer.pk},
            data=lambda c: {},
            unchanged=("cadre_a",),
        )
    ],
    "POST /api/members/transfers/{transfer_id}/accept": [
        # still pending (not released): the state rule refuses once access is granted
        Case(union_a_only(422, anonymous=UNAUTH), kwargs=lambda c: {"transfer_id": c.transfer.pk}, data=lambda c: {})
    ],
    "POST /api/members/transfers/{transfer_id}/reject": [
        Case(
            union_a_only(200, anonymous=UNAUTH),
            kwargs=lambda c: {"transfer_id": c.transfer.pk},
            data=lambda c: {"note": "暂缓"},
        )
    ],
    "POST /api/imports/members": [Case(union_a_only(200, anonymous=UNAUTH), data=roster, multipart=True)],
    # --- voice
    "POST /api/voice/demands": [
        Case(
            who(worker=201, cadre_b=422, cadre_a=422, city_admin=422, anonymous=UNAUTH),
            data=lambda c: {"text": "宿舍热水器坏了一个月没人修"},
            unchanged=("cadre_b", "cadre_a", "city_admin"),  # no member record: told to join first
        )
    ],
    "GET /api/voice/demands/mine": [
        Case(
            everyone(200, anonymous=UNAUTH),
            secrets=lambda c: ["机密诉求乙"],
            hidden=("cadre_b", "cadre_a", "city_admin"),
        )
    ],
    "POST /api/voice/demands/mine/{tracking_no}/replies/{reply_id}/rating": [
        Case(
            who(worker=200, cadre_b=404, cadre_a=404, city_admin=404, anonymous=UNAUTH),
            kwargs=lambda c: {"tracking_no": c.v.own.tracking_no, "reply_id": c.v.reply.pk},
            data=lambda c: {"rating": "satisfied"},
        )
    ],
    "POST /api/voice/orgs/{code}/demands": [
        Case(
            union_a_only(201, anonymous=UNAUTH),
            kwargs=api_org,
            data=lambda c: {"text": "热线反映的诉求内容", "source": "hotline"},
        )
    ],
    "GET /api/voice/issues": [
        Case(
            who(worker=404, cadre_b=200, cadre_a=200, city_admin=200, anonymous=UNAUTH),
            secrets=lambda c: ["夜班补贴议题"],
            hidden=("cadre_b",),
        ),
        Case(union_a_only(200, anonymous=UNAUTH), label="union_a's level", data=lambda c: {"org": c.w.union_a.code}),
    ],
    "GET /api/voice/issues/{issue_id}": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"issue_id": c.v.issue.pk})
    ],
    "GET /api/voice/reports/{report_id}": [
        Case(union_a_only(200, anonymous=UNAUTH), kwargs=lambda c: {"report_id": c.v.sent.pk})
    ],
}
