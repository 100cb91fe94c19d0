""".xls (BIFF, Excel 97–2003) through python-calamine, read in a child process with a memory ceiling.

calamine turns a sheet into one dense grid of rows × columns: a 5 KB .xls with one cell at A1 and one
at IV65536 takes a gigabyte. An .xls is not compressed, so nothing short of parsing BIFF says how big
the grid will be; instead the sheet is read in a forked child whose address space is capped
(RLIMIT_AS): a grid too big for the cap ends the child, not the server, and the file is refused. The
child hands the rows back in batches through a pipe and leaves with os._exit (it touches no database
connection and runs no exit handler).
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .csvfile import refuse_nul, too_many_rows
from .errors import TabularFileError
from .guard import damaged_message
from .limits import Limits

CHILD_EXTRA_BYTES = 512 * 1024 * 1024  # address space the child may add to what it inherits
_BATCH = 2000


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    os.write(fd, struct.pack(">Q", len(data)))
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _child(path: Path, limits: Limits, fd: int) -> None:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    base = _vm_size()
    if base:
        resource.setrlimit(resource.RLIMIT_AS, (base + CHILD_EXTRA_BYTES, base + CHILD_EXTRA_BYTES))
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError):
        _send(fd, ("error", damaged_message("xls"), 0))
        return
    with wb:
        try:
            sheet = next(
                (
                    wb.get_sheet_by_name(meta.name)
                    for meta in wb.sheets_metadata
                    if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
                ),
                None,
            ) or wb.get_sheet_by_index(0)
        except (CalamineError, IndexError):
            _send(fd, ("error", "文件中没有工作表", 0))
            return
        except MemoryError:
            _send(fd, ("error", _too_big(), 0))
            return
        start = sheet.start
        if sheet.height > limits.max_rows:
            _send(fd, ("error", too_many_rows(limits).message, 0))
            return
        # calamine yields the blank rows above the data on some files and not on others; the first
        # row of the data range always holds a value, so a blank first row means the padding is there.
        offset: int | None = None
        batch: list[tuple[int, list[Any]]] = []
        for index, row in enumerate(sheet.iter_rows()):
            if offset is None:
                offset = 0 if start is None or start[0] == 0 or not any(c != "" for c in row) else start[0]
            batch.append((index + offset + 1, row))
            if len(batch) >= _BATCH:
                _send(fd, ("rows", batch))
                batch = []
        if batch:
            _send(fd, ("rows", batch))
        _send(fd, ("end",))


def _too_big() -> str:
    return (
        "文件内容异常：工作表展开后过大（单元格分布的范围远超实际数据），已拒收。请用 Excel 打开后另存为 .xlsx 再导入"
    )


def _read_exact(fh: Any, n: int) -> bytes:
    data = fh.read(n)
    if data is None or len(data) < n:
        raise EOFError
    return bytes(data)


def iter_xls(path: Path, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # calamine's own report of a failed allocation is not for the server log
            faulthandler.disable()  # an abort at the memory ceiling is the expected end, not a crash to dump
            _child(path, limits, write_fd)
        except MemoryError:
            try:
                _send(write_fd, ("error", _too_big(), 0))
            except BaseException:
                code = 3
        except BaseException:
            code = 2
        finally:
            os._exit(code)
    os.close(write_fd)
    finished = False
    try:
        with os.fdopen(read_fd, "rb") as fh:
            while True:
                try:
                    (size,) = struct.unpack(">Q", _read_exact(fh, 8))
                    message = pickle.loads(_read_exact(fh, size))  # noqa: S301 (our own child)
                except EOFError:
                    raise TabularFileError(_too_big()) from None
                if message[0] == "error":
                    raise TabularFileError(message[1])
                if message[0] == "end":
                    finished = True
                    return
                for number, cells in message[1]:
                    refuse_nul(number, cells)
                    yield number, cells
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        os.waitpid(pid, 0)
