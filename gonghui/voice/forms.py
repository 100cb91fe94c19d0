"""Forms of the voice pages. They only parse; the services judge."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.core.form_tokens import form_token_field
from gonghui.core.forms import bounded_text

from . import limits
from .choices import DemandCategory, DemandKind, DemandSource, Rating


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


_CATEGORY_CHOICES = [("", "不选（由系统归类）"), *DemandCategory.choices]


PLACEHOLDER = "遇到了什么问题，希望工会帮着反映什么"


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=DemandKind.choices, initial=DemandKind.DEMAND, widget=forms.RadioSelect
    )
    text = bounded_text(
        limits.DEMAND_TEXT,
        label="想说的话",
        multiline=True,
        rows=6,
        placeholder=PLACEHOLDER,
        note="请不要填写身份证号、银行卡号。",
    )
    category = forms.ChoiceField(label="分类", choices=_CATEGORY_CHOICES, required=False)
    is_anonymous = forms.BooleanField(label="匿名提交（工会干部看不到您的姓名）", required=False)
    attachments = forms.FileField(
        label="图片或 PDF（可选，最多 3 个）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "multiple": True}),
        help_text="每个不超过 5 MB。页面提示有误时，附件需要重新选择。",
    )
    form_token = form_token_field(limits.SUBMIT_TOKEN)


class EnterForm(forms.Form):
    org = forms.ChoiceField(label="所属工会")
    source = forms.ChoiceField(label="来源", choices=[c for c in DemandSource.choices if c[0] != DemandSource.SELF])
    kind = forms.ChoiceField(label="类型", choices=DemandKind.choices, initial=DemandKind.DEMAND)
    category = forms.ChoiceField(label="分类", choices=_CATEGORY_CHOICES, required=False)
    text = bounded_text(limits.DEMAND_TEXT, label="反映内容", multiline=True, rows=5)
    speaker_name = bounded_text(limits.SPEAKER_NAME, label="反映人姓名（可不填）", required=False)
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    submitted_on = forms.DateField(label="反映日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    form_token = form_token_field(limits.ENTER_TOKEN)

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
    title = bounded_text(limits.REPORT_TITLE)
    summary = bounded_text(limits.REPORT_SUMMARY, required=False, multiline=True)
    asks = bounded_text(limits.REPORT_ASKS, label="意见建议（总体）", required=False, multiline=True)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportSubmitForm(forms.Form):
    submitted_to = bounded_text(limits.SUBMITTED_TO, note="例如：中共丽江市委办公室、丽江市人民政府。")
    submitted_on = forms.DateField(label="报送日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    body = bounded_text(limits.ANSWER_BODY)
    text = bounded_text(limits.ANSWER_TEXT, multiline=True, rows=6)
    answered_on = forms.DateField(label="答复日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


RATING_MISSING = "请选择满意、基本满意或不满意"


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label="您对这个答复",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_MISSING, "invalid_choice": RATING_MISSING},
    )
    comment = bounded_text(limits.RATING_COMMENT, label="还想说的（可不填）", required=False)
