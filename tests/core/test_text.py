import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.text import (
    ID_PLACEHOLDER,
    MOBILE_PLACEHOLDER,
    mask_personal_numbers,
    normalize,
    repair_mojibake,
    spreadsheet_safe,
    tidy_name,
)


def garble(text: str) -> str:
    """What a GBK reader shows for UTF-8 bytes."""
    return text.encode("utf-8").decode("gbk", errors="replace")


def test_traditional_becomes_simplified():
    assert normalize("外賣騎手被平臺罰款，希望工會幫忙") == "外卖骑手被平台罚款,希望工会帮忙"


def test_full_width_becomes_half_width_and_spaces_are_tidied():
    assert normalize("  加班  ３小时\t没有\u200b加班费！ ") == "加班 3小时 没有加班费!"


def test_pinyin_annotations_are_removed_but_other_brackets_stay():
    assert normalize("拖欠(tuō qiàn)工资") == "拖欠工资"
    assert normalize("驿站（yi zhan）太远") == "驿站太远"
    assert normalize("补贴(RMB)太少") == "补贴(RMB)太少"
    assert normalize("食堂(二楼)太贵") == "食堂(二楼)太贵"


def test_gbk_utf8_mojibake_is_repaired():
    assert garble("拖欠工资三个月了") == "鎷栨瑺宸ヨ祫涓変釜鏈堜簡"
    assert normalize(garble("拖欠工资三个月了") + "，怎么办") == "拖欠工资三个月了,怎么办"
    assert repair_mojibake("我们" + garble("拖欠工资") + "了") == "我们拖欠工资了"


def test_ordinary_text_is_not_touched_by_the_repair():
    for text in ["拖欠工资，我们很着急。", "外賣騎手被平臺罰款", "鍋爐房太熱", "Wi-Fi 没信号"]:
        assert repair_mojibake(text) == text


def test_personal_numbers_are_masked():
    text = "我的手机13987654321，另一个 +86 139-8765-4321，身份证530702199001011234，工号20240101"
    masked = mask_personal_numbers(text)
    assert "13987654321" not in masked and "530702199001011234" not in masked
    assert masked.count(MOBILE_PLACEHOLDER) == 2 and masked.count(ID_PLACEHOLDER) == 1
    assert "工号20240101" in masked
    assert normalize("身份证号53070219900101123x") == f"身份证号{ID_PLACEHOLDER}"


def test_empty_and_none_like():
    assert normalize("") == ""
    assert normalize("   \t ") == ""


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=30))
def test_normalize_is_idempotent_on_chinese(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(max_size=200))
def test_normalize_never_fails_and_never_leaks_a_mobile(text):
    out = normalize(text + " 13987654321")
    assert "13987654321" not in out


def test_short_field_helpers():
    assert tidy_name(" 张 三 ") == "张三"
    assert tidy_name("阿依・买买提") == "阿依·买买提"
    assert spreadsheet_safe("=SUM(A1)") == "'=SUM(A1)"
    assert spreadsheet_safe("张三") == "张三"


@pytest.mark.parametrize(
    "text",
    ["身份证 530702 19600101 0297 请核实", "530702-1960-0101-0297", "号码530702 196001010297"],
)
def test_id_numbers_written_in_groups_are_masked_too(text):
    masked = normalize(text)
    assert "[身份证号]" in masked
    assert "0297" not in masked


def test_long_order_numbers_are_not_taken_for_id_numbers():
    assert normalize("订单号 2026112712345678") == "订单号 2026112712345678"
