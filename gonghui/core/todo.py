"""待办: the registry of to-do sources every app declares, and the home page's reading of it.

Each app declares what waits for a cadre in its own `gonghui/<app>/todo.py` (loaded when the core app
is ready, like `audit_actions.py`), so aid reviews, rights cases and sign-ups join the home page later
without touching core:

    register_sources([
        TodoSource(key="members.joins", label="入会申请待审批", action=Action.APPROVE,
                   count=pending_joins_count, url=lambda: reverse("members:queues") + "#joins"),
    ])

A source's `count(user)` must be cheap — one indexed query, scoped to the user's subtree (the review
chain's bounded selector: two) — because the home page runs every source the user may see. `action` is
who sees the source: a user holding it somewhere (`Scope.paths[action]`); the count itself still limits
rows to their scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The actions are plain strings here (gonghui.accounts.scope.Action is a StrEnum): core imports no app.


TONES = ("info", "warn", "danger")


@dataclass(frozen=True)
class TodoSource:
    key: str  # "<app>.<what>", unique
    label: str  # what waits, in Chinese: 入会申请待审批
    action: str  # who sees it: a user holding this action anywhere
    count: Callable[[Any], int]  # count(user) -> the items waiting in the user's scope
    url: Callable[[], str]  # the list filtered to exactly those items
    hint: str = ""  # one line under the label: 需要您批准或驳回
    tone: str = "info"  # info / warn / danger (urgent)
    order: int = 100  # lower comes first on the page
    cap: int | None = None  # a count that stops at `cap` (a bounded selector) is shown as "500+"
    within: str = ""  # the key of a source that already counts these items (urgent ⊂ open): not in the total

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"todo source {self.key!r}: tone must be one of {TONES}")


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    hint: str
    count: int
    url: str
    tone: str
    shown: str  # the count as the card shows it: "12", or "500+" at a source's cap
    within: str = ""  # counted already by that source: left out of the page's total


SOURCES: dict[str, TodoSource] = {}


def register_sources(sources: list[TodoSource]) -> None:
    for source in sources:
        known = SOURCES.get(source.key)
        if known is not None and known != source:
            raise ValueError(f"todo source {source.key!r} declared twice")
        SOURCES[source.key] = source


def sources_for(user: Any, paths: dict[Any, Any]) -> list[TodoSource]:
    """The sources a user sees: those whose action they hold somewhere (`paths` is Scope.paths)."""
    held = {str(a) for a, p in paths.items() if p}
    return sorted((s for s in SOURCES.values() if s.action in held), key=lambda s: (s.order, s.key))


def todo_items(user: Any, paths: dict[Any, Any]) -> list[TodoItem]:
    """What waits for the user, one query per visible source; sources with nothing waiting are left out."""
    items = []
    for source in sources_for(user, paths):
        n = int(source.count(user))
        if n > 0:
            shown = f"{source.cap}+" if source.cap is not None and n >= source.cap else str(n)
            items.append(
                TodoItem(source.key, source.label, source.hint, n, source.url(), source.tone, shown, source.within)
            )
    return items
