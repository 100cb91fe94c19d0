"""schemathesis against the platform's own OpenAPI document, in process (WSGI), as a cadre with a token.

Every operation is called with generated valid and invalid input (schemathesis' examples, coverage and
fuzzing phases). The answer must never be a 5xx, must use a documented status code and content type,
and must match the documented response schema.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gonghui.accounts.services import token_create
from gonghui.members.services import join_request_submit, transfer_request_create
from gonghui.wsgi import application
from tests.factories import make_id_number, make_member, make_user

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_test_connection():
    """Django closes the DB connection at the end of every WSGI request; inside the test's transaction
    that would drop it. The test client switches this off around its requests; so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(world, keep_test_connection) -> dict[str, object]:
    """A token for the county cadre of county A (may view, edit, approve, import and manage orgs in its
    subtree) and real objects in that subtree, so that half the generated calls reach the services
    instead of stopping at "not found"."""
    _, secret = token_create(user=world.county_cadre_a, name="schemathesis", actor=None)
    applicant = make_user("申请人")
    join = join_request_submit(
        user=applicant, org=world.union_a, name="申请人", id_number=make_id_number(serial=8001), mobile="13900008001"
    )
    mover = make_member(world.union_a, "杨光荣", id_number=make_id_number(serial=8002))
    transfer = transfer_request_create(member=mover, to_org=world.union_a2, reason="调岗", actor=world.cadre_a)
    return {
        "token": secret,
        "real": {
            "code": world.union_a.code,
            "member_id": world.member_a.pk,
            "request_id": join.pk,
            "transfer_id": transfer.pk,
        },
        "calls": itertools.count(),
    }


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_and_never_fails(case, api_world):
    if next(api_world["calls"]) % 2 == 0 and case.path_parameters:
        for name, value in api_world["real"].items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    case.call_and_validate(headers={"Authorization": f"Bearer {api_world['token']}"}, checks=CHECKS)
