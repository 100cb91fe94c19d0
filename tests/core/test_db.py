"""core.db: `model_update` writes only what changed and says so; `lock` finds one row or NotFound."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gonghui.accounts.scope import Action
from gonghui.core.db import lock, model_update
from gonghui.core.errors import DomainError, NotFound
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import orgs_for

pytestmark = pytest.mark.django_db


def test_model_update_writes_the_changed_fields_and_says_what_changed(world):
    org = Org.objects.get(pk=world.union_a.pk)
    stamp = org.updated_at
    result = model_update(
        instance=org,
        fields=["name", "address", "funds_received", "has_venue"],
        data={"name": org.name, "address": "古城区七一街 8 号", "funds_received": "1200.50", "kind": "county"},
    )
    assert result.changed
    assert result.before == {"address": "", "funds_received": "0.00"}
    assert result.after == {"address": "古城区七一街 8 号", "funds_received": "1200.50"}
    assert "updated_at" in result.fields and "name" not in result.fields
    fresh = Org.objects.get(pk=org.pk)
    assert fresh.address == "古城区七一街 8 号"
    assert fresh.kind == "grassroots"  # not among `fields`: ignored although present in data
    assert fresh.funds_received == Decimal("1200.50")
    assert fresh.updated_at > stamp


def test_model_update_compares_converted_values(world):
    org = Org.objects.get(pk=world.union_a.pk)
    org.funds_received = Decimal("1200.50")
    org.save()
    result = model_update(instance=org, fields=["funds_received", "funds_year"], data={"funds_received": "1200.5"})
    assert not result.changed and result.before == {} and result.fields == []
    result = model_update(instance=org, fields=["funds_received"], data={"funds_received": "1300"})
    assert result.before == {"funds_received": "1200.50"} and result.after == {"funds_received": "1300"}
    assert Org.objects.get(pk=org.pk).funds_received == Decimal("1300.00")


def test_model_update_nothing_changed_saves_nothing(world, django_assert_num_queries):
    org = Org.objects.get(pk=world.union_a.pk)
    with django_assert_num_queries(0):
        result = model_update(instance=org, fields=["name"], data={"name": org.name})
    assert not result.changed


def test_model_update_foreign_key_by_instance_or_id(world):
    org = Org.objects.get(pk=world.union_a.pk)
    result = model_update(instance=org, fields=["parent"], data={"parent": world.county_b})
    assert result.before == {"parent_id": world.county_a.pk} and result.after == {"parent_id": world.county_b.pk}
    result = model_update(instance=org, fields=["parent"], data={"parent": str(world.county_a.pk)})
    assert result.after == {"parent_id": world.county_a.pk}
    assert Org.objects.get(pk=org.pk).parent_id == world.county_a.pk


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"funds_received": "许多"}, "funds_received", "本年经费收入"),
        ({"name": "名" * 200}, "name", "名称"),
        ({"industry": "spaceflight"}, "industry", "行业"),
        ({"funds_received": "-5"}, "funds_received", ""),
    ],
)
def test_model_update_bad_value_names_the_field_and_writes_nothing(world, data, field, fragment):
    org = Org.objects.get(pk=world.union_a.pk)
    before = Org.objects.filter(pk=org.pk).values().get()
    with pytest.raises(DomainError) as err:
        model_update(instance=org, fields=list(data), data=data)
    assert fragment in err.value.message
    if fragment:
        assert err.value.field == field
    assert Org.objects.filter(pk=org.pk).values().get() == before


def test_model_update_unique_field_is_checked(world):
    org = Org.objects.get(pk=world.union_a.pk)
    with pytest.raises(DomainError) as err:
        model_update(instance=org, fields=["code"], data={"code": world.union_b.code})
    assert err.value.field == "code" and "组织编码" in err.value.message


def test_model_update_unknown_field_is_a_programming_error(world):
    with pytest.raises(ValueError):
        model_update(instance=world.union_a, fields=["colour"], data={"colour": "红"})


def test_model_update_can_skip_clean(world):
    org = Org.objects.get(pk=world.union_a.pk)
    result = model_update(instance=org, fields=["industry"], data={"industry": "spaceflight"}, clean=False)
    assert result.changed and Org.objects.get(pk=org.pk).industry == "spaceflight"


def test_lock_finds_the_row_or_not_found(world):
    with transaction.atomic():
        assert lock(Org, world.union_a.pk).pk == world.union_a.pk
        assert lock(Org, str(world.union_a.pk)).pk == world.union_a.pk
        for bad in (0, -1, "abc", None, 2**63, "9" * 30, True, 10**12):
            with pytest.raises(NotFound):
                lock(Org, bad)


def test_lock_through_a_scoped_queryset(world):
    with transaction.atomic():
        assert lock(orgs_for(world.cadre_a, Action.VIEW), world.union_a.pk).pk == world.union_a.pk
        with pytest.raises(NotFound) as err:
            lock(orgs_for(world.cadre_a, Action.VIEW), world.union_b.pk, message="未找到该工会组织")
        assert err.value.message == "未找到该工会组织"


@pytest.mark.postgres_only
def test_lock_locks_only_its_own_table(world):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        lock(Org.objects.select_related("parent"), world.union_a.pk)
    assert queries[-1]["sql"].endswith('FOR UPDATE OF "orgs_org"')


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_lock_holds_the_row_until_commit(world):
    order: list[str] = []

    def second() -> None:
        with transaction.atomic():
            lock(Org, world.union_a.pk)
            order.append("second")
        connection.close()

    with transaction.atomic():
        lock(Org, world.union_a.pk)
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        order.append("first")
    t.join(10)
    assert order == ["first", "second"]


def test_model_update_bumps_the_version_only_when_something_changed(world):
    org = Org.objects.get(pk=world.union_a.pk)
    start = org.version
    assert not model_update(instance=org, fields=["name"], data={"name": org.name}, bump="version").changed
    assert Org.objects.get(pk=org.pk).version == start
    result = model_update(instance=org, fields=["name"], data={"name": "古城区某酒店工会（新）"}, bump="version")
    assert result.changed and "version" in result.fields and "version" not in result.after
    assert org.version == start + 1 == Org.objects.get(pk=org.pk).version
