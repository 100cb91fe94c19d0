"""`gonghui voice-cluster INPUT --text-column text [--id-column id] --output OUT.json`: run the voice
pipeline over a .csv/.xlsx/.xls file of demands and write the issues as JSON.

The file is read with the roster import's readers (file type from its bytes; CSV encoding UTF-8,
UTF-8 with BOM or GBK/GB18030). Without --id-column a demand's id is its data row number (1 = the first
row under the header). Bad input stops with a Chinese message naming the column or row, and nothing is
written: the JSON goes to a temporary file beside the output and is renamed into place only at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.tabular.limits import Limits
from gonghui.core.tabular.reader import Cell, iter_rows, open_table
from gonghui.core.tabular.reader import TabularFile as RosterFile
from gonghui.voice.pipeline import Document, cluster_documents

MAX_CELL_BYTES = 10 * 2**20
MAX_FILE_BYTES = {"csv": 2 * 2**30, "xlsx": 300 * 2**20, "xls": 300 * 2**20}
# a batch command over a federation's year of demands: the shared reader's caps, raised to its file sizes
READ_LIMITS = Limits(max_file_bytes=2 * 2**30, max_rows=20_000_000)


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _csv_rows(roster: RosterFile) -> Iterator[tuple[int, list[Cell]]]:
    """Like readers.iter_rows for CSV, but a cell may be up to MAX_CELL_BYTES (csv's default limit is
    128 KB) and an over-long cell is reported with its row."""
    previous = csv.field_size_limit(MAX_CELL_BYTES + 1)
    number = 0
    try:
        with roster.path.open("r", encoding=roster.encoding, newline="") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                yield number, list(row)
    except UnicodeDecodeError:
        raise CommandError(
            f"第 {number + 1} 行附近出现无法识别的文字编码，请另存为“CSV UTF-8”或 .xlsx 后再试"
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CommandError(f"第 {number + 1} 行有单元格超过 {_mb(MAX_CELL_BYTES)}，请检查文件") from None
        raise CommandError(f"第 {number + 1} 行附近 CSV 格式有误：{exc}") from None
    finally:
        csv.field_size_limit(previous)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class Command(BaseCommand):
    help = "对诉求文件（.csv/.xlsx/.xls）做聚类，找出最突出的问题，结果写成 JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="诉求文件：.csv、.xlsx 或 .xls，第一行为表头")
        parser.add_argument("--text-column", required=True, help="诉求内容所在列的表头")
        parser.add_argument("--id-column", default=None, help="编号列的表头；不给时用数据行号（从 1 起）")
        parser.add_argument("--submitter-column", default=None, help="提交人列（用于统计不同提交人数）")
        parser.add_argument("--union-column", default=None, help="工会代码列（用于统计涉及工会数）")
        parser.add_argument("--date-column", default=None, help="提交日期列（用于统计近期增长）")
        parser.add_argument("--as-of", default=None, help="统计增长的截止日期，默认取文件中最晚的日期")
        parser.add_argument("--period-days", type=int, default=30, help="比较增长的周期天数，默认 30")
        parser.add_argument("--output", required=True, type=Path, help="输出的 JSON 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        output: Path = options["output"]
        if options["period_days"] < 1:
            raise CommandError("--period-days 必须是正整数")
        as_of = None
        if options["as_of"]:
            try:
                as_of = parse_date(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of：{exc}") from None
        if not output.parent.is_dir():
            raise CommandError(f"输出目录不存在：{output.parent}")
        docs = self._read(source, options)
        verbose = options["verbosity"] >= 1
        last_stage = [""]

        def progress(fraction: float, stage: str) -> None:
            if verbose and stage != last_stage[0]:
                last_stage[0] = stage
                print(f"{fraction:4.0%} {stage}", file=sys.stderr, flush=True)

        result = cluster_documents(docs, as_of=as_of, period_days=options["period_days"], progress=progress)
        self._write(output, result.to_json())
        if verbose:
            self.stdout.write(
                f"{len(docs)} 条诉求：{len(result.issues)} 个议题，{len(result.noise)} 条无效或无法归类，"
                f"{len(result.duplicates)} 条重复；结果已写入 {output}"
            )

    # ----------------------------------------------------------------------------------------- reading

    def _read(self, source: Path, options: dict[str, Any]) -> list[Document]:
        if not source.is_file():
            raise CommandError(f"找不到输入文件：{source}")
        try:
            roster = open_table(source, limits=READ_LIMITS)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        size = source.stat().st_size
        if size > MAX_FILE_BYTES[roster.kind]:
            raise CommandError(
                f"文件太大（{_mb(size)}），.{roster.kind} 文件不能超过 {_mb(MAX_FILE_BYTES[roster.kind])}"
            )
        rows = _csv_rows(roster) if roster.kind == "csv" else iter_rows(roster)
        try:
            return self._documents(rows, options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _documents(self, rows: Iterator[tuple[int, list[Cell]]], options: dict[str, Any]) -> list[Document]:
        header: list[str] | None = None
        header_row = 0
        for number, cells in rows:
            if any(_text(c) for c in cells):
                header, header_row = [_text(c) for c in cells], number
                break
        if header is None:
            raise CommandError("文件是空的：没有表头，也没有数据")
        wanted = {
            "text": options["text_column"],
            "id": options["id_column"],
            "submitter": options["submitter_column"],
            "union": options["union_column"],
            "date": options["date_column"],
        }
        column: dict[str, int] = {}
        for role, name in wanted.items():
            if name is None:
                continue
            if name not in header:
                found = "、".join(f"“{h}”" for h in header if h) or "（无）"
                raise CommandError(f"文件中没有“{name}”列（第 {header_row} 行表头中找到的列：{found}）")
            column[role] = header.index(name)

        def cell(cells: list[Cell], role: str) -> Cell:
            j = column.get(role)
            return cells[j] if j is not None and j < len(cells) else None

        docs: list[Document] = []
        seen_ids: dict[str, int] = {}
        data_row = 0
        for number, cells in rows:
            data_row += 1
            for j, value in enumerate(cells):
                if isinstance(value, str) and len(value) * 4 > MAX_CELL_BYTES and len(value.encode()) > MAX_CELL_BYTES:
                    name = header[j] if j < len(header) and header[j] else f"第 {j + 1} 列"
                    raise CommandError(f"第 {number} 行“{name}”列的单元格超过 {_mb(MAX_CELL_BYTES)}，请检查文件")
            text = _text(cell(cells, "text"))
            if not text:
                continue
            doc_id = str(data_row)
            if "id" in column:
                doc_id = _text(cell(cells, "id"))
                if not doc_id:
                    raise CommandError(f"第 {number} 行的“{wanted['id']}”列是空的，每条诉求都需要编号")
                if doc_id in seen_ids:
                    raise CommandError(
                        f"第 {number} 行的编号“{doc_id}”与第 {seen_ids[doc_id]} 行重复（“{wanted['id']}”列）"
                    )
                seen_ids[doc_id] = number
            day: dt.date | None = None
            if "date" in column:
                raw = cell(cells, "date")
                try:
                    day = parse_date(raw)
                except ValueError as exc:
                    raise CommandError(f"第 {number} 行“{wanted['date']}”列：{exc}") from None
            docs.append(
                Document(
                    id=doc_id,
                    text=text,
                    submitter=_text(cell(cells, "submitter")) or None,
                    union=_text(cell(cells, "union")) or None,
                    submitted_on=day,
                )
            )
        if not docs:
            raise CommandError(f"“{wanted['text']}”列没有任何非空内容，没有可分析的诉求")
        return docs

    # ----------------------------------------------------------------------------------------- writing

    def _write(self, output: Path, payload: dict[str, Any]) -> None:
        """Temp file in the output's directory, fsync, then rename: readers never see half a file."""
        fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, output)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
