from __future__ import annotations

from typing import Any

from django import forms

from gonghui.accounts.models import Role


def _org_choices(orgs: list[Any]) -> list[tuple[str, str]]:
    base = min((o.path.count("/") for o in orgs), default=0)
    return [("", "请选择")] + [(o.code, "　" * (o.path.count("/") - base) + o.name) for o in orgs]


ROLE_CHOICES = [("", "请选择")] + [(v, label) for v, label in Role.choices]


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label="姓名或手机号码", max_length=50, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    cursor = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class AccountCreateForm(forms.Form):
    mobile = forms.CharField(label="手机号码", max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(
        label="姓名", max_length=50, required=False, help_text="关联会员档案时可不填，取档案中的姓名"
    )
    org = forms.ChoiceField(label="所属组织", help_text="账号由这个组织（及上级）的账号管理员管理；授予的角色也在这里")
    role = forms.ChoiceField(label="授予角色", required=False, choices=ROLE_CHOICES, help_text="可以稍后在账号页面授予")
    member_id_number = forms.CharField(
        label="关联会员档案（身份证号）",
        max_length=24,
        required=False,
        help_text="可选：填写您管理范围内一位会员的身份证号，账号即与其档案关联",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _org_choices(orgs)


class GrantForm(forms.Form):
    org = forms.ChoiceField(label="在组织")
    role = forms.ChoiceField(label="授予角色", choices=ROLE_CHOICES)

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _org_choices(orgs)
