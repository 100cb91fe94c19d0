"""Demands for the voice tests: real texts from the labelled set, spread over the federation's unions."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from gonghui.voice.choices import DemandSource
from gonghui.voice.models import Demand
from gonghui.voice.services import demand_enter

DATA = Path(__file__).resolve().parent.parent / "data" / "voice"
TOPICS = ("wage_arrears", "canteen_dorm", "child_schooling")


def labelled_texts(topics: tuple[str, ...] = TOPICS, per_topic: int = 12) -> list[tuple[str, str]]:
    rows = list(csv.DictReader((DATA / "eval_demands.csv").open(encoding="utf-8")))
    picked: list[tuple[str, str]] = []
    for topic in topics:
        picked += [(topic, r["text"]) for r in rows if r["issue"] == topic][:per_topic]
    return picked


@pytest.fixture
def demands(world) -> dict[str, list[Demand]]:
    """36 demands entered by cadres, topics spread over union_a, union_a2 and union_b, dated recently."""
    unions = [(world.union_a, world.cadre_a), (world.union_a2, world.county_cadre_a), (world.union_b, world.cadre_b)]
    by_topic: dict[str, list[Demand]] = {}
    today = timezone.localdate()
    for n, (topic, text) in enumerate(labelled_texts()):
        org, cadre = unions[n % 3]
        demand = demand_enter(
            actor=cadre,
            org=org,
            text=text,
            source=DemandSource.VISIT,
            submitted_on=today - dt.timedelta(days=n % 50),
        )
        by_topic.setdefault(topic, []).append(demand)
    return by_topic
