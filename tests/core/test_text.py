import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.errors import DomainError
from gonghui.core.text import (
    ID_PLACEHOLDER,
    MOBILE_PLACEHOLDER,
    TextLimit,
    as_shown,
    keep_typed,
    mask_personal_numbers,
    name_problem,
    normalize,
    repair_mojibake,
    spreadsheet_safe,
    tidy,
    tidy_name,
    tidy_text,
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


# --- what people typed is kept as they typed it (issue 7, part 4) ----------------------------------------

TYPED = "宿舍热水器坏了一个多月，冬天没法洗澡。希望：（一）尽快修好；（二）以后有人管！"


def test_tidy_text_keeps_full_width_punctuation_and_tidies_the_rest():
    assert tidy_text(TYPED) == TYPED
    assert tidy_text("  古城区（东片）\u200b职工之家：\u202e二楼\t 活动室  ") == "古城区（东片）职工之家：二楼 活动室"
    assert tidy_text("Ａ座１２３号，ｂ区") == "A座123号，b区"  # letters and digits folded, punctuation kept
    assert tidy_text(None) == "" and tidy_text("\x00\x1f") == ""


def test_tidy_text_multiline_keeps_line_breaks_but_not_runs_of_blank_lines():
    assert tidy_text("第一条，\r\n\r\n\r\n\r\n  第二条。  \n第三条", multiline=True) == "第一条，\n\n第二条。\n第三条"


def test_the_key_form_still_folds():
    assert tidy("（一）尽快修好，") == "(一)尽快修好,"
    assert normalize(TYPED).count(",") == 1 and "，" not in normalize(TYPED)


def test_the_original_is_kept_exactly_as_typed():
    text = "  外賣騎手（送餐）被罰款，\r\n５３０７０２１９９００１０１１２３４  "
    assert keep_typed(text) == "外賣騎手（送餐）被罰款，\n５３０７０２１９９００１０１１２３４"


def test_as_shown_keeps_punctuation_and_traditional_characters_but_masks_numbers_and_repairs_mojibake():
    shown = as_shown("外賣騎手（送餐）被罰款，電話１３９８７６５４３２１，身份证530702199001011234。")
    assert shown == f"外賣騎手（送餐）被罰款，電話{MOBILE_PLACEHOLDER}，身份证{ID_PLACEHOLDER}。"
    assert as_shown(garble("拖欠工资三个月了") + "，怎么办？") == "拖欠工资三个月了，怎么办？"


@pytest.mark.parametrize(
    ("name", "bad"),
    [("张三😀", "😀"), ("李四👍🏽", "👍🏽"), ("王五★", "★"), ("赵六（临时）", "（"), ("钱七@", "@"), ("孙♥八", "♥")],
)
def test_a_name_with_an_emoji_or_a_symbol_is_refused_naming_the_character(name, bad):
    assert name_problem(name) == f"姓名不能含有表情或符号“{bad}”"


def test_a_name_with_a_digit_is_refused_and_the_label_can_be_named():
    assert name_problem("王2", label="反映人姓名") == "反映人姓名不能含有数字“2”"


@pytest.mark.parametrize("name", ["木丽华", "阿依·买买提", "阿依•买买提", "Jean-Luc", "O'Brien 王", "㛃", "𠮷野", ""])
def test_names_people_have_pass(name):
    assert name_problem(name) is None


def test_one_limit_says_the_same_everywhere():
    limit = TextLimit("诉求内容", 10, min=3)
    assert limit.help == "3–10 字"
    assert limit.check("一二三", field="text") == "一二三"
    with pytest.raises(DomainError) as exc:
        limit.check("一" * 11, field="text")
    assert exc.value.field == "text" and exc.value.message == "诉求内容太长：最多 10 字，现有 11 字"
    assert limit.problem("一") == "诉求内容太短：至少 3 字，现有 1 字"
    assert TextLimit("x", 5, min=2, too_short="写清楚些").problem("一") == "写清楚些"
    assert TextLimit("评价意见", 300).help == "最多 300 字"
