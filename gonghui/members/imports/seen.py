"""The rows of an imported file already read, kept by the database instead of in Python memory.

Each valid row leaves its row number and the head (64 bits) of its ID number's blind index in a temporary
table of the import's own connection (PostgreSQL: a temporary table of the session, dropped at commit;
SQLite: the connection's temporary database). A person listed twice is then found by one query per batch,
and the importer's memory no longer grows with the size of the file.
"""

from __future__ import annotations

from typing import Any

TABLE = "gonghui_import_seen"


def hmac_head(hmac: str) -> int:
    """The first 64 bits of a blind index (hex) as a signed integer, to fit a bigint column."""
    return int.from_bytes(bytes.fromhex(hmac[:16]), "big", signed=True)


class SeenRows:
    """Row number → blind-index head of every valid row read so far, in a temporary table.

    Only one thread may use it at a time: it shares the import's connection (and its transaction)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def open(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            if self.postgres:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {TABLE} (line_no integer PRIMARY KEY, head bigint NOT NULL) ON COMMIT DROP"
                )
            else:
                cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} (line_no INTEGER PRIMARY KEY, head INTEGER NOT NULL)")
            cursor.execute(f"CREATE INDEX {TABLE}_head ON {TABLE} (head, line_no)")

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def add(self, rows: list[tuple[int, int]]) -> None:
        """Record (row number, head) pairs, row numbers ascending and above all recorded before."""
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"INSERT INTO {TABLE} (line_no, head) SELECT * FROM unnest(%s::integer[], %s::bigint[])",  # noqa: S608
                    [[r for r, _ in rows], [h for _, h in rows]],
                )
            else:
                cursor.executemany(f"INSERT INTO {TABLE} (line_no, head) VALUES (%s, %s)", rows)  # noqa: S608

    def repeats(self, first_row: int, last_row: int) -> dict[int, int]:
        """Recorded rows between first_row and last_row whose person was recorded at an earlier row:
        row number → the first row holding that person."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT line_no, first_no FROM (SELECT s.line_no AS line_no,"  # noqa: S608
                f" (SELECT min(f.line_no) FROM {TABLE} f WHERE f.head = s.head) AS first_no"
                f" FROM {TABLE} s WHERE s.line_no BETWEEN %s AND %s) d WHERE first_no < line_no",
                [first_row, last_row],
            )
            return {int(row): int(first) for row, first in cursor.fetchall()}
