"""The keyset page of gonghui.core.pagination: every row once, in order, ties in the first key included;
back cursors; tampered or foreign cursors refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.models import Notification
from gonghui.core.pagination import (
    BAD_CURSOR_MESSAGE,
    MAX_SIZE,
    BadCursor,
    bounded_size,
    keyset_page,
)
from tests.factories import make_user

BASE = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)

ORDERS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "title": ("title", "id"),
    "title_desc": ("-title", "id"),
}


def _fill(user: object, stamps: list[int]) -> None:
    """One notification per stamp; equal stamps are ties in both created_at and title."""
    Notification.objects.all().delete()
    for n, stamp in enumerate(stamps):
        note = Notification.objects.create(user=user, title=f"标题{stamp:02d}", body=str(n))
        Notification.objects.filter(pk=note.pk).update(created_at=BASE + dt.timedelta(minutes=stamp))


def _expected(order: tuple[str, ...]) -> list[int]:
    return list(Notification.objects.order_by(*order).values_list("pk", flat=True))


def _walk_forward(order: tuple[str, ...], size: int) -> tuple[list[int], list[str | None]]:
    seen: list[int] = []
    cursors: list[str | None] = [None]
    cursor = None
    for _ in range(1000):
        page = keyset_page(Notification.objects.all(), order=order, namespace="test", cursor=cursor, size=size)
        seen.extend(n.pk for n in page.items)
        if page.next_cursor is None:
            return seen, cursors
        cursor = page.next_cursor
        cursors.append(cursor)
    raise AssertionError("the walk never ended")


@pytest.fixture
def owner(db: None) -> object:
    return make_user("翻页测试")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stamps=st.lists(st.integers(min_value=0, max_value=4), max_size=25),
    size=st.integers(min_value=1, max_value=7),
    order_name=st.sampled_from(sorted(ORDERS)),
)
def test_walking_forward_yields_every_row_once_in_order(
    owner: object, stamps: list[int], size: int, order_name: str
) -> None:
    _fill(owner, stamps)
    order = ORDERS[order_name]
    seen, _ = _walk_forward(order, size)
    assert seen == _expected(order)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stamps=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=20),
    size=st.integers(min_value=1, max_value=5),
    order_name=st.sampled_from(sorted(ORDERS)),
)
def test_walking_back_from_the_last_page_yields_the_same_rows(
    owner: object, stamps: list[int], size: int, order_name: str
) -> None:
    _fill(owner, stamps)
    order = ORDERS[order_name]
    forward, _ = _walk_forward(order, size)
    # go to the last page, then follow prev cursors to the top
    cursor = None
    page = keyset_page(Notification.objects.all(), order=order, namespace="test", size=size)
    while page.next_cursor:
        cursor = page.next_cursor
        page = keyset_page(Notification.objects.all(), order=order, namespace="test", cursor=cursor, size=size)
    backward = [n.pk for n in page.items]
    while page.prev_cursor:
        page = keyset_page(
            Notification.objects.all(), order=order, namespace="test", cursor=page.prev_cursor, size=size
        )
        assert len(page.items) == size  # a page reached going back is full
        backward = [n.pk for n in page.items] + backward
    assert page.is_first
    assert backward == forward


def test_first_page_has_no_prev_and_a_middle_page_has_both(owner: object) -> None:
    _fill(owner, [1, 1, 1, 2, 2, 3, 4])
    first = keyset_page(Notification.objects.all(), order=ORDERS["newest"], namespace="test", size=3)
    assert first.prev_cursor is None and first.next_cursor
    middle = keyset_page(
        Notification.objects.all(), order=ORDERS["newest"], namespace="test", cursor=first.next_cursor, size=3
    )
    assert middle.prev_cursor and middle.next_cursor
    back = keyset_page(
        Notification.objects.all(), order=ORDERS["newest"], namespace="test", cursor=middle.prev_cursor, size=3
    )
    assert [n.pk for n in back.items] == [n.pk for n in first.items]
    assert back.is_first


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",  # empty is simply the first page, checked below
        "x" * 5000,
        "' OR 1=1 --",
    ],
)
def test_bad_cursor_is_refused_in_strict_mode_and_first_page_otherwise(owner: object, cursor: str) -> None:
    _fill(owner, [1, 2, 3])
    qs = Notification.objects.all()
    if cursor:
        with pytest.raises(BadCursor) as exc:
            keyset_page(qs, order=ORDERS["newest"], namespace="test", cursor=cursor, size=2)
        assert exc.value.field == "cursor"
    page = keyset_page(qs, order=ORDERS["newest"], namespace="test", cursor=cursor, size=2, strict=False)
    assert [n.pk for n in page.items] == _expected(ORDERS["newest"])[:2]
    assert page.error == (BAD_CURSOR_MESSAGE if cursor else "")


def test_tampered_and_foreign_cursors_are_refused(owner: object) -> None:
    _fill(owner, [1, 2, 3, 4])
    qs = Notification.objects.all()
    good = keyset_page(qs, order=ORDERS["newest"], namespace="test", size=2).next_cursor
    assert good
    # a cursor of another list
    with pytest.raises(BadCursor):
        keyset_page(qs, order=ORDERS["newest"], namespace="other", cursor=good, size=2)
    # one character changed
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")
    with pytest.raises(BadCursor):
        keyset_page(qs, order=ORDERS["newest"], namespace="test", cursor=flipped, size=2)
    # signed by us but with values of the wrong shape or type
    for payload in (["n", [1]], ["x", ["2026-01-01T00:00:00+00:00", 1]], ["n", ["不是日期", 1]], ["n", [None, 1]]):
        forged = signing.dumps(payload, salt="gonghui.pagination:test", compress=True)
        with pytest.raises(BadCursor):
            keyset_page(qs, order=ORDERS["newest"], namespace="test", cursor=forged, size=2)


def test_page_size_is_bounded(owner: object) -> None:
    _fill(owner, [0] * 3)
    assert keyset_page(Notification.objects.all(), order=ORDERS["oldest"], namespace="t", size=10**6).size == MAX_SIZE
    assert keyset_page(Notification.objects.all(), order=ORDERS["oldest"], namespace="t", size=-5).size == 1
    assert bounded_size("abc") == 50
    assert bounded_size("999") == MAX_SIZE
    assert bounded_size("0") == 1


def test_sort_keys_must_end_unique_and_not_null(owner: object) -> None:
    with pytest.raises(ValueError, match="unique"):
        keyset_page(Notification.objects.all(), order=("created_at",), namespace="t")
    with pytest.raises(ValueError, match="NULL"):
        keyset_page(Notification.objects.all(), order=("read_at", "id"), namespace="t")
    with pytest.raises(ValueError, match="own columns"):
        keyset_page(Notification.objects.all(), order=("user__mobile", "id"), namespace="t")


def test_rows_written_between_pages_do_not_repeat_rows(owner: object) -> None:
    _fill(owner, [5, 4, 3, 2, 1])
    order = ORDERS["newest"]
    first = keyset_page(Notification.objects.all(), order=order, namespace="test", size=2)
    # a new notification arrives on top while the reader looks at page one
    Notification.objects.create(user=owner, title="新消息", body="")
    assert timezone.now() > BASE
    second = keyset_page(Notification.objects.all(), order=order, namespace="test", cursor=first.next_cursor, size=2)
    assert not {n.pk for n in first.items} & {n.pk for n in second.items}
