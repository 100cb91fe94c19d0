"""In-site messages always; outside senders only when configured, and their failures cost nothing."""

from __future__ import annotations

import logging

import pytest

from gonghui.core import notify
from gonghui.core.models import Notification

SENT: list[str] = []


class RecordingSender:
    def send(self, *, user, title, body, url):  # type: ignore[no-untyped-def]
        SENT.append(f"{user.mobile}:{title}")


class BrokenSender:
    def send(self, *, user, title, body, url):  # type: ignore[no-untyped-def]
        raise ConnectionError("gateway down")


@pytest.fixture(autouse=True)
def _fresh_senders():
    notify._senders.cache_clear()
    SENT.clear()
    yield
    notify._senders.cache_clear()


def test_by_default_nothing_leaves_the_platform(world, settings):
    assert settings.GONGHUI_NOTIFY_SENDERS == []
    assert notify.notify_many([world.worker, world.worker, None], title="有答复") == 1
    assert Notification.objects.filter(user=world.worker, title="有答复").count() == 1
    assert SENT == []


def test_a_configured_sender_gets_each_user_once_after_commit(world, settings, django_capture_on_commit_callbacks):
    settings.GONGHUI_NOTIFY_SENDERS = ["tests.core.test_notify.RecordingSender"]
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify_many([world.worker, world.cadre_a, world.worker], title="有答复", body="内容")
        assert SENT == []  # nothing leaves before the messages are committed
    assert sorted(SENT) == sorted([f"{world.worker.mobile}:有答复", f"{world.cadre_a.mobile}:有答复"])


def test_a_rolled_back_fan_out_sends_nothing(world, settings, django_capture_on_commit_callbacks):
    from django.db import transaction

    settings.GONGHUI_NOTIFY_SENDERS = ["tests.core.test_notify.RecordingSender"]
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify.notify_many([world.worker], title="有答复")
                raise RuntimeError("the fan-out failed half way")
        except RuntimeError:
            pass
    assert SENT == [] and not Notification.objects.exists()


def test_a_failing_sender_keeps_the_in_site_message(world, settings, caplog, django_capture_on_commit_callbacks):
    settings.GONGHUI_NOTIFY_SENDERS = ["tests.core.test_notify.BrokenSender", "gonghui.core.notify.LogSender"]
    with caplog.at_level(logging.INFO, logger="gonghui.core.notify"), django_capture_on_commit_callbacks(execute=True):
        assert notify.notify_many([world.worker], title="有答复") == 1
    assert Notification.objects.filter(user=world.worker).count() == 1
    assert "BrokenSender failed" in caplog.text
    assert world.worker.mobile not in caplog.text  # the log sender masks the number
