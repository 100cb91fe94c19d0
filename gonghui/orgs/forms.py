"""Forms for the org pages. They carry raw values; `orgs.services` validates and answers in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import ALLOWED_CHILD_KINDS, Industry, Org, OrgKind
from .services import EDITABLE_FIELDS

_NUM = {"inputmode": "numeric"}
_MONEY = {"inputmode": "decimal"}


def org_choices(orgs: list[Org]) -> list[tuple[str, str]]:
    base = min((o.depth for o in orgs), default=0)
    return [("", "（请选择）")] + [
        (o.code, "　" * (o.depth - base) + f"{o.name}（{o.get_kind_display()}）") for o in orgs
    ]


class OrgFieldsForm(forms.Form):
    name = forms.CharField(label="名称", max_length=120)
    region_code = forms.CharField(
        label="行政区划代码",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs=_NUM),
        help_text="GB/T 2260，6位",
    )
    credit_code = forms.CharField(
        label="统一社会信用代码", required=False, max_length=24, help_text="基层工会填写，18位"
    )
    industry = forms.ChoiceField(label="行业", required=False, choices=[("", "（未填）"), *Industry.choices])
    address = forms.CharField(label="地址", required=False, max_length=200)
    fulltime_cadres = forms.CharField(
        label="专职干部（人）", required=False, max_length=6, widget=forms.TextInput(attrs=_NUM)
    )
    parttime_cadres = forms.CharField(
        label="兼职干部（人）", required=False, max_length=6, widget=forms.TextInput(attrs=_NUM)
    )
    funds_year = forms.CharField(label="经费年度", required=False, max_length=4, widget=forms.TextInput(attrs=_NUM))
    funds_received = forms.CharField(
        label="本年经费收入（元）", required=False, max_length=16, widget=forms.TextInput(attrs=_MONEY)
    )
    funds_spent = forms.CharField(
        label="本年经费支出（元）", required=False, max_length=16, widget=forms.TextInput(attrs=_MONEY)
    )
    has_venue = forms.BooleanField(label="有职工之家（办事场所）", required=False)
    venue_name = forms.CharField(label="职工之家名称", required=False, max_length=120)

    # The form offers exactly what org_update accepts, so the two lists cannot drift apart.
    FIELDS = tuple(EDITABLE_FIELDS)

    CAPACITY = (
        "fulltime_cadres",
        "parttime_cadres",
        "funds_year",
        "funds_received",
        "funds_spent",
        "has_venue",
        "venue_name",
    )

    def basic_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in self.CAPACITY]

    def capacity_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name in self.CAPACITY]

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.FIELDS if k in self.cleaned_data}


class OrgEditForm(OrgFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, org: Org) -> dict[str, Any]:
        data = {k: getattr(org, k) for k in cls.FIELDS}
        data["credit_code"] = org.credit_code or ""
        data["funds_year"] = org.funds_year or ""
        data["version"] = org.version
        return data


class OrgCreateForm(OrgFieldsForm):
    kind = forms.ChoiceField(label="层级类型")
    code = forms.CharField(label="组织编码", required=False, max_length=32, help_text="可不填，系统自动编号")

    field_order = ["kind", "name", "code"]

    def __init__(self, *args: Any, parent: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILD_KINDS.get(parent.kind, set())
        self.fields["kind"].choices = [(k, label) for k, label in OrgKind.choices if k in allowed]  # type: ignore[attr-defined]


class OrgMoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    parent = forms.ChoiceField(label="新的上级组织")

    def __init__(self, *args: Any, targets: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = org_choices(targets)  # type: ignore[attr-defined]


class OrgMergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    target = forms.ChoiceField(label="并入哪个组织")
    confirm = forms.BooleanField(
        label="我已核对：本组织的会员和下级组织将全部转入目标组织，本组织标记为“已合并”",
        error_messages={"required": "请勾选确认后再合并"},
    )

    def __init__(self, *args: Any, targets: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = org_choices(targets)  # type: ignore[attr-defined]


class OrgCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
