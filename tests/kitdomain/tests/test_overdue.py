"""A case that falls overdue reaches the right people: their attention block and their inbox."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.selectors import holders_of
from cunzhi.accounts.testing import County, ThreePeople, assert_attention_budget, make_user
from cunzhi.core.inbox.models import Notification
from cunzhi.core.workflow.sweep import sweep
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _overdue_case(county: County, people: ThreePeople) -> Case:
    """Accepted on 1 October 2025: 60 days to handle it, due 30 November; swept 1 December."""
    case = make_case(county)
    case_transition(
        actor=people.in_scope, case=case, name="accept", expected_version=1, today=D(2025, 10, 1)
    )
    sweep(today=D(2025, 12, 1))
    return Case.objects.get(pk=case.pk)


def _counts(user: object) -> dict[str, int]:
    return {item.label: item.count for item in assert_attention_budget(user, None)}


def test_an_overdue_case_is_in_the_attention_of_those_who_see_it_and_no_one_else(
    county: County, people: ThreePeople, english: None
) -> None:
    township = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    _overdue_case(county, people)
    # As of today, from the stored dates.
    assert _counts(people.in_scope)["Cases overdue"] == 1
    assert _counts(people.read_only)["Cases overdue"] == 1  # the supervisor reads it too
    assert _counts(township)["Cases overdue"] == 1
    assert _counts(people.outsider)["Cases overdue"] == 0  # the neighbouring village

    # The item's link is the list filtered to the overdue ones, and it lists this case.
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(reverse("kitdomain:cases"), {"deadline": "overdue"})
    assert page.status_code == 200 and "村道塌方" in page.content.decode()
    assert (
        "村道塌方"
        not in client.get(reverse("kitdomain:cases"), {"deadline": "soon"}).content.decode()
    )


def test_the_overdue_mark_reaches_the_inbox_of_the_village_that_holds_the_case(
    county: County, people: ThreePeople
) -> None:
    township = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    case = _overdue_case(county, people)

    told = Notification.objects.filter(verb="overdue")
    assert [n.recipient for n in told] == [people.in_scope]
    assert told[0].message == "“村道塌方”已逾期，到期日为2025-11-30。"
    assert told[0].url == case.get_absolute_url()
    # Nobody else: not the neighbouring village, not the supervisor (who may only read), and not
    # the township above the village, whose people hold the case too but are not the nearest.
    assert not Notification.objects.exclude(recipient=people.in_scope).exists()
    assert township in holders_of("kitdomain.change_case", county.village.code)

    sweep(today=D(2025, 12, 2))  # a second sweep tells nobody again
    assert Notification.objects.count() == 1
