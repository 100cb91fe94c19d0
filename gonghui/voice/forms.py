"""Forms of the voice pages. They only parse; the services judge."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import DemandCategory, DemandKind, DemandSource, Rating


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


_CATEGORY_CHOICES = [("", "不选（由系统归类）"), *DemandCategory.choices]


PLACEHOLDER = "遇到了什么问题，希望工会帮着反映什么"


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=DemandKind.choices, initial=DemandKind.DEMAND, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="想说的话",
        widget=forms.Textarea(
            attrs={"rows": 6, "maxlength": 2000, "placeholder": "遇到了什么问题，希望工会帮着反映什么"}
        ),
        max_length=4000,
        help_text="最多 2000 字。请不要填写身份证号、银行卡号。",
    )
    category = forms.ChoiceField(label="分类", choices=_CATEGORY_CHOICES, required=False)
    is_anonymous = forms.BooleanField(label="匿名提交（工会干部看不到您的姓名）", required=False)
    attachments = forms.FileField(
        label="图片或 PDF（可选，最多 3 个）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "multiple": True}),
    )


class EnterForm(forms.Form):
    org = forms.ChoiceField(label="所属工会")
    source = forms.ChoiceField(label="来源", choices=[c for c in DemandSource.choices if c[0] != DemandSource.SELF])
    kind = forms.ChoiceField(label="类型", choices=DemandKind.choices, initial=DemandKind.DEMAND)
    category = forms.ChoiceField(label="分类", choices=_CATEGORY_CHOICES, required=False)
    text = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    speaker_name = forms.CharField(label="反映人姓名（可不填）", required=False, max_length=50)
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    submitted_on = forms.DateField(label="反映日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices  # type: ignore[attr-defined]


class RunForm(forms.Form):
    org = forms.ChoiceField(label="分析范围")
    since = forms.DateField(
        label="起始日期（默认近一年）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices  # type: ignore[attr-defined]


class RenameForm(forms.Form):
    label = forms.CharField(label="议题名称", max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SplitForm(forms.Form):
    label = forms.CharField(label="新议题名称", max_length=200, required=False)


class ReportEditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(label="导语", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=6000)
    asks = forms.CharField(
        label="意见建议（总体）", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=6000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportSubmitForm(forms.Form):
    submitted_to = forms.CharField(
        label="报送对象", max_length=200, help_text="例如：中共丽江市委办公室、丽江市人民政府"
    )
    submitted_on = forms.DateField(label="报送日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    body = forms.CharField(label="答复单位", max_length=200)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}), max_length=6000)
    answered_on = forms.DateField(label="答复日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RateForm(forms.Form):
    rating = forms.ChoiceField(label="您对这个答复", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="还想说的（可不填）", required=False, max_length=600)
