"""What the member pages share: reaching a member through the caller's scope, and telling an htmx
request (which wants a partial) from a full page load."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from gonghui.accounts.scope import Action, scope_for
from gonghui.core.errors import NotFound
from gonghui.members.selectors import get_member_for_user

from ..models import Member


def member_or_404(request: HttpRequest, action: Action, pk: Any) -> Member:
    try:
        return get_member_for_user(request.user, action, pk)
    except NotFound:
        raise Http404 from None


def own_member(request: HttpRequest) -> Member | None:
    """The caller's own member record, or None for a user who has not joined."""
    member_id = request.user.member_id  # type: ignore[union-attr]
    if member_id is None:
        return None
    return member_or_404(request, Action.VIEW, member_id)


def require_cadre(request: HttpRequest) -> None:
    if not scope_for(request.user).is_cadre:
        raise Http404


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx; a boosted navigation still wants the whole page."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "boosted", False)
