"""The 待办 registry: apps declare sources; a user sees those whose action they hold; zero counts left out."""

from __future__ import annotations

import pytest

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import todo
from gonghui.core.todo import SOURCES, TodoSource, register_sources, sources_for, todo_items


def test_every_app_source_is_declared_at_start_up():
    assert {"members.joins", "members.transfers", "members.imports"} <= set(SOURCES)
    assert {"voice.demands", "voice.urgent", "voice.reports", "voice.feedback"} <= set(SOURCES)
    for source in SOURCES.values():
        assert source.label and not source.label.isascii(), source.key  # Chinese
        assert source.url().startswith("/"), source.key


def test_a_source_declared_twice_differently_is_refused(monkeypatch):
    monkeypatch.setattr(todo, "SOURCES", {})
    one = TodoSource(key="x.y", label="测试", action=Action.VIEW, count=lambda u: 1, url=lambda: "/")
    register_sources([one])
    register_sources([one])  # the same declaration again (a module loaded twice) is fine
    with pytest.raises(ValueError, match="twice"):
        register_sources([TodoSource(key="x.y", label="别的", action=Action.VIEW, count=lambda u: 1, url=lambda: "/")])
    with pytest.raises(ValueError, match="tone"):
        TodoSource(key="x.z", label="测试", action=Action.VIEW, count=lambda u: 1, url=lambda: "/", tone="red")


def test_sources_follow_the_actions_held_and_zero_counts_are_left_out(world, monkeypatch):
    monkeypatch.setattr(todo, "SOURCES", {})
    register_sources(
        [
            TodoSource(key="t.approve", label="审批", action=Action.APPROVE, count=lambda u: 3, url=lambda: "/a"),
            TodoSource(key="t.view", label="查看", action=Action.VIEW, count=lambda u: 0, url=lambda: "/v"),
            TodoSource(key="t.first", label="最先", action=Action.VIEW, count=lambda u: 2, url=lambda: "/f", order=1),
        ]
    )
    leader = scope_for(world.leader).paths
    assert [s.key for s in sources_for(world.leader, leader)] == ["t.first", "t.view"]
    cadre = scope_for(world.cadre_a).paths
    assert [i.key for i in todo_items(world.cadre_a, cadre)] == ["t.first", "t.approve"]
    assert todo_items(world.worker, scope_for(world.worker).paths) == []
