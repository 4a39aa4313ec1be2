"""The tag dictionary: kept by the system administrator, read by everyone with the register."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.registry.models import Tag
from cunzhi.registry.services import tag_save

pytestmark = pytest.mark.django_db


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_administrator_adds_a_tag_and_retires_it_and_both_are_traced(county: County) -> None:
    tag = tag_save(
        actor=county.admin,
        code="beekeeper",
        name="养蜂户",
        colour="#ca8a04",
        sensitive=False,
        key_person=True,
        active=True,
        order=50,
    )
    tag_save(actor=county.admin, tag=tag, active=False)

    assert Tag.objects.get(code="beekeeper").active is False
    create, update = Event.objects.filter(action__startswith="registry.tag_").order_by("pk")
    assert create.data["changes"]["name"] == [None, "养蜂户"]
    assert update.data["changes"] == {"active": [True, False]}
    assert update.chain == "-"  # the dictionary belongs to no county


def test_a_village_cadre_cannot_change_the_dictionary(county: County, people: ThreePeople) -> None:
    dibao = Tag.objects.get(code="dibao")
    with pytest.raises(PermissionDenied):
        tag_save(actor=people.in_scope, tag=dibao, sensitive=False)
    assert Tag.objects.get(code="dibao").sensitive is True
    client = session(people.in_scope)
    assert client.get(reverse("registry:tags")).status_code == 200
    edit = reverse("registry:tag_edit", args=[dibao.pk])
    assert client.post(edit, {"code": "dibao", "name": "低保"}).status_code == 403


def test_a_duplicate_code_or_a_bad_colour_is_shown_on_its_field(county: County) -> None:
    client = session(county.admin)
    data = {"code": "dibao", "name": "低保2", "colour": "#123456", "active": "on", "order": 3}
    response = client.post(reverse("registry:tag_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    response = client.post(
        reverse("registry:tag_create"), {**data, "code": "new_tag", "colour": "red"}
    )
    assert response.context["form"].errors["colour"]
    assert not Tag.objects.filter(name="低保2").exists()
    with pytest.raises(ValidationError):
        tag_save(actor=county.admin, code="x y", name="坏", colour="#000000", order=1)
