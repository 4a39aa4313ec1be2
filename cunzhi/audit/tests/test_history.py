"""A record's history and the audit log read as sentences for the supervision committee."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.registry.models import Resident
from cunzhi.registry.services import resident_set_status, resident_update
from cunzhi.registry.testing import register_family

pytestmark = pytest.mark.django_db

RAW = ["registry.resident_update", "registry.resident_set_status", "moved_out", "senior", "junior"]


def edited_resident(county: County) -> Resident:
    household = register_family(county.admin, county.village, "001")
    resident = Resident.objects.get(household=household, relation="head")
    resident_update(
        actor=county.admin, resident=resident, expected_version=resident.version, education="junior"
    )
    resident.refresh_from_db()
    resident_update(
        actor=county.admin,
        resident=resident,
        expected_version=resident.version,
        education="senior",
        phone="13812345678",
    )
    resident.refresh_from_db()
    resident_set_status(
        actor=county.admin,
        expected_version=resident.version,
        resident=resident,
        status="moved_out",
        since=datetime.date(2026, 3, 1),
    )
    return resident


def history_page(people: ThreePeople, resident: Resident) -> str:
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("audit:history", args=["registry.resident", resident.pk])
    return client.get(url).content.decode()


def log_page(people: ThreePeople) -> str:
    client = Client()
    client.force_login(people.read_only)
    return client.get(reverse("audit:list")).content.decode()


def test_a_residents_history_reads_field_and_choice_labels_in_chinese(
    county: County, people: ThreePeople
) -> None:
    body = history_page(people, edited_resident(county))

    assert "文化程度：初中 → 高中或中专" in body
    assert "状态：在村 → 已迁出" in body
    assert "系统管理员：修改人员信息" in body
    assert "138****5678" in body and "13812345678" not in body
    assert "（空）" in body  # the phone before it was first set
    for raw in RAW:
        assert raw not in body


def test_the_audit_log_reads_the_same_sentences_without_internal_names(
    county: County, people: ThreePeople
) -> None:
    edited_resident(county)
    body = log_page(people)

    assert "文化程度：初中 → 高中或中专" in body
    assert "系统管理员：新户登记" in body and "状态：在村 → 已迁出" in body
    for raw in RAW:
        assert raw not in body


def test_the_history_reads_in_english_for_an_english_reader(
    county: County, people: ThreePeople, english: None
) -> None:
    body = history_page(people, edited_resident(county))

    assert "Education: Junior secondary → Senior secondary or vocational" in body
    assert "Resident changed" in body
    for raw in RAW:
        assert raw not in body
