"""The survey import form (parsing only; the rules live in `voice.services.imports`)."""

from __future__ import annotations

from typing import Any

from django import forms


class ImportForm(forms.Form):
    org = forms.ChoiceField(
        label="导入到",
        help_text="文件中没有填“所属工会”的诉求都记在这个工会；填了的，须是它本身或它的下属工会",
    )
    file = forms.FileField(
        label="问卷结果文件",
        help_text="Excel（.xlsx、.xls）或 CSV；表头须有“内容”一列，表头上方可以有标题行",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
    )

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = org_choices
        field.error_messages["invalid_choice"] = "请从列表中选择工会"
        field.error_messages["required"] = "请选择要导入到哪个工会"
        if org_choices:
            self.initial.setdefault("org", org_choices[0][0])
