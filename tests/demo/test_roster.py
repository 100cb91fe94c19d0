"""The demo roster files the GB/T 4762 / GB/T 4658 values a real roster holds, never the legacy ones."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from gonghui.demo import roster as demo_data
from gonghui.members.choices import LEGACY_EDUCATION, LEGACY_POLITICAL, Education, PoliticalStatus
from gonghui.members.services import clean_profile

DEMOCRATIC_PARTIES = {"rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan", "tdsgl"}


def _workers(n: int, seed: int = 5) -> list[demo_data.Person]:
    rng = random.Random(seed)
    plans = demo_data.plan_unions(rng, 2026)
    ids = demo_data.IdNumbers(rng)
    today = dt.date(2026, 6, 1)
    return [demo_data.make_worker(rng, ids, plans[i % len(plans)], today) for i in range(n)]


def test_demo_workers_hold_the_finer_values_with_plausible_shares() -> None:
    people = _workers(20_000)
    education = Counter(str(p.profile["education"]) for p in people)
    political = Counter(str(p.profile["political_status"]) for p in people)
    assert not set(education) & {str(v) for v in LEGACY_EDUCATION}
    assert not set(political) & {str(v) for v in LEGACY_POLITICAL}
    assert set(education) <= set(Education.values) and set(political) <= set(PoliticalStatus.values)
    # 中专, 职业高中, 技校 and 高中 are four values, each a real share of the workforce
    for value in ("vocational", "vocational_high", "technical", "high_school"):
        assert education[value] > 200, (value, education)
    assert education["high_school"] > education["vocational_high"]
    assert {"master", "doctorate"} <= set(education)
    # several 民主党派, together a small minority; 无党派人士 present, never folded into 群众
    parties = {v: political[v] for v in DEMOCRATIC_PARTIES if political[v]}
    assert len(parties) >= 5, political
    assert 0.002 < sum(parties.values()) / len(people) < 0.02
    assert political["nonparty"] > 0 and political["masses"] > len(people) / 2
    assert political["cpc"] > political["cpc_probationary"] > 0 and political["cyl"] > 0


def test_every_demo_value_passes_the_roster_rules() -> None:
    for person in _workers(3_000, seed=9):
        clean = clean_profile(person.profile)
        assert clean["education"] == person.profile["education"]
        assert clean["political_status"] == person.profile["political_status"]
