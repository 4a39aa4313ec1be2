from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.registry.identity import mask_id_number
from cunzhi.registry.models import Household, Resident, ResidentStatus, Tag
from cunzhi.registry.selectors import register_counts
from cunzhi.registry.services import resident_set_tags
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def head_of(household: Household) -> Resident:
    assert household.head is not None
    return household.head


def register_families(county: County, count: int, start: int = 0) -> list[Household]:
    return [
        register_family(
            county.admin, county.village, f"{n:03d}", sequence=10 + 3 * n, head_name=f"杨{n}号"
        )
        for n in range(start, start + count)
    ]


def test_the_household_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household = register_family(county.admin, county.village, "001")
    assert_three_people_scoping(
        people,
        household,
        page_url=reverse("registry:household", args=[household.pk]),
        edit_url=reverse("registry:household_edit", args=[household.pk]),
        edit_data={
            "household_no": "001",
            "address": "石板村下寨12号",
            "version": household.version,
        },
        changed=lambda: Household.objects.get(pk=household.pk).address == "石板村下寨12号",
    )


def test_the_resident_edit_page_is_scoped_to_three_people(
    county: County, people: ThreePeople
) -> None:
    head = head_of(register_family(county.admin, county.village, "001"))
    assert_three_people_scoping(
        people,
        head,
        page_url=reverse("registry:resident", args=[head.pk]),
        edit_url=reverse("registry:resident_edit", args=[head.pk]),
        edit_data={
            "name": head.name,
            "id_number": head.id_number,
            "sex": "male",
            "birth_date": "1968-05-12",
            "ethnicity": "彝族",
            "version": head.version,
        },
        changed=lambda: Resident.objects.get(pk=head.pk).ethnicity == "彝族",
    )
    event = Event.objects.get(action="registry.resident_update")
    assert event.data["changes"] == {"ethnicity": ["汉族", "彝族"]}


