"""Errors a service raises for the caller to show. Messages are Chinese and name the field."""

from __future__ import annotations


class DomainError(Exception):
    """Bad input or a forbidden transition; shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Absent, or outside the caller's scope: the two look the same on purpose."""

    def __init__(self, message: str = "未找到该记录") -> None:
        super().__init__(message)


class StaleVersion(DomainError):
    """The form was built from an older version of the record."""

    def __init__(self) -> None:
        super().__init__("该记录已被他人修改，请刷新页面后重新提交")


class Conflict(DomainError):
    """The write would break a uniqueness rule (one person, one member; one payment)."""
