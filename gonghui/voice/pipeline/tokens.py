"""Words of a normalized demand: rjieba with the union-domain dictionary, stopwords dropped, masked
personal numbers and bare numbers never kept (so they can never become a keyword or a label)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import rjieba

from gonghui.core.text import ID_PLACEHOLDER, MOBILE_PLACEHOLDER

HERE = Path(__file__).resolve().parent
_PLACEHOLDERS = re.compile(re.escape(ID_PLACEHOLDER) + "|" + re.escape(MOBILE_PLACEHOLDER))
# Any run of 5+ digits/letters mixed with digits: account numbers, order numbers, left-over phone parts.
_LONG_NUMBER = re.compile(r"[0-9A-Za-z]*\d[0-9A-Za-z\-]{4,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Counts and amounts written in hanzi (三个, 两千多, 十几个, 四块): never an issue's word.
_NUMERAL = re.compile(r"^[零一二三四五六七八九十百千万两几半多第每]+[个月天年块元次点号周岁人位件单分毛钟小时多来余]*$")
_WORDLIKE = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[\u4e00-\u9fff]*[A-Za-z]{2,}[\u4e00-\u9fff]*)$")

# A few spellings of one concept, so that the issue's words meet: (variant, canonical).
SYNONYMS: dict[str, str] = {
    "工钱": "工资",
    "薪水": "工资",
    "薪资": "工资",
    "薪酬": "工资",
    "拖欠工资": "欠薪",
    "工资拖欠": "欠薪",
    "讨薪": "欠薪",
    "社会保险": "社保",
    "住房公积金": "公积金",
    "合同": "劳动合同",
    "书面合同": "劳动合同",
    "外卖员": "骑手",
    "外卖骑手": "骑手",
    "送外卖": "外卖",
    "快递小哥": "快递员",
    "派件费": "派费",
    "带薪年假": "年休假",
    "年假": "年休假",
    "职工食堂": "食堂",
    "职工宿舍": "宿舍",
    "通勤车": "班车",
    "尘肺病": "尘肺",
    "劳保用品": "防护用品",
    "托管班": "托管",
    "暑期托管": "托管",
    "暑假": "暑期",
    "爱心驿站": "驿站",
    "会员卡": "工会卡",
}


def _read_list(name: str) -> list[str]:
    words: list[str] = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        words.extend(line.split())
    return words


STOPWORDS: frozenset[str] = frozenset(_read_list("stopwords.txt"))
UNION_WORDS: tuple[str, ...] = tuple(_read_list("union_words.txt"))

_segmenter: rjieba.Jieba | None = None


def segmenter() -> rjieba.Jieba:
    """rjieba with the union-domain words added (our own instance: the module-level one stays as it is)."""
    global _segmenter
    if _segmenter is None:
        seg = rjieba.Jieba()
        for word in UNION_WORDS:
            seg.add_word(word, None, None)
        _segmenter = seg
    return _segmenter


@lru_cache(maxsize=200_000)
def _keep(token: str) -> str | None:
    token = token.strip().lower()
    if not token or token in STOPWORDS or not _WORDLIKE.match(token) or _NUMERAL.match(token):
        return None
    token = SYNONYMS.get(token, token)
    return None if token in STOPWORDS else token


def words(normalized: str) -> list[str]:
    """Content words of an already-normalized text, in order (repeats kept)."""
    text = _LONG_NUMBER.sub(" ", _PLACEHOLDERS.sub(" ", normalized))
    out = []
    for token in segmenter().cut(text):
        kept = _keep(token)
        if kept is not None:
            out.append(kept)
    return out


def content_chars(normalized: str) -> str:
    """The hanzi of the text without the placeholders: the input for character n-grams."""
    return "".join(_HAN.findall(_PLACEHOLDERS.sub("", normalized)))


# Word classes (jieba tags) that can name an issue: nouns, verbal nouns, idioms, time words. Verbs and
# adjectives alone (不到, 太难) read badly as a name; measure and numeral fragments (充个, 喝口, 很多) are
# never shown at all. Words of the union dictionary always qualify (欠薪 is tagged a verb).
_NAMING_TAGS = frozenset({"n", "nz", "nw", "vn", "an", "i", "l", "t", "j", "ng"})
_FRAGMENT_TAGS = frozenset({"q", "m", "mq", "u", "uj", "ul", "p", "c", "r", "d", "x", "zg"})
_UNION_WORD_SET = frozenset(UNION_WORDS)


@lru_cache(maxsize=50_000)
def _tag(word: str) -> str:
    tagged = segmenter().tag(word)
    return tagged[0][1] if len(tagged) == 1 else "n"  # a compound the segmenter splits: treat as a noun phrase


def shown_keywords(keywords: list[str]) -> list[str]:
    """Keywords worth showing a cadre: fragments (measure words, numerals, particles) left out."""
    return [w for w in keywords if w in _UNION_WORD_SET or _tag(w) not in _FRAGMENT_TAGS]


def issue_label(keywords: list[str], parts: int = 3) -> str:
    """A short name from the strongest keywords that can name something; other keywords fill in."""
    naming = [w for w in keywords if w in _UNION_WORD_SET or _tag(w) in _NAMING_TAGS]
    chosen = naming[:parts]
    if len(chosen) < 2:
        chosen += [w for w in keywords if w not in chosen][: 2 - len(chosen)]
    return "、".join(chosen)
