from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import RateCount
from cunzhi.core.ratelimit import Limit, RateLimited

pytestmark = pytest.mark.django_db

LOOKUPS = Limit(
    scope="tests.lookups",
    count_setting="TEST_LOOKUPS",
    window_setting="TEST_LOOKUPS_WINDOW",
    message=_("Too many objections from here in the last hour: try again later."),
)
NOON = datetime.datetime(2026, 3, 2, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def three_a_minute(settings: Any) -> None:
    settings.TEST_LOOKUPS = 3
    settings.TEST_LOOKUPS_WINDOW = 60


def hits(key: str, at: datetime.datetime, times: int) -> list[bool]:
    answers = []
    with mock.patch.object(timezone, "now", return_value=at):
        for _ in range(times):
            try:
                LOOKUPS.hit(key)
            except RateLimited:
                answers.append(False)
            else:
                answers.append(True)
    return answers


def test_it_refuses_past_the_count_with_a_readable_message() -> None:
    assert hits("10.0.0.1", NOON, 3) == [True, True, True]
    with (
        translation.override("zh-hans"),
        mock.patch.object(timezone, "now", return_value=NOON),
        pytest.raises(RateLimited) as refused,
    ):
        LOOKUPS.hit("10.0.0.1")
    assert str(refused.value.message) == "一小时内从此处提交的异议过多，请稍后再试。"


def test_it_allows_again_once_the_window_passed() -> None:
    assert hits("10.0.0.1", NOON, 4) == [True, True, True, False]
    assert hits("10.0.0.1", NOON + datetime.timedelta(seconds=59), 1) == [False]
    assert hits("10.0.0.1", NOON + datetime.timedelta(seconds=60), 2) == [True, True]


def test_keys_and_doors_are_counted_apart() -> None:
    assert hits("10.0.0.1", NOON, 4) == [True, True, True, False]
    assert hits("10.0.0.2", NOON, 3) == [True, True, True]
    other_door = Limit(LOOKUPS.scope + ".other", "TEST_LOOKUPS", "TEST_LOOKUPS_WINDOW", "")
    with mock.patch.object(timezone, "now", return_value=NOON):
        other_door.hit("10.0.0.1")


def test_the_count_is_in_the_database_so_every_worker_process_sees_it() -> None:
    # Each gunicorn worker has its own local-memory cache; emptying it must not reset the count.
    assert hits("10.0.0.1", NOON, 3) == [True, True, True]
    cache.clear()
    assert hits("10.0.0.1", NOON, 1) == [False]
    [row] = RateCount.objects.all()
    assert row.hits == 4 and "10.0.0.1" not in row.key


def test_rows_of_ended_windows_are_deleted_when_a_window_begins() -> None:
    hits("10.0.0.1", NOON, 2)
    hits("10.0.0.2", NOON + datetime.timedelta(minutes=5), 1)
    assert RateCount.objects.count() == 1


def test_a_hit_in_a_running_window_costs_one_query(django_assert_num_queries: Any) -> None:
    hits("10.0.0.1", NOON, 1)
    with django_assert_num_queries(1):  # UPDATE … RETURNING the new count
        hits("10.0.0.1", NOON, 1)
