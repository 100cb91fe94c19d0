"""Texts that are no demand at all: ads and spam, gibberish, test strings, greetings of one or two words.

Rules only decide the obvious cases; a text that passes them but fits no issue is set aside by the
clustering (too far from every issue's centre), so the rules can stay cautious."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTERS = re.compile(r"[A-Za-z]")
# One of these alone marks an ad or spam.
_AD_STRONG = re.compile(
    r"代开发票|刷单|点击链接|https?://|www\.|无抵押|当天放款|低息贷款|日结\d+|详询客服|加微信|加v信|vx[:：]", re.I
)
# Two of these together do (each alone appears in real demands: 兼职骑手, 电动车, 价格).
_AD_WEAK = re.compile(r"兼职|高薪|贷款|放款|特价|优惠|出售|二手|面议|包邮|招聘|代办|返现|免费领|微信|客服|咨询电话")
_TEST = re.compile(r"^(?:测试|test|ceshi|试一下|试试)", re.I)


def junk_reason(normalized: str, words: list[str]) -> str | None:
    """Why the text is noise, or None when it may be a demand."""
    han = len(_HAN.findall(normalized))
    if han == 0:
        return "无中文内容"  # "qwe123", "ok", "111111", emoji, dots
    if _AD_STRONG.search(normalized) or len(set(_AD_WEAK.findall(normalized))) >= 2:
        return "广告"
    if _TEST.match(normalized) and han <= 16:
        return "测试"
    content = "".join(_HAN.findall(normalized))
    if len(content) >= 4 and len(set(content)) <= len(content) * 0.3:
        return "重复字符"  # 啊啊啊啊啊, 哈哈哈哈
    if not words or (len(set(words)) == 1 and han <= 3):
        return "内容过少"  # 你好, 谢谢, 我就是看看: nothing but stopwords, or one short word
    if len(_LETTERS.findall(normalized)) > 2 * han + 6:
        return "乱码"
    return None
