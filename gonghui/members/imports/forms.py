"""Forms of the roster import and export pages (parsing only; the rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.orgs.models import Org


def _org_choices(orgs: list[Org]) -> list[tuple[str, str]]:
    return [(o.code, f"{o.name}（{o.code}）") for o in orgs]


class UploadForm(forms.Form):
    org = forms.ChoiceField(label="导入到哪个工会")
    file = forms.FileField(
        label="名册文件",
        help_text="Excel（.xlsx、.xls）或 CSV；第一行可以是标题，表头须有“姓名”和“身份证号”两列",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        error_messages={"required": "请选择要导入的名册文件", "empty": "文件是空的"},
    )

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _org_choices(orgs)
        field.error_messages["invalid_choice"] = "请从列表中选择工会"
        field.error_messages["required"] = "请选择工会"
        if len(orgs) == 1:
            self.initial.setdefault("org", orgs[0].code)


class ExportForm(forms.Form):
    org = forms.ChoiceField(label="导出哪个工会的名册（含其下属工会）")
    reveal = forms.BooleanField(
        label="导出完整身份证号",
        required=False,
        help_text="仅限有查看权限的干部；每次导出都会记入审计日志",
    )

    def __init__(self, *args: Any, orgs: list[Org], can_reveal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _org_choices(orgs)
        field.error_messages["invalid_choice"] = "请从列表中选择工会"
        if not can_reveal:
            del self.fields["reveal"]
