"""Roster import: read .xlsx/.xls/.csv, validate every row, write all or nothing."""

from .readers import ImportFileError
from .result import ImportResult, RowError
from .runner import check_import_allowed, run_import

__all__ = ["ImportFileError", "ImportResult", "RowError", "check_import_allowed", "run_import"]
