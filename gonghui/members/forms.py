"""Forms for the member pages. They parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.core.forms import bounded_text

from .choices import (
    EMPLOYER_LIMIT,
    ETHNIC_GROUPS,
    LEGACY_EDUCATION,
    LEGACY_POLITICAL,
    MOBILE_TYPED_MAX,
    NAME_LIMIT,
    Education,
    MemberStatus,
    PoliticalStatus,
    Relation,
    Sex,
)
from .services.registry import PROFILE_FIELDS

_BLANK = [("", "不限")]
_ETHNIC = [(e, e) for e in ETHNIC_GROUPS]
_TRISTATE = [("", "不限"), ("1", "是"), ("0", "否")]
_EDUCATION = [(v, label) for v, label in Education.choices if v not in LEGACY_EDUCATION]
_POLITICAL = [(v, label) for v, label in PoliticalStatus.choices if v not in LEGACY_POLITICAL]


def _name_field(label: str = "姓名") -> forms.CharField:
    return bounded_text(NAME_LIMIT, label=label, note="可含间隔号，如 阿依古丽·买买提；不能含表情、符号或数字")


_MOBILE_HELP = "11位手机号码，可带空格或短横线"


def _mobile_field(*, required: bool, help_text: str = _MOBILE_HELP) -> forms.CharField:
    """One limit for a mobile everywhere (widget, form, API): 11 digits, typed in at most 17 characters."""
    return forms.CharField(
        label="手机号码",
        required=required,
        max_length=MOBILE_TYPED_MAX,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "手机号码应为以1开头的11位数字"},
    )


def _employer_field() -> forms.CharField:
    return bounded_text(EMPLOYER_LIMIT, required=False)


def _with_current(choices: list[tuple[str, str]], all_choices: Any, current: object) -> list[tuple[str, str]]:
    """An old record's legacy value (高中/中专/技校, 民主党派) stays selectable for that record only."""
    if current and current not in {v for v, _ in choices}:
        label = dict(all_choices).get(current)
        if label is not None:
            return [*choices, (str(current), str(label))]
    return choices


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


def _profile_fields(*, joined_help: str) -> tuple[forms.Field, ...]:
    """The member profile fields the edit and the add form share, fresh instances in page order."""
    return (
        _mobile_field(required=False),
        forms.ChoiceField(label="民族", required=False, choices=[("", "（未填）"), *_ETHNIC]),
        forms.ChoiceField(label="学历", required=False, choices=[("", "（未填）"), *_EDUCATION]),
        forms.ChoiceField(label="政治面貌", required=False, choices=[("", "（未填）"), *_POLITICAL]),
        _employer_field(),
        forms.CharField(
            label="入会时间",
            required=False,
            max_length=20,
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text=joined_help,
        ),
        forms.BooleanField(label="农民工", required=False),
        forms.BooleanField(label="新就业形态劳动者（骑手、网约车司机、快递员等）", required=False),
    )


class MemberEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = _name_field()
    (mobile, ethnicity, education, political_status, employer, joined_on, is_migrant_worker, is_new_employment) = (
        _profile_fields(joined_help="如 2016-12-12")
    )

    # The form edits exactly what member_update accepts, so the two lists cannot drift apart.
    PROFILE = tuple(PROFILE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, offered, every in (
            ("education", _EDUCATION, Education.choices),
            ("political_status", _POLITICAL, PoliticalStatus.choices),
        ):
            field = self.fields[name]
            current = self.initial.get(name)
            field.choices = [("", "（未填）"), *_with_current(offered, every, current)]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, member: Any) -> dict[str, Any]:
        data = {name: getattr(member, name) for name in cls.PROFILE}
        data["joined_on"] = member.joined_on.isoformat() if member.joined_on else ""
        data["version"] = member.version
        return data

    def profile(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.PROFILE}


class MemberAddForm(forms.Form):
    """A cadre registers one member. Checked by the roster import's own row rules (`member_register`)."""

    org = forms.ChoiceField(label="所在工会", error_messages={"invalid_choice": "请从列表中选择您负责的基层工会"})
    name = _name_field()
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        help_text="18位，最后一位可能是X；加密保存",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "身份证号应为18位"},
    )
    sex = forms.ChoiceField(
        label="性别",
        required=False,
        choices=[("", "（按身份证号）"), *Sex.choices],
        help_text="可不选；选了须与身份证号一致",
    )
    birth_date = forms.CharField(
        label="出生日期",
        required=False,
        max_length=20,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="可不填；填了须与身份证号中的出生日期一致",
    )
    (mobile, ethnicity, education, political_status, employer, joined_on, is_migrant_worker, is_new_employment) = (
        _profile_fields(joined_help="可不填，如 2016-12-12")
    )

    def __init__(self, *args: Any, orgs: list[Any] | tuple[Any, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [] if len(orgs) == 1 else [("", "（请选择）")]
        choices += [(o.code, o.name) for o in orgs]
        self.fields["org"].choices = choices  # type: ignore[attr-defined]

    def member_values(self) -> dict[str, Any]:
        """What the row rules take: every field but the union."""
        return {k: v for k, v in self.cleaned_data.items() if k != "org"}


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
    mobile = _mobile_field(required=True, help_text=f"{_MOBILE_HELP}；只改联系电话，不改登录手机号")


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
    name = _name_field()
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        error_messages={"max_length": "身份证号应为18位"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
        help_text="18位，最后一位可能是X；加密保存，只有工会经办人可见",
    )
    mobile = _mobile_field(required=True)
    ethnicity = forms.ChoiceField(label="民族", required=False, choices=[("", "（请选择）"), *_ETHNIC])
    employer = _employer_field()
    is_migrant_worker = forms.BooleanField(label="我是农民工", required=False)
    is_new_employment = forms.BooleanField(label="我是新就业形态劳动者（骑手、网约车司机、快递员等）", required=False)


class TransferForm(forms.Form):
    org = _picked_org("转入工会", "请先搜索并选择要转入的工会")
    reason = forms.CharField(label="转会原因", required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    """Approve / release / accept carry nothing; reject carries a note the applicant will read."""

    note = forms.CharField(label="驳回原因", required=False, max_length=200)
