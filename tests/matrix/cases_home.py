"""The home page (待办): cadres and leaders land on what waits for them in their scope; workers on 我的."""

from __future__ import annotations

from typing import Any

from .base import OK, REDIRECT, Case, Ctx, who


def _todo_only_in_scope(persona: str, response: Any, c: Ctx) -> None:
    """union_a has a join request, a checked roster and a report waiting for its answer: its own cadre
    and the admins above it see them; the cadre of union_b sees none of union_a's counts."""
    if response.status_code != 200:
        return
    body = response.content.decode()
    if persona == "cadre_b":
        assert "暂无待办" in body and "data-todo=" not in body, body
    else:
        for key in ("members.joins", "members.imports", "voice.reports"):
            assert f'data-todo="{key}"' in body, (persona, key)


PAGE_CASES: dict[str, list[Case]] = {
    "home": [
        Case(
            who(worker=REDIRECT, cadre_b=OK, cadre_a=OK, city_admin=OK),
            secrets=lambda c: [c.w.union_a.name, c.join_req.name],
            hidden=("worker", "cadre_b"),
            check=_todo_only_in_scope,
        )
    ],
}
