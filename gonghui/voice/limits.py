"""One length limit per field of the voice loop: the forms' widgets and help texts, the services' checks
and (by a test that holds them together) the models' max_length all read these."""

from __future__ import annotations

from gonghui.core.text import TextLimit

DEMAND_TEXT = TextLimit("诉求内容", 2000, min=5, too_short="请把诉求写清楚一些（至少 5 个字）")
SPEAKER_NAME = TextLimit("反映人姓名", 50)
REPORT_TITLE = TextLimit("标题", 120)
REPORT_SUMMARY = TextLimit("导语", 5000)
REPORT_ASKS = TextLimit("意见建议", 5000)
ITEM_ASKS = TextLimit("议题建议", 5000)
SUBMITTED_TO = TextLimit("报送对象", 120)
ANSWER_BODY = TextLimit("答复单位", 120)
ANSWER_TEXT = TextLimit("答复内容", 5000)
RATING_COMMENT = TextLimit("评价意见", 300)

# The tokens of the forms that file something once (core.form_tokens).
SUBMIT_TOKEN = "voice.demand_submit"
ENTER_TOKEN = "voice.demand_enter"
REPORT_CREATE_TOKEN = "voice.report_create"
IMPORT_TOKEN = "voice.demand_import"
