"""What an import reports back: how many members it took, and every problem with its row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gonghui.core.tabular.errors import RowError

__all__ = ["MAX_LISTED_ERRORS", "ImportResult", "RowError"]

# beyond this an import of a broken file only counts its problems (the page lists the first 1,000 and
# says how many more; the command line and the API list up to this many)
MAX_LISTED_ERRORS = 10_000


@dataclass
class ImportResult:
    accepted: int = 0  # members written (or that would be, on a dry run); 0 whenever the file is refused
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0  # problems found but not listed (past MAX_LISTED_ERRORS)
    valid_rows: int = 0  # data rows without a problem
    data_rows: int = 0  # data rows read (blank rows not counted)
    header_row: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_omitted

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    def add(self, error: RowError) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)
        else:
            self.errors_omitted += 1

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"accepted": self.accepted, "errors": [e.to_json() for e in self.errors]}
        if self.errors_omitted:
            out["errors_omitted"] = self.errors_omitted
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        return cls(
            accepted=int(data.get("accepted", 0)),
            errors=[RowError(int(e["row"]), str(e["column"]), str(e["message"])) for e in data.get("errors", [])],
            errors_omitted=int(data.get("errors_omitted", 0)),
        )
