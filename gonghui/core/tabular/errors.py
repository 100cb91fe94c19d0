"""What a tabular import reports: one error type for the file as a whole, one for a row's cell, and one
bounded list of them (a broken file of a million rows lists the first problems and counts the rest)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gonghui.core.errors import DomainError

MAX_LISTED_ERRORS = 1_000  # problems kept with their row and column; the rest are only counted


class TabularFileError(DomainError):
    """The file as a whole cannot be read (wrong type, damaged, hostile, unknown encoding, too big)."""

    def __init__(self, message: str, *, row: int = 0, column: str = "", column_index: int | None = None) -> None:
        super().__init__(message, field="file")
        self.row = row
        self.column = column
        self.column_index = column_index

    def as_row_error(self, column_names: list[str] | None = None) -> RowError:
        """The problem as a row of the error table; with the header's texts, the column as written."""
        column = self.column
        if column_names is not None and self.column_index is not None and self.column_index < len(column_names):
            column = column_names[self.column_index] or column
        return RowError(self.row, column, self.message)


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # spreadsheet row number as Excel shows it; 0 = the file as a whole
    column: str  # header text as written in the file ("" when the problem is not one column's)
    message: str  # Chinese reason

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowError:
        return cls(int(data.get("row", 0)), str(data.get("column", "")), str(data.get("message", "")))


@dataclass
class ErrorList:
    """At most `limit` problems kept (the earliest rows first once sorted); the rest counted in `omitted`."""

    limit: int = MAX_LISTED_ERRORS
    errors: list[RowError] = field(default_factory=list)
    omitted: int = 0

    def add(self, error: RowError) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(error)
        else:
            self.omitted += 1

    def extend(self, errors: Iterable[RowError]) -> None:
        for e in errors:
            self.add(e)

    def __len__(self) -> int:
        return len(self.errors) + self.omitted

    def __bool__(self) -> bool:
        return bool(self.errors) or self.omitted > 0

    @property
    def count(self) -> int:
        return len(self)

    def sorted(self, column_order: dict[str, int] | None = None) -> list[RowError]:
        order = column_order or {}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, 999), e.column, e.message))


def errors_to_json(errors: Iterable[RowError]) -> list[dict[str, Any]]:
    return [e.to_json() for e in errors]


def errors_from_json(data: Any) -> list[RowError]:
    if not isinstance(data, list):
        return []
    return [RowError.from_json(e) for e in data if isinstance(e, dict)]
