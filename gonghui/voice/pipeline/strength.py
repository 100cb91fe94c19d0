"""How strongly an issue is felt: volume, breadth, trend and urgency, and one score to sort issues by."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence

from .types import Strength

# Urgent members: a risk to life and health, or a worker left without pay. Matched on the normalized text
# (simplified characters); a reason is named once per text.
URGENCY: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "安全隐患",
        re.compile(
            r"安全隐患|隐患|触电|漏电|坍塌|塌方|垮塌|爆炸|起火|火灾|瓦斯|冒顶|透水|高空坠落|掉下来|没有?安全带|"
            r"没有?安全帽|消防通道|灭火器|报警器?坏|疲劳驾驶|随时会"
        ),
    ),
    ("工伤", re.compile(r"工伤|受伤|摔伤|砸伤|烫伤|骨折|截肢|断了手|伤残|死亡|身亡|出人命|送医院|抢救")),
    ("职业病", re.compile(r"职业病|尘肺|矽肺|中毒|咳血")),
    (
        "欠薪",
        re.compile(
            r"欠薪|讨薪|拖欠工资|工资拖欠|欠(?:了|我们|我)?[^，。,.!！?？]{0,6}工资|工资[^，。,.!！?？]{0,8}(?:没发|不发|没给|未发|拖着)|"
            r"包工头跑|老板跑路|跑路了|欠(?:了)?我[0-9一二三四五六七八九十两几百千万]+"
        ),
    ),
    ("人身安全", re.compile(r"性骚扰|骚扰|殴打|打人|被打|威胁")),
)


def urgency_reasons(normalized: str) -> list[str]:
    return [name for name, pattern in URGENCY if pattern.search(normalized)]


def score(
    *, distinct_submitters: int, distinct_unions: int, growth: float | None, urgent: int, submissions: int
) -> float:
    """score = distinct submitters × breadth × trend × urgency, where
    breadth = 1 + 0.5·log2(1 + distinct unions)  (an issue raised in many unions weighs more),
    trend   = 1 + 0.25·clamp(growth, −0.5, 1)    (growing issues up to +25 %, fading ones down to −12.5 %;
                                                   no previous period → 1),
    urgency = 1 + urgent / submissions            (all members urgent doubles the score).
    Counting distinct submitters (not submissions) keeps one person's repeated messages from inflating it."""
    breadth = 1 + 0.5 * math.log2(1 + distinct_unions)
    trend = 1 + 0.25 * (min(max(growth, -0.5), 1.0) if growth is not None else 0.0)
    urgency = 1 + (urgent / submissions if submissions else 0.0)
    return round(distinct_submitters * breadth * trend * urgency, 3)


def measure(
    members: Sequence[int],
    *,
    submitters: Sequence[str | None],
    unions: Sequence[str | None],
    dates: Sequence[dt.date | None],
    reasons: Sequence[list[str]],
    as_of: dt.date | None,
    period_days: int,
) -> Strength:
    """Strength of one issue from its members' indexes into the per-document sequences."""
    known = {submitters[i] for i in members if submitters[i] is not None}
    unknown = sum(1 for i in members if submitters[i] is None)
    unions_seen = {unions[i] for i in members if unions[i]}
    recent = previous = 0
    if as_of is not None:
        start_recent = as_of - dt.timedelta(days=period_days)
        start_previous = start_recent - dt.timedelta(days=period_days)
        for i in members:
            day = dates[i]
            if day is None or day > as_of:
                continue
            if day > start_recent:
                recent += 1
            elif day > start_previous:
                previous += 1
    growth = round((recent - previous) / previous, 3) if previous else None
    counted: Counter[str] = Counter()
    urgent = 0
    for i in members:
        if reasons[i]:
            urgent += 1
            counted.update(reasons[i])
    distinct_submitters = len(known) + unknown
    return Strength(
        submissions=len(members),
        distinct_submitters=distinct_submitters,
        distinct_unions=len(unions_seen),
        recent=recent,
        previous=previous,
        growth=growth,
        urgent=urgent,
        urgency_reasons=[name for name, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))],
        score=score(
            distinct_submitters=distinct_submitters,
            distinct_unions=len(unions_seen),
            growth=growth,
            urgent=urgent,
            submissions=len(members),
        ),
    )