def test_the_register_page_runs_the_same_queries_for_3_or_30_households(
    county: County, people: ThreePeople, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = session(people.in_scope)
    url = reverse("registry:register", args=[county.village.code])
    register_families(county, 3)
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(14) as three:
        assert client.get(url).status_code == 200
    register_families(county, 27, start=3)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('href="/registry/households/') == 30


def test_the_household_page_runs_the_same_queries_for_a_small_or_large_family(
    county: County, people: ThreePeople, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small = register_family(county.admin, county.village, "001")
    children = [
        {
            "name": f"杨小{n}",
            "id_number": make_id_number(datetime.date(2000 + n, 1, 2), sequence=40 + n),
            "relation": "son",
        }
        for n in range(12)
    ]
    large = register_family(county.admin, county.village, "002", sequence=60, members=children)
    veteran = Tag.objects.get(code="veteran")
    for person in large.members.all():
        resident_set_tags(
            expected_version=None, actor=county.admin, resident=person, tags=[veteran]
        )
    client = session(people.in_scope)
    client.get(reverse("registry:household", args=[small.pk]))
    # 9 for the household, 2 for the panels of visits and demands (none yet: no cadres to fetch)
    with django_assert_num_queries(11) as few:
        assert client.get(reverse("registry:household", args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("registry:household", args=[large.pk]))
    assert response.content.decode().count("退役军人") == 13


def test_id_numbers_are_masked_on_the_register_and_household_pages(
    county: County, people: ThreePeople
) -> None:
    household = register_family(county.admin, county.village, "001")
    head = head_of(household)
    client = session(people.in_scope)
    register = client.get(reverse("registry:register", args=[county.village.code])).content
    page = client.get(reverse("registry:household", args=[household.pk])).content
    resident = client.get(reverse("registry:resident", args=[head.pk])).content
    for body in (register.decode(), page.decode(), resident.decode()):
        assert mask_id_number(head.id_number) in body
        assert head.id_number not in body


def test_a_reveal_shows_the_full_numbers_and_is_audited(
    county: County, people: ThreePeople
) -> None:
    head = head_of(register_family(county.admin, county.village, "001"))
    client = session(people.in_scope)
    url = reverse("registry:resident_reveal", args=[head.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "低保复核"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert head.id_number in body and "<html" not in body
    event = Event.objects.get(action="registry.resident_reveal")
    assert event.actor == people.in_scope
    assert event.object_id == str(head.pk)
    assert event.data == {"fields": ["id_number", "phone"], "reason": "低保复核"}
    # Only that answer showed it: the page is masked again.
    page = client.get(reverse("registry:resident", args=[head.pk])).content.decode()
    assert head.id_number not in page


def test_the_supervision_member_cannot_reveal_and_the_outsider_gets_a_404(
    county: County, people: ThreePeople
) -> None:
    head = head_of(register_family(county.admin, county.village, "001"))
    url = reverse("registry:resident_reveal", args=[head.pk])
    reader_page = session(people.read_only).get(reverse("registry:resident", args=[head.pk]))
    assert url not in reader_page.content.decode(), "no reveal button without the permission"
    assert session(people.read_only).post(url).status_code == 403
    assert session(people.outsider).post(url).status_code == 404
    assert not Event.objects.filter(action="registry.resident_reveal").exists()


def test_sensitive_tags_are_hidden_from_a_reader_who_may_not_reveal(
    county: County, people: ThreePeople
) -> None:
    household = register_family(county.admin, county.village, "001")
    head = head_of(household)
    dibao, veteran = Tag.objects.get(code="dibao"), Tag.objects.get(code="veteran")
    resident_set_tags(
        expected_version=None, actor=county.admin, resident=head, tags=[dibao, veteran]
    )
    household_url = reverse("registry:household", args=[household.pk])
    cadre = session(people.in_scope).get(household_url).content.decode()
    reader = session(people.read_only).get(household_url).content.decode()
    assert "低保" in cadre and "退役军人" in cadre
    assert "低保" not in reader and "退役军人" in reader
    assert [c.tag.code for c in register_counts(people.read_only, county.village).by_tag] == [
        "veteran"
    ]
    # Filtering by a tag the reader may not see answers as for a tag that does not exist.
    register = reverse("registry:register", args=[county.village.code])
    reader_client = session(people.read_only)
    hidden = reader_client.get(register, {"tag": "dibao"}, HTTP_HX_REQUEST="true")
    unknown = reader_client.get(register, {"tag": "no-such-tag"}, HTTP_HX_REQUEST="true")
    assert hidden.content == unknown.content


def test_a_cadre_replaces_a_residents_tags_and_the_trace_names_the_change(
    county: County, people: ThreePeople
) -> None:
    head = head_of(register_family(county.admin, county.village, "001"))
    resident_set_tags(
        expected_version=None,
        actor=county.admin,
        resident=head,
        tags=[Tag.objects.get(code="dibao")],
    )
    veteran = Tag.objects.get(code="veteran")
    url = reverse("registry:resident_tags", args=[head.pk])
    edit = {"tags": [veteran.pk], "version": head.version}
    assert session(people.read_only).post(url, edit).status_code == 403
    response = session(people.in_scope).post(url, edit)
    assert response.status_code == 302
    assert set(head.tags.values_list("code", flat=True)) == {"veteran"}
    event = Event.objects.filter(action="registry.resident_set_tags").latest("seq")
    assert (event.data["added"], event.data["removed"]) == (["veteran"], ["dibao"])


def test_the_register_filters_by_age_band_tag_and_name(county: County, people: ThreePeople) -> None:
    young = register_family(
        county.admin,
        county.village,
        "001",
        head_name="王建国",
        head_birth=datetime.date(1990, 1, 1),
        members=[],
    )
    old = register_family(
        county.admin,
        county.village,
        "002",
        head_name="赵德明",
        head_birth=datetime.date(1940, 1, 1),
        sequence=20,
        members=[],
    )
    resident_set_tags(
        expected_version=None,
        actor=county.admin,
        resident=head_of(old),
        tags=[Tag.objects.get(code="old_party_member")],
    )
    client = session(people.in_scope)
    url = reverse("registry:register", args=[county.village.code])

    def found(**params: str) -> set[str]:
        body = client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
        return {h.household_no for h in (young, old) if h.get_absolute_url() in body}

    assert found(age_band="60+") == {"002"}
    assert found(age_band="18-59") == {"001"}
    assert found(tag="old_party_member") == {"002"}
    assert found(q="wjg") == {"001"}
    assert found(q="赵") == {"002"}
    assert found(q="002") == {"002"}
    assert found() == {"001", "002"}
    counts = register_counts(people.in_scope, county.village)
    assert (counts.households, counts.living) == (2, 2)
    assert counts.by_age_band == {"0-17": 0, "18-59": 1, "60+": 1}
    key = client.get(reverse("registry:key_people", args=[county.village.code])).content.decode()
    assert "赵德明" in key and "王建国" not in key


def test_another_villages_register_is_a_404(county: County, people: ThreePeople) -> None:
    register_family(county.admin, county.neighbour, "001")
    client = session(people.in_scope)
    assert client.get(reverse("registry:register", args=[county.neighbour.code])).status_code == 404
    assert client.get(reverse("registry:register", args=[county.township.code])).status_code == 404


def test_a_cadre_registers_a_household_with_its_members(
    county: County, people: ThreePeople
) -> None:
    client = session(people.in_scope)
    head_id = make_id_number(datetime.date(1975, 6, 1), sequence=7)
    wife_id = make_id_number(datetime.date(1978, 2, 3), sequence=8, male=False)
    response = client.post(
        reverse("registry:household_create", args=[county.village.code]),
        {
            "household_no": "009",
            "address": "石板村上寨3号",
            "head-name": "李国强",
            "head-id_number": head_id,
            "head-ethnicity": "汉族",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "张秀英",
            "members-0-id_number": wife_id,
            "members-0-relation": "spouse",
            "members-0-ethnicity": "汉族",
            "members-1-ethnicity": "汉族",
        },
    )
    assert response.status_code == 302, response.context and response.context["head_form"].errors
    household = Household.objects.get(household_no="009")
    assert response["Location"] == household.get_absolute_url()
    assert [(r.name, r.relation, r.sex) for r in household.members.order_by("pk")] == [
        ("李国强", "head", "male"),
        ("张秀英", "spouse", "female"),
    ]


def test_a_member_with_a_wrong_sex_shows_the_error_on_that_member_and_writes_nothing(
    county: County, people: ThreePeople
) -> None:
    client = session(people.in_scope)
    response = client.post(
        reverse("registry:household_create", args=[county.village.code]),
        {
            "household_no": "009",
            "head-name": "李国强",
            "head-id_number": make_id_number(datetime.date(1975, 6, 1), sequence=7),
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-ethnicity": "汉族",
            "members-1-ethnicity": "汉族",
            "members-1-name": "张秀英",
            # A man's number, given for a woman.
            "members-1-id_number": make_id_number(datetime.date(1978, 2, 3), sequence=8),
            "members-1-relation": "spouse",
            "members-1-sex": "female",
        },
    )
    assert response.status_code == 200
    member_form = response.context["formset"].forms[1]
    assert "sex" in member_form.errors
    assert "Member 2" in response.content.decode()
    assert not Household.objects.exists() and not Resident.objects.exists()
    assert not Event.objects.filter(action__startswith="registry.").exists()


def test_a_wrong_id_checksum_is_shown_on_the_id_number_and_changes_nothing(
    county: County, people: ThreePeople
) -> None:
    head = head_of(register_family(county.admin, county.village, "001"))
    good = head.id_number
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = session(people.in_scope).post(
        reverse("registry:resident_edit", args=[head.pk]),
        {
            "name": head.name,
            "id_number": bad,
            "sex": "male",
            "birth_date": "1968-05-12",
            "version": head.version,
        },
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert "check character" in str(response.context["form"].errors["id_number"])
    assert Resident.objects.get(pk=head.pk).id_number == good
    assert not Event.objects.filter(action="registry.resident_update").exists()


def test_a_head_with_a_bad_id_is_shown_on_the_heads_id_number(
    county: County, people: ThreePeople
) -> None:
    good = make_id_number(datetime.date(1975, 6, 1), sequence=7)
    response = session(people.in_scope).post(
        reverse("registry:household_create", args=[county.village.code]),
        {
            "household_no": "009",
            "head-name": "李国强",
            "head-id_number": good[:-1] + ("0" if good[-1] != "0" else "1"),
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "id_number" in response.context["head_form"].errors
    assert not Household.objects.exists()


def test_a_member_is_added_and_a_death_is_recorded(county: County, people: ThreePeople) -> None:
    household = register_family(county.admin, county.village, "001")
    client = session(people.in_scope)
    response = client.post(
        reverse("registry:resident_add", args=[household.pk]),
        {
            "name": "杨小军",
            "id_number": make_id_number(datetime.date(2012, 4, 5), sequence=30),
            "relation": "son",
        },
    )
    assert response.status_code == 302
    son = Resident.objects.get(name="杨小军")
    assert son.sex == "male" and son.birth_date == datetime.date(2012, 4, 5)
    grandmother = head_of(household)
    response = client.post(
        reverse("registry:resident_status", args=[grandmother.pk]),
        {"status": "deceased", "since": "2026-01-03", "version": grandmother.version},
    )
    assert response.status_code == 302
    grandmother.refresh_from_db()
    assert grandmother.status == ResidentStatus.DECEASED
    assert grandmother.status_since == datetime.date(2026, 1, 3)
    # The head's relation is not offered on the add form: a household has one head.
    form = client.get(reverse("registry:resident_add", args=[household.pk])).context["form"]
    assert "head" not in [value for value, _label in form.fields["relation"].choices]


def test_the_menu_leads_a_village_cadre_to_the_register(
    county: County, people: ThreePeople
) -> None:
    home = session(people.in_scope).get(reverse("core:home")).content.decode()
    assert reverse("registry:register", args=[county.village.code]) in home
    staff = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    township_home = session(staff).get(reverse("core:home")).content.decode()
    assert reverse("regions:detail", args=[county.township.code]) in township_home
