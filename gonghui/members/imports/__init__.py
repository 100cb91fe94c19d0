"""Roster import: the roster's row rules on the shared tabular pipeline (gonghui.core.tabular)."""

from gonghui.core.tabular.errors import TabularFileError

from .result import ImportResult, RowError
from .runner import check_import_allowed, run_import

__all__ = ["ImportResult", "RowError", "TabularFileError", "check_import_allowed", "run_import"]
