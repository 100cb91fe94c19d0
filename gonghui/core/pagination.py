"""One keyset page for every list, on pages and in the API alike.

A list declares its sort key — a compound key whose last field is unique, such as
("-submitted_on", "-id") or ("name", "id") — and asks for one page after (or before) a cursor. No
OFFSET and no COUNT: a page costs the same on the first and the thousandth page, and rows written
meanwhile never make a row appear twice or vanish.

A cursor is opaque and signed (django.core.signing, salted per list): it holds the key of the row
where a page ends and the direction to walk. A cursor that was altered, cut, or made for another list
is refused as a whole — `BadCursor`, a DomainError naming the field `cursor` (the API answers 422);
pages call `keyset_page(..., strict=False)` and show the first page with a message instead.

Key fields must be NOT NULL columns of the model itself (no `__` lookups). Every condition on the key
also carries a bound on its first field (`a <= v AND (a < v OR (a = v AND b < w))`), so an index
that starts with the first field is read as a range, not filtered row by row from the start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet

from .errors import DomainError

T = TypeVar("T")

DEFAULT_SIZE = 50
MAX_SIZE = 200
MAX_CURSOR_LENGTH = 1000
BAD_CURSOR_MESSAGE = "翻页参数（cursor）无效或已过期，请从第一页重新查看"

_FORWARD = "n"
_BACKWARD = "p"


class BadCursor(DomainError):
    """A cursor that was not made by this list (altered, cut, or from another list)."""

    def __init__(self) -> None:
        super().__init__(BAD_CURSOR_MESSAGE, field="cursor")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # the page after this one, None on the last page
    prev_cursor: str | None  # the page before this one, None on the first page
    size: int
    error: str = ""  # a refused cursor (pages only): the first page is shown with this message

    @property
    def is_first(self) -> bool:
        return self.prev_cursor is None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)


def bounded_size(size: Any, *, default: int = DEFAULT_SIZE, maximum: int = MAX_SIZE) -> int:
    """A page size from a caller (a URL parameter, say): digits within 1..maximum, else `default`."""
    try:
        value = int(size)
    except (TypeError, ValueError):
        return default
    return max(1, min(value, maximum))


@dataclass(frozen=True)
class _Key:
    name: str
    descending: bool


def _parse_order(model: type[Model], order: Sequence[str]) -> list[_Key]:
    if not order:
        raise ValueError("a keyset page needs a sort key")
    keys: list[_Key] = []
    field: Any = None
    for raw in order:
        name = raw.removeprefix("-")
        if "__" in name:
            raise ValueError(f"keyset fields are the model's own columns: {raw!r}")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if not hasattr(field, "attname") or getattr(field, "null", False):
            raise ValueError(f"keyset field {raw!r} may be NULL or is not a column")
        keys.append(_Key(field.attname if name != "pk" else "pk", raw.startswith("-")))
    if not (field.primary_key or field.unique):
        raise ValueError(f"the last keyset field must be unique: {order[-1]!r}")
    return keys


def _value_of(row: Any, name: str) -> Any:
    value = row[name] if isinstance(row, dict) else getattr(row, name)
    if value is None:
        raise ValueError(f"keyset field {name!r} is NULL on a row")
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return value


def _salt(namespace: str) -> str:
    return f"gonghui.pagination:{namespace}"


def _encode(namespace: str, direction: str, row: Any, keys: list[_Key]) -> str:
    values = [_jsonable(_value_of(row, k.name)) for k in keys]
    return signing.dumps([direction, values], salt=_salt(namespace), compress=True)


def _decode(namespace: str, cursor: str, model: type[Model], keys: list[_Key]) -> tuple[str, list[Any]]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor()
    try:
        payload = signing.loads(cursor, salt=_salt(namespace))
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadCursor() from None
    if not (isinstance(payload, list) and len(payload) == 2 and payload[0] in (_FORWARD, _BACKWARD)):
        raise BadCursor()
    direction, raw_values = payload
    if not isinstance(raw_values, list) or len(raw_values) != len(keys):
        raise BadCursor()
    values = []
    for key, raw in zip(keys, raw_values, strict=True):
        if raw is None or isinstance(raw, (list, dict)):
            raise BadCursor()
        field = model._meta.pk if key.name == "pk" else _field_by_attname(model, key.name)
        try:
            values.append(field.to_python(raw))
        except (ValidationError, ValueError, TypeError):
            raise BadCursor() from None
    return direction, values


def _field_by_attname(model: type[Model], attname: str) -> Any:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise FieldDoesNotExist(attname)


def _beyond(keys: list[_Key], values: list[Any], *, forward: bool) -> Q:
    """Rows strictly past `values` in the walking direction (the key order when `forward`)."""

    def op(key: _Key, *, strict: bool) -> str:
        smaller = key.descending == forward  # walking towards smaller values
        return ("lt" if smaller else "gt") + ("" if strict else "e")

    either = Q()
    for i, key in enumerate(keys):
        term = Q(**{f"{k.name}": v for k, v in zip(keys[:i], values[:i], strict=True)})
        term &= Q(**{f"{key.name}__{op(key, strict=True)}": values[i]})
        either |= term
    # The bound on the first field alone lets an index on it be read as a range.
    first = keys[0]
    return Q(**{f"{first.name}__{op(first, strict=False)}": values[0]}) & either


def _ordering(keys: list[_Key], *, forward: bool) -> list[str]:
    return [("-" if k.descending == forward else "") + k.name for k in keys]


def keyset_page(
    qs: QuerySet[Any],
    *,
    order: Sequence[str],
    namespace: str,
    cursor: str | None = None,
    size: int = DEFAULT_SIZE,
    strict: bool = True,
) -> Page[Any]:
    """One page of `qs` in `order`, after or before `cursor` (None: the first page).

    `namespace` names the list (e.g. "voice.demands"): a cursor of one list is refused by another.
    `strict`: a bad cursor raises BadCursor (API); otherwise the first page comes back with `error`.
    """
    model = qs.model
    keys = _parse_order(model, order)
    size = max(1, min(int(size), MAX_SIZE))
    error = ""
    direction: str = _FORWARD
    values: list[Any] | None = None
    if cursor:
        try:
            direction, values = _decode(namespace, cursor, model, keys)
        except BadCursor:
            if strict:
                raise
            error = BAD_CURSOR_MESSAGE
    forward = direction == _FORWARD
    page_qs = qs
    if values is not None:
        page_qs = page_qs.filter(_beyond(keys, values, forward=forward))
    rows = list(page_qs.order_by(*_ordering(keys, forward=forward))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor: str | None
    prev_cursor: str | None
    if not forward:
        rows.reverse()
        if not rows:  # everything before the cursor is gone: start again from the top
            return keyset_page(qs, order=order, namespace=namespace, size=size, strict=strict)
        prev_cursor = _encode(namespace, _BACKWARD, rows[0], keys) if more else None
        next_cursor = _encode(namespace, _FORWARD, rows[-1], keys)
    else:
        next_cursor = _encode(namespace, _FORWARD, rows[-1], keys) if more else None
        prev_cursor = _encode(namespace, _BACKWARD, rows[0], keys) if values is not None and rows else None
    return Page(items=rows, next_cursor=next_cursor, prev_cursor=prev_cursor, size=size, error=error)
