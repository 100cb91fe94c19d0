"""Roster export to .xlsx: scoped, masked unless the exporter may and asks to see full ID numbers, audited.

Rows stream from the database in chunks into xlsxwriter's constant-memory mode, so a union of any size
exports with flat memory. Every text cell goes through `spreadsheet_safe`: a value a spreadsheet would run
as a formula (= + - @ …) is written as inert text. The sheet opens with a title row naming who exported
what and when, then a header row the importer reads back (an export re-imports cleanly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.crypto import decrypt
from gonghui.core.errors import NotFound
from gonghui.core.text import spreadsheet_safe
from gonghui.members.selectors import members_for
from gonghui.orgs.models import Org

from .choices import Education, MemberStatus, PoliticalStatus, Sex, label_for
from .models import Member

COLUMNS: list[tuple[str, int]] = [  # header, width
    ("序号", 7),
    ("姓名", 12),
    ("性别", 6),
    ("身份证号", 21),
    ("出生日期", 12),
    ("民族", 9),
    ("手机号码", 13),
    ("学历", 14),
    ("政治面貌", 12),
    ("工作单位", 28),
    ("所在工会", 28),
    ("入会时间", 12),
    ("会籍状态", 9),
    ("农民工", 7),
    ("新就业形态", 10),
]
_FIELDS = (
    "name",
    "sex",
    "id_masked",
    "id_cipher",
    "birth_date",
    "ethnicity",
    "mobile",
    "education",
    "political_status",
    "employer",
    "org__name",
    "joined_on",
    "status",
    "is_migrant_worker",
    "is_new_employment",
)
CHUNK = 2000


def can_reveal(actor: Any, org: Org) -> bool:
    return actor is None or scope_for(actor).allows(Action.REVEAL, org)


def export_roster_xlsx(*, actor: Any, org: Org, out: BinaryIO, reveal: bool) -> int:
    """Write the roster of `org` and the unions under it (as far as the actor's scope reaches) to `out`.

    Full ID numbers only when `reveal` is asked for and the actor holds the reveal right on `org`; the
    export is audited (who, which union, how many, revealed or not) and a revealing export is also
    audited as a reveal. Returns the number of members written."""
    if actor is not None and not scope_for(actor).allows(Action.EXPORT, org):
        raise NotFound("未找到该工会组织")
    revealed = bool(reveal) and can_reveal(actor, org)
    base = Member.objects.all() if actor is None else members_for(actor, Action.EXPORT)
    rows = (
        base.filter(org__path__startswith=org.path)
        .order_by("org__path", "id")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    now = timezone.localtime()
    who = getattr(actor, "display_name", "") or "系统操作员"

    wb = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    ws = wb.add_worksheet("会员名册")
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    header_fmt = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)

    def text(r: int, c: int, value: object, fmt: Any = None) -> None:
        ws.write_string(r, c, str(spreadsheet_safe("" if value is None else str(value))), fmt)

    text(0, 0, f"{org.name}会员名册", title_fmt)
    note = "完整身份证号（请妥善保管）" if revealed else "身份证号已隐去中间位"
    text(1, 0, f"导出人：{who}　导出时间：{now:%Y-%m-%d %H:%M}　{note}")
    for c, (header, _) in enumerate(COLUMNS):
        text(2, c, header, header_fmt)

    count = 0
    for r, values in enumerate(rows, start=3):
        (name, sex, masked, cipher, birth, eth, mobile, edu, pol, employer, org_name, joined, status, migrant, new) = (
            values
        )
        count += 1
        id_number = decrypt(cipher, context=b"id_number") if revealed else masked
        ws.write_number(r, 0, count)
        text(r, 1, name)
        text(r, 2, label_for(Sex, sex))
        text(r, 3, id_number)
        _date(ws, r, 4, birth, date_fmt)
        text(r, 5, eth)
        text(r, 6, mobile)
        text(r, 7, label_for(Education, edu) if edu else "")
        text(r, 8, label_for(PoliticalStatus, pol) if pol else "")
        text(r, 9, employer)
        text(r, 10, org_name)
        _date(ws, r, 11, joined, date_fmt)
        text(r, 12, label_for(MemberStatus, status))
        text(r, 13, "是" if migrant else "否")
        text(r, 14, "是" if new else "否")
    wb.close()

    with transaction.atomic():
        audit.record(
            actor=actor,
            action="member.export",
            obj=org,
            object_label=f"导出{org.name}会员名册{count}人（{'含完整身份证号' if revealed else '身份证号已隐去'}）",
            org_id=org.pk,
            after={"org": org.code, "count": count, "revealed": revealed, "format": "xlsx"},
        )
        if revealed:
            audit.record(
                actor=actor,
                action="member.reveal_id",
                obj=org,
                object_label=f"导出名册时查看{count}名会员的完整身份证号（{org.name}）",
                org_id=org.pk,
                after={"count": count, "via": "roster_export"},
            )
    return count


def _date(ws: Any, r: int, c: int, value: dt.date | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(r, c, None)
    else:
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
