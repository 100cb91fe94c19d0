from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .scope import Action, scope_for


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    scope = scope_for(user)
    return {
        "is_cadre": scope.is_cadre,
        "can_manage_orgs": bool(scope.paths.get(Action.MANAGE_ORGS)),
        "can_audit": bool(scope.paths.get(Action.AUDIT)),
        "can_import": bool(scope.paths.get(Action.IMPORT)),
        "can_manage_accounts": bool(scope.paths.get(Action.ACCOUNTS)),
        "is_member": bool(scope.member_id),
        "unread_messages": _unread(user) if scope.member_id else 0,
    }


def _unread(user: Any) -> int:
    from gonghui.core.selectors import unread_notifications

    return unread_notifications(user)
