"""The shared audited update: the trace starts from what was stored, and a stale edit is refused."""

from __future__ import annotations

import pytest

from cunzhi.accounts.testing import County
from cunzhi.audit.models import Event
from cunzhi.core.writes import EditConflict
from cunzhi.regions.forms import ContactForm
from cunzhi.regions.models import Contact
from cunzhi.regions.services import contact_create, contact_update

pytestmark = pytest.mark.django_db


def _contact(county: County) -> Contact:
    return contact_create(
        actor=county.admin,
        region=county.village,
        name="李医生",
        organisation="石板村卫生室",
        level="village",
        phone="13870001111",
    )


def _updates(contact: Contact) -> list[Event]:
    return list(Event.objects.filter(object_id=str(contact.pk), action="regions.contact_update"))


def test_an_edit_through_a_bound_model_form_is_traced_with_the_stored_before_state(
    county: County,
) -> None:
    contact = _contact(county)
    # A bound ModelForm writes the input onto its instance during is_valid(): the service is
    # handed an object that already carries the new phone.
    form = ContactForm(
        {
            "name": "李医生",
            "organisation": "石板村卫生室",
            "level": "village",
            "phone": "13870002222",
        },
        instance=contact,
    )
    assert form.is_valid(), form.errors
    contact_update(actor=county.admin, contact=contact, expected_version=1, **form.cleaned_data)

    (event,) = Event.objects.filter(object_id=str(contact.pk)).exclude(action__endswith="create")
    assert event.data["changes"]["phone"] == ["13870001111", "13870002222"]
    assert Contact.objects.get(pk=contact.pk).version == 2


def test_a_stale_edit_is_refused_and_the_other_change_survives(
    county: County, english: None
) -> None:
    contact = _contact(county)
    first_reader = Contact.objects.get(pk=contact.pk)
    second_reader = Contact.objects.get(pk=contact.pk)
    contact_update(actor=county.admin, contact=first_reader, expected_version=1, position="村医")
    with pytest.raises(EditConflict) as refused:
        contact_update(
            actor=county.admin, contact=second_reader, expected_version=1, phone="13870003333"
        )
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.position, stored.phone, stored.version) == ("村医", "13870001111", 2)
    assert refused.value.current.version == 2
    assert "version 1" in refused.value.messages[0] and "version 2" in refused.value.messages[0]


def test_an_edit_that_changes_nothing_is_not_a_new_version(county: County) -> None:
    contact = _contact(county)
    contact_update(actor=county.admin, contact=contact, expected_version=1, phone="13870001111")
    assert Contact.objects.get(pk=contact.pk).version == 1
    assert (
        not Event.objects.filter(object_id=str(contact.pk))
        .exclude(action__endswith="create")
        .exists()
    )
