"""An account's name typed by a cadre refuses emoji and symbols, naming the character (core.text.name_problem)."""

from __future__ import annotations

import pytest

from gonghui.accounts.models import User
from gonghui.accounts.services.management import account_create
from gonghui.core.errors import DomainError


@pytest.mark.parametrize(
    ("name", "message"), [("和秀英😀", "姓名不能含有表情或符号“😀”"), ("和秀英3", "姓名不能含有数字“3”")]
)
def test_a_typed_account_name_with_an_emoji_or_a_digit_is_refused(world, name, message):
    with pytest.raises(DomainError) as exc:
        account_create(actor=world.city_admin, mobile="13900001111", name=name, org=world.union_a)
    assert exc.value.message == message and exc.value.field == "name"
    assert not User.objects.filter(mobile="13900001111").exists()


def test_a_name_people_have_is_taken_as_typed(world):
    user, _password = account_create(
        actor=world.city_admin, mobile="13900001112", name="阿依·买买提", org=world.union_a
    )
    assert user.name == "阿依·买买提"
