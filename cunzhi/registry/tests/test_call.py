"""Calling a key person from the key-people page: one tap dials, and the call is in the log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.registry.models import Tag
from cunzhi.registry.services import resident_set_tags
from cunzhi.registry.testing import family, head_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_party_member(county: County):  # type: ignore[no-untyped-def]
    household = family(county, 1)
    head = head_of(household)
    head.phone = "13887654321"
    head.save(update_fields=["phone"])
    resident_set_tags(
        actor=county.admin,
        resident=head,
        tags=[Tag.objects.get(code="old_party_member")],
        expected_version=None,
    )
    return head


def test_a_secretary_calls_a_key_person_in_one_tap_and_the_call_is_logged(
    county: County,
    people: ThreePeople,
    old_party_member,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(reverse("registry:key_people", args=[county.village.code])).content.decode()
    call_url = reverse("registry:resident_call", args=[old_party_member.pk])
    assert f'action="{call_url}"' in page
    assert "13887654321" not in page  # the number stays masked on the page
    response = client.post(call_url)
    assert response.status_code == 302 and response["Location"] == "tel:13887654321"
    event = Event.objects.get(action="registry.resident_call")
    assert event.actor_id == people.in_scope.pk and event.object_id == str(old_party_member.pk)


def test_a_reader_without_the_reveal_permission_gets_no_call_button(
    county: County,
    people: ThreePeople,
    old_party_member,  # type: ignore[no-untyped-def]
) -> None:
    reader, outsider = Client(), Client()
    reader.force_login(people.read_only)
    outsider.force_login(people.outsider)
    page = reader.get(reverse("registry:key_people", args=[county.village.code])).content.decode()
    call_url = reverse("registry:resident_call", args=[old_party_member.pk])
    assert call_url not in page
    assert reader.post(call_url).status_code == 403
    assert outsider.post(call_url).status_code == 404
    assert reader.get(call_url).status_code == 405
    assert not Event.objects.filter(action="registry.resident_call").exists()
