"""Demo demands for `seed-demo`: what workers of the demo federation have said, analysed into issues,
with one 专报 already sent and answered so every page of the loop has something to show."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from gonghui.orgs.models import Org
from gonghui.voice.choices import DemandSource
from gonghui.voice.models import ClusterRun
from gonghui.voice.selectors import active_issues
from gonghui.voice.services import (
    demand_enter,
    demand_submit,
    report_create,
    report_feed_back,
    report_record_answer,
    report_submit,
    run_execute,
    run_request,
)

# Each topic: sentence patterns with slots; slots are filled at random so no two demo demands read alike.
TOPICS: dict[str, list[str]] = {
    "欠薪": [
        "老板拖欠我们{n}个月工资了，一直说没钱，讨薪讨不到",
        "包工头跑路了，我们班组十几个人的工资没人管，请工会帮忙讨薪",
        "工资拖了{n}个月没发，家里孩子上学等着用钱，欠薪什么时候能解决",
        "{place}年底了还欠着我们的工钱，去要工资就说等一等",
    ],
    "食堂": [
        "职工食堂饭菜太贵，一份青菜要{n}块钱，希望食堂降价",
        "建议食堂夜班也开饭，下了夜班只能吃泡面",
        "食堂卫生太差，饭菜里吃出了头发，希望食堂整改",
    ],
    "加班": [
        "天天加班到晚上{n}点，加班费一分没有",
        "旺季一个月只休{n}天，年休假从来没休过，加班也不算加班费",
        "周末要求加班，不去加班就扣全勤奖，加班费也不给",
    ],
    "社保": [
        "入职{n}年了单位还没给我们交社保",
        "单位按最低基数交五险一金，社保和实际工资差很多",
        "换了工作社保转移接续办不下来，跑了{n}趟社保局",
    ],
    "骑手": [
        "外卖骑手超时一次罚{n}块，平台算法越来越紧，骑手太难了",
        "送外卖的骑手被车撞了，平台说骑手不是员工不算工伤",
        "希望多建几个骑手驿站，外卖骑手能喝口热水、给电动车充个电",
    ],
    "安全": [
        "{place}脚手架松动有安全隐患，反映了{n}次没人管",
        "车间灭火器都过期了，消防通道堆满了货，安全隐患很大",
        "高空作业不发安全带和安全帽，随时会出安全事故",
    ],
    "子女": [
        "农民工子女在城里上学要开{n}个证明，孩子入学太难了",
        "暑假孩子没人带，希望工会办暑期托管班照看职工孩子",
        "建议金秋助学的申请材料简化一点，孩子上大学的职工跑了好几趟",
    ],
    "培训": [
        "希望工会组织电工证培训，考了证工资能涨{n}百",
        "年轻职工想学技术，希望工会办技能培训夜校",
        "建议多办一些免费的技能培训和职业技能鉴定",
    ],
}
PLACES = ["酒店", "水电站", "煤矿", "工地", "景区", "物流园", "工厂", "超市"]
SOURCES = [DemandSource.VISIT, DemandSource.HOTLINE, DemandSource.MEETING]
# Some topics weigh more, as they do in real surveys: the demo ranking then has a clear top.
WEIGHTS = {"欠薪": 5, "食堂": 3, "加班": 3, "社保": 2, "骑手": 3, "安全": 2, "子女": 1, "培训": 1}


def _text(rng: random.Random, topic: str) -> str:
    pattern = rng.choice(TOPICS[topic])
    return pattern.format(place=rng.choice(PLACES), n=rng.randint(2, 9))


def seed_voice_demo(
    *, rng: random.Random, city: Org, unions: list[Org], worker: Any, city_cadre: Any, count: int = 160
) -> dict[str, int]:
    today = dt.date.today()
    topics = [t for t, w in WEIGHTS.items() for _ in range(w)]
    for _ in range(count):
        demand_enter(
            actor=city_cadre,
            org=rng.choice(unions),
            text=_text(rng, rng.choice(topics)),
            source=rng.choice(SOURCES),
            submitted_on=today - dt.timedelta(days=rng.randint(0, 80)),
        )
    own = demand_submit(user=worker, text="酒店拖欠我们两个月工资了，老板说等旺季过了再发工资，这算不算欠薪")
    demand_submit(user=worker, text="我们酒店旺季一个月只休两天，年休假从来没休过，加班费也没有")
    demand_submit(user=worker, text="建议酒店员工食堂夜班也开饭，下了夜班只能吃泡面", is_anonymous=True)

    run = run_request(actor=city_cadre, scope_org=city)
    run = run_execute(run_id=run.pk)
    issues = list(active_issues(city)[:3]) if run.status == "done" else []
    reports = 0
    if issues:
        # the demo worker's own complaint goes up in the report, so their 我的诉求 shows an answer to rate
        theirs = [m.issue for m in own.memberships.filter(scope_org=city).select_related("issue")]
        packed = list(dict.fromkeys(theirs + issues[:2]))
        sent = report_create(actor=city_cadre, org=city, issues=packed, title="关于职工群众反映集中问题的专报")
        sent = report_submit(actor=city_cadre, report=sent, version=sent.version, submitted_to="中共丽江市委办公室")
        report_record_answer(
            actor=city_cadre,
            report=sent,
            version=sent.version,
            body="丽江市人力资源和社会保障局",
            text="市人社局已会同住建、市场监管部门开展专项检查，对查实的问题限期整改，整改情况将向市总工会通报。",
        )
        report_feed_back(report_id=sent.pk)  # at once: no background worker runs while the demo is seeded
        report_create(actor=city_cadre, org=city, issues=issues[2:3] or issues[:1], title="职工诉求专报（草稿）")
        reports = 2
    return {"demands": count + 3, "issues": ClusterRun.objects.get(pk=run.pk).issue_count, "reports": reports}
