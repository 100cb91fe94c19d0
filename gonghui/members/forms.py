"""Forms for the member pages. They parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import ETHNIC_GROUPS, Education, MemberStatus, PoliticalStatus, Relation, Sex
from .services.registry import PROFILE_FIELDS

_BLANK = [("", "不限")]
_ETHNIC = [(e, e) for e in ETHNIC_GROUPS]
_TRISTATE = [("", "不限"), ("1", "是"), ("0", "否")]


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="查找",
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名、拼音首字母或号码", "autocomplete": "off"}
        ),
    )
    org = forms.ChoiceField(label="所在工会（含下级）", required=False)
    status = forms.ChoiceField(label="会籍状态", required=False, choices=_BLANK + list(MemberStatus.choices))
    sex = forms.ChoiceField(label="性别", required=False, choices=_BLANK + list(Sex.choices))
    ethnicity = forms.ChoiceField(label="民族", required=False, choices=_BLANK + _ETHNIC)
    migrant = forms.ChoiceField(label="农民工", required=False, choices=_TRISTATE)
    new_employment = forms.ChoiceField(label="新就业形态", required=False, choices=_TRISTATE)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, orgs: list[Any] | tuple[Any, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "全部")]
        base = min((o.depth for o in orgs), default=0)
        for o in orgs:
            choices.append((o.code, "　" * (o.depth - base) + o.name))
        self.fields["org"].choices = choices  # type: ignore[attr-defined]

    def filter_fields(self) -> list[Any]:
        return [self[name] for name in ("status", "sex", "ethnicity", "migrant", "new_employment")]

    @staticmethod
    def tristate(value: str) -> bool | None:
        return {"1": True, "0": False}.get(value or "")


class MemberEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="姓名", max_length=50)
    mobile = forms.CharField(
        label="手机号码", required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    ethnicity = forms.ChoiceField(label="民族", required=False, choices=[("", "（未填）"), *_ETHNIC])
    education = forms.ChoiceField(label="学历", required=False, choices=[("", "（未填）"), *Education.choices])
    political_status = forms.ChoiceField(
        label="政治面貌", required=False, choices=[("", "（未填）"), *PoliticalStatus.choices]
    )
    employer = forms.CharField(label="工作单位", required=False, max_length=120)
    joined_on = forms.CharField(
        label="入会时间",
        required=False,
        max_length=20,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="如 2016-12-12",
    )
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    is_new_employment = forms.BooleanField(label="新就业形态劳动者（骑手、网约车司机、快递员等）", required=False)

    # The form edits exactly what member_update accepts, so the two lists cannot drift apart.
    PROFILE = tuple(PROFILE_FIELDS)

    @classmethod
    def initial_for(cls, member: Any) -> dict[str, Any]:
        data = {name: getattr(member, name) for name in cls.PROFILE}
        data["joined_on"] = member.joined_on.isoformat() if member.joined_on else ""
        data["version"] = member.version
        return data

    def profile(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.PROFILE}


class RevealForm(forms.Form):
    """Only a CSRF-protected POST; no fields."""


class LeaveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    how = forms.ChoiceField(
        label="办理事项",
        choices=[("left", "退会"), ("transferred", "转出（调往本平台以外的工会，如外省）")],
        initial="left",
        required=False,  # an older page without the choice meant 退会
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="退会原因（转出时写明去向）",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将记入会籍变动记录；转出请写明转入哪个工会",
    )


class OwnContactForm(forms.Form):
    mobile = forms.CharField(
        label="手机号码", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )


class HouseholdAddressForm(forms.Form):
    address = forms.CharField(label="家庭住址", required=False, max_length=200)


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    id_number = forms.CharField(
        label="身份证号",
        required=False,
        max_length=24,
        help_text="可不填；填写后系统加密保存",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    is_student = forms.BooleanField(label="在校学生", required=False)
    school = forms.CharField(label="学校", required=False, max_length=120)


def _picked_org(label: str, missing: str) -> forms.CharField:
    """A union picked by code from the search results (radio buttons named `org`)."""
    return forms.CharField(label=label, max_length=32, widget=forms.HiddenInput, error_messages={"required": missing})


class JoinForm(forms.Form):
    org = _picked_org("工会", "请先搜索并选择要加入的工会")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
        help_text="18位，最后一位可能是X；加密保存，只有工会经办人可见",
    )
    mobile = forms.CharField(
        label="手机号码", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    ethnicity = forms.ChoiceField(label="民族", required=False, choices=[("", "（请选择）"), *_ETHNIC])
    employer = forms.CharField(label="工作单位", required=False, max_length=120)
    is_migrant_worker = forms.BooleanField(label="我是农民工", required=False)
    is_new_employment = forms.BooleanField(label="我是新就业形态劳动者（骑手、网约车司机、快递员等）", required=False)


class TransferForm(forms.Form):
    org = _picked_org("转入工会", "请先搜索并选择要转入的工会")
    reason = forms.CharField(label="转会原因", required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    """Approve / release / accept carry nothing; reject carries a note the applicant will read."""

    note = forms.CharField(label="驳回原因", required=False, max_length=200)
