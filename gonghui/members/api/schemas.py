"""What the members API reads and answers: request and response schemas, and the functions that
turn a model row into its response. ID numbers leave only masked here; the reveal route is apart."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Path, Schema

from ..choices import EMPLOYER_LIMIT, MOBILE_TYPED_MAX, NAME_LIMIT, MemberStatus, RequestState, Sex
from ..models import JoinRequest, Member, TransferRequest

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str = Field(description="身份证号（脱敏）；完整号码只能通过 reveal-id 查看，并留审计记录")
    sex: str
    sex_label: str
    birth_date: dt.date
    mobile: str
    ethnicity: str
    education: str
    political_status: str
    org_code: str
    org_name: str
    employer: str
    joined_on: dt.date | None
    status: str
    status_label: str
    is_migrant_worker: bool
    is_new_employment: bool
    version: int


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: int | None = Field(description="下一页传入 after=该值；没有下一页时为 null")


class MemberFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名、姓名拼音首字母、身份证号或手机号码")
    org: str | None = Field(None, max_length=32, description="组织编码：只看该组织及其下级的会员")
    status: MemberStatus | None = None
    sex: Sex | None = None
    ethnicity: str | None = Field(None, max_length=20, description="如 纳西族")
    is_migrant_worker: bool | None = None
    is_new_employment: bool | None = None
    after: int | None = Field(None, ge=0, le=MAX_ID, description="上一页的 next_cursor")
    limit: int = Field(50, ge=1, le=200)


_EDUCATION_HELP = "学历：代码（如 bachelor）、名称（大学本科）或名册常用写法（本科、大专、硕士、中专、高中…）"
_POLITICAL_HELP = "政治面貌：代码（如 cpc）、GB/T 4762 名称（中共党员…群众）或常用简称（党员、团员、民革、无党派…）"


class MemberUpdateIn(Schema):
    version: int = Field(..., ge=1, le=MAX_VERSION, description="读取时的 version；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=NAME_LIMIT.max, description=f"姓名，{NAME_LIMIT.help}")
    mobile: str | None = Field(None, max_length=MOBILE_TYPED_MAX, description="11位手机号码，可带空格或短横线")
    ethnicity: str | None = Field(None, max_length=20)
    education: str | None = Field(None, max_length=20, description=_EDUCATION_HELP)
    political_status: str | None = Field(None, max_length=20, description=_POLITICAL_HELP)
    employer: str | None = Field(None, max_length=EMPLOYER_LIMIT.max, description=f"工作单位，{EMPLOYER_LIMIT.help}")
    joined_on: dt.date | None = None
    is_migrant_worker: bool | None = None
    is_new_employment: bool | None = None


class MemberCreateIn(Schema):
    """One member added by hand: checked by the roster import's own row rules."""

    org_code: str = Field(..., min_length=1, max_length=32, description="所在基层工会的组织编码")
    name: str = Field(..., min_length=1, max_length=NAME_LIMIT.max, description=f"姓名，{NAME_LIMIT.help}")
    id_number: str = Field(..., min_length=1, max_length=18, description="18位公民身份号码")
    sex: Sex | None = Field(None, description="可不填；填写时须与身份证号一致")
    birth_date: dt.date | None = Field(None, description="出生日期，可不填；填写时须与身份证号中的出生日期一致")
    mobile: str = Field("", max_length=MOBILE_TYPED_MAX, description="11位手机号码，可带空格或短横线")
    ethnicity: str = Field("", max_length=20, description="如 纳西族")
    education: str = Field("", max_length=20, description=_EDUCATION_HELP)
    political_status: str = Field("", max_length=20, description=_POLITICAL_HELP)
    employer: str = Field("", max_length=EMPLOYER_LIMIT.max, description=f"工作单位，{EMPLOYER_LIMIT.help}")
    joined_on: dt.date | None = None
    is_migrant_worker: bool = False
    is_new_employment: bool = False


class RevealOut(Schema):
    id: int
    id_number: str


class EventOut(Schema):
    kind: str
    kind_label: str
    from_org_code: str | None
    to_org_code: str | None
    reason: str
    at: dt.datetime


class JoinRequestOut(Schema):
    id: int
    name: str
    id_masked: str
    mobile: str
    ethnicity: str
    employer: str
    is_migrant_worker: bool
    is_new_employment: bool
    org_code: str
    org_name: str
    state: str
    state_label: str
    decision_note: str
    member_id: int | None
    created_at: dt.datetime
    version: int


class JoinRequestPage(Schema):
    items: list[JoinRequestOut]
    next_cursor: int | None


class QueueFilters(Schema):
    state: RequestState | None = Field(None, description="默认只列出待办")
    after: int | None = Field(None, ge=0, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)


class DecisionIn(Schema):
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class RejectIn(Schema):
    note: str = Field(..., min_length=1, max_length=200, description="驳回原因，申请人会看到")
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str
    from_org_code: str
    from_org_name: str
    to_org_code: str
    to_org_name: str
    reason: str
    state: str
    state_label: str
    decision_note: str
    created_at: dt.datetime
    version: int


class TransferPage(Schema):
    items: list[TransferOut]
    next_cursor: int | None


class TransferCreateIn(Schema):
    to_org_code: str = Field(..., min_length=1, max_length=32)
    reason: str = Field("", max_length=200)


def member_out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.pk,
        name=m.name,
        id_masked=m.id_masked,
        sex=m.sex,
        sex_label=m.get_sex_display(),
        birth_date=m.birth_date,
        mobile=m.mobile,
        ethnicity=m.ethnicity,
        education=m.education,
        political_status=m.political_status,
        org_code=m.org.code,
        org_name=m.org.name,
        employer=m.employer,
        joined_on=m.joined_on,
        status=m.status,
        status_label=m.get_status_display(),
        is_migrant_worker=m.is_migrant_worker,
        is_new_employment=m.is_new_employment,
        version=m.version,
    )


def join_out(r: JoinRequest) -> JoinRequestOut:
    return JoinRequestOut(
        id=r.pk,
        name=r.name,
        id_masked=r.id_masked,
        mobile=r.mobile,
        ethnicity=r.ethnicity,
        employer=r.employer,
        is_migrant_worker=r.is_migrant_worker,
        is_new_employment=r.is_new_employment,
        org_code=r.org.code,
        org_name=r.org.name,
        state=r.state,
        state_label=r.get_state_display(),
        decision_note=r.decision_note,
        member_id=r.member_id,
        created_at=r.created_at,
        version=r.version,
    )


def transfer_out(t: TransferRequest) -> TransferOut:
    return TransferOut(
        id=t.pk,
        member_id=t.member_id,
        member_name=t.member.name,
        from_org_code=t.from_org.code,
        from_org_name=t.from_org.name,
        to_org_code=t.to_org.code,
        to_org_name=t.to_org.name,
        reason=t.reason,
        state=t.state,
        state_label=t.get_state_display(),
        decision_note=t.decision_note,
        created_at=t.created_at,
        version=t.version,
    )


def member_out_fresh(pk: int) -> MemberOut:
    """Read back after a write, relations joined, so the answer shows what was stored."""
    return member_out(Member.objects.select_related("org").get(pk=pk))


def transfer_out_fresh(pk: int) -> TransferOut:
    return transfer_out(TransferRequest.objects.select_related("member", "from_org", "to_org").get(pk=pk))
