"""What the cadre pages of the voice loop share: who may use them and which orgs they may pick."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import DomainError, NotFound
from gonghui.orgs.models import Org, OrgStatus
from gonghui.orgs.selectors import get_org_for_user, orgs_for

from ..selectors import top_org

MAX_ORG_CHOICES = 3000


def require_voice(request: HttpRequest, action: Action = Action.VOICE) -> None:
    """Pages for cadres (and, read-only, leaders): anyone else is told the page does not exist."""
    if not scope_for(request.user).paths.get(action):
        raise Http404


def org_choices(user: Any, action: Action = Action.VOICE) -> list[tuple[str, str]]:
    orgs = (
        orgs_for(user, action)
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
        .only("code", "name", "depth")[:MAX_ORG_CHOICES]
    )
    top = min((o.depth for o in orgs), default=0)
    return [(o.code, "　" * (o.depth - top) + o.name) for o in orgs]


def org_from(request: HttpRequest, code: str | None, action: Action = Action.VOICE) -> Org:
    """The org a form names, or the caller's own top org; out of scope is a 404."""
    try:
        if code:
            return get_org_for_user(request.user, action, code=code)
        return top_org(request.user, action)
    except NotFound:
        raise Http404 from None


def parse_ids(values: list[str], limit: int = 5000) -> list[int]:
    """Ids from checkboxes: digits only, within BIGINT; anything else is dropped, not a 500."""
    return [int(v) for v in values if v.isdigit() and 0 < int(v) < 2**63][:limit]


def step(request: HttpRequest, call: Callable[[], Any], *, done: str) -> Any:
    """Run one service call of a POST-redirect page: out of scope is a 404, a refusal becomes the
    page's error message, success its confirmation. Returns the service's result, or None if refused."""
    try:
        result = call()
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, done)
    return result
