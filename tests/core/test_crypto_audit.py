import pytest
from django.db import connection, transaction

from gonghui.core import audit
from gonghui.core.crypto import blind_index, decrypt, encrypt, key_id, mask_id_number, mask_name
from gonghui.core.models import AuditEvent


def test_encrypt_round_trip_and_random_nonce():
    a = encrypt("530702199001010011", context=b"id_number")
    b = encrypt("530702199001010011", context=b"id_number")
    assert a != b
    assert key_id(a) == "dev1"
    assert "530702" not in a
    assert decrypt(a, context=b"id_number") == "530702199001010011"


def test_wrong_context_fails_to_decrypt():
    from cryptography.exceptions import InvalidTag

    sealed = encrypt("x", context=b"id_number")
    with pytest.raises(InvalidTag):
        decrypt(sealed, context=b"bank")


def test_key_rotation_old_values_still_decrypt(settings):
    old = encrypt("secret")
    new_key = "k2:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    new = encrypt("secret")
    assert key_id(new) == "k2"
    assert decrypt(old) == decrypt(new) == "secret"


def test_blind_index_separates_purposes():
    assert blind_index("1", purpose="id_number") != blind_index("1", purpose="bank")
    assert blind_index("1", purpose="id_number") == blind_index("1", purpose="id_number")


def test_masks():
    assert mask_id_number("530702199001011234") == "5307**********1234"
    assert mask_name("木丽华") == "木*华"
    assert mask_name("李四") == "李*"


@pytest.mark.django_db
def test_audit_diff_keeps_only_changes():
    old, new = audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert old == {"b": 2} and new == {"b": 3}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_audit_table_refuses_update_and_delete_on_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("this test must run on PostgreSQL")
    event = audit.record(actor=None, action="member.update", object_type="x", object_id=1)
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "member.update"
