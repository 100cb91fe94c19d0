"""The caps every tabular import reads under. An import kind may lower them (the survey import takes
50,000 rows); none is above what keeps one reading process under 400 MB and a refusal within seconds."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024  # the uploaded file as stored
    max_rows: int = 1_000_000  # rows of the sheet (title and header rows included)
    max_columns: int = 16_384  # Excel's own limit (XFD)
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    # .xlsx is a zip archive: every part is checked, decompressed, before anything parses it
    max_part_bytes: int = 1024 * 1024 * 1024  # one worksheet's XML (200,000 roster rows: ~180 MB)
    max_shared_strings_bytes: int = 96 * 1024 * 1024  # xl/sharedStrings.xml (200,000 roster rows: ~20 MB)
    max_shared_strings: int = 1_500_000  # distinct texts of the workbook (200,000 roster rows: < 1,000,000)
    max_other_part_bytes: int = 8 * 1024 * 1024  # workbook.xml, styles.xml, rels, content types …
    max_parts: int = 2_000  # members of the archive
    max_errors_listed: int = 1_000

    def with_(self, **changes: int) -> Limits:
        return replace(self, **changes)


DEFAULT_LIMITS = Limits()


def size_text(n: int) -> str:
    if n >= 1024 * 1024 * 1024:
        return f"{n / 1024 / 1024 / 1024:.1f} GB"
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, n // 1024)} KB"
