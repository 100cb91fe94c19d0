"""Template filters for the pages: Chinese dates, audit values, field labels.

Presentation only — no queries, no business rules.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.dates import format_date
from gonghui.core.models import ReviewDecision

register = template.Library()


@register.filter
def cn_date(value: Any) -> str:
    """2026年11月27日; a datetime is shown in local time."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return str(value)


@register.filter
def cn_datetime(value: Any) -> str:
    """2026年11月27日 14:05."""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value.date())} {value:%H:%M}"


@register.filter
def yuan(value: Any) -> str:
    """Money as 1,234.50 元 (Decimal in, never float)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return str(value)
    return f"{amount:,} 元"


@register.filter
def amount(value: Any) -> str:
    """1,234.50 (Decimal, two places, thousands grouped)."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01')):,}"
    except ArithmeticError:
        return str(value)


@register.filter
def percent(value: Any) -> str:
    """A share as a percentage: 0.873 → 87.3%, None → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def yesno_cn(value: Any) -> str:
    return "是" if value else "否"


OBJECT_TYPE_LABELS = {
    "members.member": "会员",
    "members.household": "家庭",
    "members.familymember": "家庭成员",
    "members.joinrequest": "入会申请",
    "members.transferrequest": "转会申请",
    "orgs.org": "工会组织",
    "accounts.user": "账号",
    "accounts.roleassignment": "角色授权",
    "accounts.apitoken": "API 令牌",
    "voice.demand": "职工诉求",
    "voice.demandimport": "诉求导入",
    "voice.clusterrun": "议题分析",
    "voice.issue": "议题",
    "voice.report": "专报",
    "voice.demandreply": "答复评价",
}


@register.filter
def action_label(action: str) -> str:
    return audit.action_label(action)


@register.filter
def object_type_label(object_type: str) -> str:
    """The Chinese name of an audited object type; a type not listed above takes its model's name."""
    if object_type in OBJECT_TYPE_LABELS:
        return OBJECT_TYPE_LABELS[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


_EXTRA_LABELS = {
    "reason": "原因",
    "note": "意见",
    "members_moved": "随迁会员数",
    "moved": "随迁记录数",
    "merged_into": "并入组织",
    "parent_id": "上级组织",
    "org_id": "所在工会",
    "from_org": "转出工会",
    "to_org": "转入工会",
    "member_id": "会员",
    "user_id": "账号",
    # keys services write by hand (not fields of the audited model)
    "chars": "字数",
    "changed": "改动",
    "comment": "意见",
    "count": "人数",
    "created": "新建数",
    "skipped": "跳过数",
    "demand": "诉求",
    "demands": "诉求数",
    "file": "文件",
    "format": "格式",
    "from": "原议题",
    "into": "并入议题",
    "issue": "议题",
    "issues": "议题",
    "labels": "议题名称",
    "merged": "被合并的议题",
    "retired": "撤下的议题",
    "header_row": "表头所在行",
    "household_ids": "家庭档案",
    "member_ids": "会员",
    "on": "日期",
    "revealed": "含完整身份证号",
    "via": "途径",
    "tokens_revoked": "吊销的 API 令牌数",
    "workers_notified": "通知到的职工数",
}


# Keys services write by hand that are named like a field of the audited model: the model's own
# verbose name wins; these are for the objects that have no such field (e.g. an 答复's 答复单位, written
# on the 专报 as "body"; the 工会 code an export writes on the org as "org").
_FALLBACK_LABELS = {
    "accepted": "已导入人数",
    "anonymous": "匿名条数",
    "body": "答复单位",
    "decision": "审核结论",
    "kinds": "诉求类型",
    "label": "议题名称",
    "level": "审核层级",
    "mobile": "手机号码",
    "name": "名称",
    "noise": "未归类诉求",
    "org": "工会",
    "rating": "评价",
    "role": "角色",
    "rows": "行数",
    "since": "起始日期",
    "size": "文件大小",
    "sources": "来源",
    "status": "状态",
    "submitted_on": "报送日期",
    "submitted_to": "报送对象",
    "unions": "涉及工会数",
    "valid_rows": "无问题的行数",
}
# Keys with a number in them: a 专报's per-issue suggestions ("asks_12").
_NUMBERED_LABELS = {"asks": "议题建议（议题 #{n}）"}
# Values of hand-written keys that are codes: shown by their Chinese label when the model has no field
# of that name to take its choices from.
_FALLBACK_CHOICES: dict[str, dict[Any, str]] = {"decision": dict(ReviewDecision.choices)}

# Bookkeeping columns that say nothing to a reader of the audit trail.
_HIDDEN_KEYS = {"id", "version", "created_at", "updated_at", "name_initials", "path", "depth"}


def _model_field(object_type: str, name: str) -> Any:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    lookup = name[:-3] if name.endswith("_id") else name
    try:
        return model._meta.get_field(lookup)
    except FieldDoesNotExist:
        return None


def _field_label(object_type: str, name: str) -> str:
    if name in _EXTRA_LABELS:
        return _EXTRA_LABELS[name]
    field = _model_field(object_type, name)
    if field is not None:
        return str(getattr(field, "verbose_name", name))
    if name in _FALLBACK_LABELS:
        return _FALLBACK_LABELS[name]
    head, _, number = name.rpartition("_")
    if head in _NUMBERED_LABELS and number.isdigit():
        return _NUMBERED_LABELS[head].format(n=number)
    return name


def _show(object_type: str, name: str, value: Any, names: dict[str, dict[int, str]] | None = None) -> str:
    if value is None or value == "":
        return "（空）"
    kind = audit.reference_kind(object_type, name) if names is not None else None
    if kind is not None and isinstance(value, int) and not isinstance(value, bool):
        # Names were looked up by the selector for the whole page (one query per kind).
        return names.get(kind, {}).get(value) or f"#{value}"  # type: ignore[union-attr]
    if value is True:
        return "是"
    if value is False:
        return "否"
    field = _model_field(object_type, name)
    choices = dict(getattr(field, "flatchoices", None) or []) if field is not None else _FALLBACK_CHOICES.get(name, {})
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        if len(value) == 10:
            return cn_date(value)
        try:
            return cn_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@register.filter
def audit_changes(event: Any) -> list[dict[str, Any]]:
    """Rows of (field, before, after) for an audit event: Chinese field names, choice labels, dates, and
    the names of the orgs, accounts and members whose ids it holds (from `event.ref_names`, which the
    audit selector fills for the whole page: no query here)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    names = getattr(event, "ref_names", None)
    rows = []
    for key in dict.fromkeys([*before.keys(), *after.keys()]):
        if key in _HIDDEN_KEYS:
            continue
        if not before and after.get(key) in (None, "", False):
            continue  # a newly created record: leave out the fields left empty
        rows.append(
            {
                "field": _field_label(event.object_type, key),
                "before": _show(event.object_type, key, before.get(key), names) if key in before else "",
                "after": _show(event.object_type, key, after.get(key), names) if key in after else "",
                "before_empty": key not in before or before.get(key) in (None, ""),
                "after_empty": key not in after or after.get(key) in (None, ""),
            }
        )
    return rows


@register.filter
def indent(depth: Any) -> str:
    """A CSS class for tree depth (no inline styles under our CSP)."""
    try:
        n = max(0, min(int(depth), 6))
    except (TypeError, ValueError):
        n = 0
    return f"depth-{n}"


_SECTIONS = {
    ("members", "queues"): "queues",
    ("members", "import_upload"): "import",
    ("home", "audit_list"): "audit",
}
_SELF_SERVICE = {
    "me",
    "my_reveal",
    "my_household",
    "my_family_remove",
    "my_requests",
    "my_join_cancel",
    "my_transfer_cancel",
    "my_transfer",
    "join",
}


@register.simple_tag(takes_context=True)
def nav_section(context: template.Context) -> str:
    """Which top-level nav entry the current page belongs to (for aria-current)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    namespace, name = match.namespace, match.url_name
    if (namespace, name) in _SECTIONS:
        return _SECTIONS[(namespace, name)]
    if namespace == "members":
        if name in _SELF_SERVICE:
            return "me"
        return "import" if (name or "").startswith("import") or "roster" in match.route else "members"
    if namespace == "orgs":
        return "orgs"
    if namespace == "voice":
        return "voice_mine" if name in {"submit", "mine", "my_demand", "rate", "notifications"} else "voice"
    return namespace or ""


@register.simple_tag
def audit_object_types() -> list[tuple[str, str]]:
    """The object types an auditor can filter by, with Chinese labels: every model of a gonghui app."""
    types = dict(OBJECT_TYPE_LABELS)
    for model in apps.get_models():
        label = model._meta.label_lower
        if model.__module__.startswith("gonghui.") and label not in types and label != "core.auditevent":
            types[label] = str(model._meta.verbose_name)
    return sorted(types.items(), key=lambda kv: kv[0])
