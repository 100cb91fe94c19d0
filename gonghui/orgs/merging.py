"""What follows a union into the union it is merged into.

orgs sits below the apps that hold rows per union (members, and later hardship files, applications,
cases), so it cannot import them. Each such app declares, once in its AppConfig.ready(), a function
that moves its rows from the source union to the target; `org_merge` calls every one inside its own
transaction and records what each moved. Declared in one list, called in one place: no signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Org

# (label, mover): the mover gets source, target and actor and returns how many rows it moved.
Mover = Callable[..., int]
_followers: dict[str, Mover] = {}


def follow_merges(label: str, mover: Mover) -> None:
    """Declare that `label` rows move with their union (idempotent: a reload re-declares the same)."""
    _followers[label] = mover


def move_followers(*, source: Org, target: Org, actor: Any) -> dict[str, int]:
    return {label: mover(source=source, target=target, actor=actor) for label, mover in _followers.items()}
