"""The inbox: notify in the service's transaction, the header's count, reading and marking."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.core.inbox.channels import _load
from cunzhi.core.inbox.models import Notification
from cunzhi.core.inbox.services import notify
from cunzhi.core.tests.kit.models import Errand

pytestmark = pytest.mark.usefixtures("kit")


@pytest.fixture
def errand(county: County) -> Errand:
    return Errand.objects.create(region=county.village, title="修水渠")


def send(
    recipients: list[Any], message: Any = "修水渠已分派给你", **extra: Any
) -> list[Notification]:
    with transaction.atomic():
        return notify(recipients=recipients, message=message, **extra)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestNotify:
    def test_each_recipient_gets_one_notification_linking_to_the_record(
        self, people: ThreePeople, errand: Errand
    ) -> None:
        send([people.in_scope, people.read_only, people.in_scope], obj=errand, verb="assigned")
        rows = Notification.objects.order_by("recipient_id")
        assert [(n.recipient, n.url, n.object_type, n.verb) for n in rows] == [
            (people.in_scope, f"/kit/errands/{errand.pk}/", "kit.errand", "assigned"),
            (people.read_only, f"/kit/errands/{errand.pk}/", "kit.errand", "assigned"),
        ]
        assert rows[0].region_code == errand.region_code and rows[0].read_at is None

    def test_a_notification_is_written_with_the_change_or_not_at_all(
        self, people: ThreePeople
    ) -> None:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            notify(recipients=[people.in_scope], message="你的请假已批准")
            1 / 0  # noqa: B018  the service fails after notifying
        assert not Notification.objects.exists()

    def test_a_lazy_message_is_stored_in_the_sites_language(self, people: ThreePeople) -> None:
        # Sent while someone works in English; read by a recipient in the site's language.
        with translation.override("en"):
            send([people.in_scope], message=gettext_lazy("Inbox"))
        assert Notification.objects.get().message == "收件箱"

    def test_a_channel_added_in_the_settings_receives_what_is_sent(
        self, people: ThreePeople, settings: Any
    ) -> None:
        settings.NOTIFICATION_CHANNELS = [
            "cunzhi.core.inbox.channels.InApp",
            "cunzhi.core.tests.test_inbox.Recorder",
        ]
        send([people.in_scope, people.outsider], message="事项已上报给你")
        assert Recorder.delivered == [[people.in_scope.pk, people.outsider.pk]]
        assert Notification.objects.count() == 2
        _load.cache_clear()


class Recorder:
    delivered: list[list[int]] = []

    def deliver(self, notifications: list[Notification]) -> None:
        Recorder.delivered.append([n.recipient_id for n in notifications])


class TestPages:
    def test_the_header_shows_the_unread_count_from_one_query(self, people: ThreePeople) -> None:
        send([people.in_scope], message="一")
        send([people.in_scope], message="二")
        send([people.read_only], message="三")
        with CaptureQueriesContext(connection) as queries:
            html = client_of(people.in_scope).get(reverse("core:home")).content.decode()
        assert '<mark aria-label="未读">2</mark>' in html
        assert sum("core_notification" in q["sql"] for q in queries.captured_queries) == 1
        assert "<mark" not in client_of(people.outsider).get(reverse("core:home")).content.decode()

    def test_the_inbox_lists_only_ones_own_newest_first_in_constant_queries(
        self, people: ThreePeople
    ) -> None:
        client = client_of(people.in_scope)
        send([people.read_only], message="别人的消息")
        for number in range(3):
            send([people.in_scope], message=f"第{number}条")
        client.get(reverse("inbox:list"))
        with CaptureQueriesContext(connection) as few:
            html = client.get(reverse("inbox:list")).content.decode()
        assert html.index("第2条") < html.index("第1条") < html.index("第0条")
        assert "别人的消息" not in html
        for number in range(3, 40):
            send([people.in_scope], message=f"第{number}条")
        with CaptureQueriesContext(connection) as many:
            html = client.get(reverse("inbox:list")).content.decode()
        assert html.count('class="unread"') == 30 and "第39条" in html and "第9条" not in html
        assert len(many.captured_queries) == len(few.captured_queries)

    def test_marking_read_one_and_then_all(self, people: ThreePeople) -> None:
        mine = send([people.in_scope], message="一")[0]
        send([people.in_scope], message="二")
        theirs = send([people.read_only], message="三")[0]
        client = client_of(people.in_scope)

        assert client.post(reverse("inbox:read", args=[theirs.pk])).status_code == 404
        assert Notification.objects.get(pk=theirs.pk).read_at is None
        partial = client.post(reverse("inbox:read", args=[mine.pk]), headers={"HX-Request": "true"})
        assert partial.status_code == 200 and b"<html" not in partial.content
        assert b'class="muted"' in partial.content
        assert (
            Notification.objects.filter(recipient=people.in_scope, read_at__isnull=True).count()
            == 1
        )

        assert client.post(reverse("inbox:read_all")).status_code == 302
        assert not Notification.objects.filter(
            recipient=people.in_scope, read_at__isnull=True
        ).exists()
        assert Notification.objects.get(pk=theirs.pk).read_at is None
        assert client.get(reverse("inbox:read_all")).status_code == 405
