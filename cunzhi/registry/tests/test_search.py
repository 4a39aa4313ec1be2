"""Finding a person from one box: each kind of query, scoping, masking, query counts, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.search import branch_query, branches, normalise
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = reverse("registry:search")
YANG_PHONE = "13812345678"


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def person(name: str, born: datetime.date, sequence: int, **fields: object) -> dict[str, object]:
    male = fields.pop("male", True)
    return {
        "name": name,
        "id_number": make_id_number(born, sequence=sequence, male=bool(male)),
        **fields,
    }


@pytest.fixture
def families(county: County) -> dict[str, Household]:
    """杨德福's and 曾国华's households in the village, 杨德顺's in the neighbouring one."""
    yang = register_family(
        county.admin,
        county.village,
        "0101",
        head_name="杨德福",
        sequence=11,
        members=[
            person("李春兰", datetime.date(1970, 3, 2), 12, male=False, relation="spouse"),
            person("杨小梅", datetime.date(2008, 9, 30), 13, male=False, relation="daughter"),
        ],
    )
    head = yang.head
    assert head is not None
    Resident.objects.filter(pk=head.pk).update(phone=YANG_PHONE, phone_reversed=YANG_PHONE[::-1])
    zeng = register_family(
        county.admin,
        county.village,
        "0202",
        head_name="曾国华",
        head_birth=datetime.date(1955, 7, 1),
        sequence=21,
        members=[],
    )
    other = register_family(
        county.admin,
        county.neighbour,
        "0101",
        head_name="杨德顺",
        head_birth=datetime.date(1972, 1, 9),
        sequence=31,
        members=[],
    )
    return {"yang": yang, "zeng": zeng, "other": other}


def found(client: Client, query: str, **params: str) -> list[str]:
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return [p.name for p in response.context["result"].residents]


def head(household: Household) -> Resident:
    assert household.head is not None
    return household.head


def test_each_kind_of_query_finds_the_right_person_and_not_the_others(
    county: County, people: ThreePeople, families: dict[str, Household]
) -> None:
    client = session(people.in_scope)
    yang, zeng = head(families["yang"]), head(families["zeng"])
    assert found(client, "杨德") == ["杨德福"]  # surname and the start of the given name
    assert set(found(client, "杨")) == {"杨德福", "杨小梅"}
    assert found(client, "德福") == ["杨德福"]  # a given name alone
    assert found(client, "国华") == ["曾国华"]
    assert found(client, "yangdef") == ["杨德福"]  # full pinyin
    assert found(client, "zengg") == ["曾国华"]  # 曾 read as a surname, not "ceng"
    assert found(client, "zgh") == ["曾国华"]  # initials
    assert found(client, "YDF") == ["杨德福"]
    assert found(client, yang.id_number[-4:]) == ["杨德福"]  # last 4 digits of the ID number
    assert found(client, zeng.id_number[-6:]) == ["曾国华"]  # last 6
    assert found(client, "5678") == ["杨德福"]  # last digits of the phone
    assert found(client, "138 1234 5678") == ["杨德福"]
    assert found(client, "0202") == ["曾国华"]  # a household number: its head
    assert found(client, "王") == []


def test_a_village_cadre_does_not_find_another_villages_resident_and_a_county_reader_does(
    county: County, people: ThreePeople, families: dict[str, Household]
) -> None:
    assert found(session(people.in_scope), "杨德") == ["杨德福"]
    assert found(session(people.outsider), "杨德") == ["杨德顺"]
    reader = make_user(county, "county_reader", Role.COUNTY_CIVIL_AFFAIRS, county.county)
    assert found(session(reader), "杨德") == ["杨德福", "杨德顺"]
    assert found(session(reader), "0101") == ["杨德福", "杨德顺"]
    # Narrowed to one village, and a region outside the reader's scope is a 404.
    assert found(session(reader), "杨德", within=county.neighbour.code) == ["杨德顺"]
    response = session(people.in_scope).get(URL, {"q": "杨德", "within": county.neighbour.code})
    assert response.status_code == 404


def test_results_show_masked_numbers_and_link_to_the_person_and_household(
    people: ThreePeople, families: dict[str, Household]
) -> None:
    yang = head(families["yang"])
    body = session(people.in_scope).get(URL, {"q": "杨德福"}).content.decode()
    assert mask_id_number(yang.id_number) in body and yang.id_number not in body
    assert mask_phone(YANG_PHONE) in body and YANG_PHONE not in body
    assert reverse("registry:resident", args=[yang.pk]) in body
    assert reverse("registry:household", args=[families["yang"].pk]) in body


def test_as_you_type_the_page_answers_with_the_results_alone(
    people: ThreePeople, families: dict[str, Household]
) -> None:
    response = session(people.in_scope).get(URL, {"q": "ydf"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "杨德福" in body and "<html" not in body and 'id="search-results"' in body


def test_the_search_runs_the_same_queries_for_one_or_twenty_people_found(
    county: County,
    people: ThreePeople,
    families: dict[str, Household],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = session(people.in_scope)
    client.get(URL, {"q": "曾"})  # warm the session
    # session, user, posts, menu; two kinds (name, given name); the people; their tags
    with django_assert_num_queries(8) as one:
        assert found(client, "曾") == ["曾国华"]
    for n in range(25):
        register_family(
            county.admin,
            county.village,
            f"{n + 1:04d}",
            head_name=f"曾{n}",
            sequence=100 + n,
            members=[],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"q": "曾"})
    assert len(response.context["result"].residents) == 20
    assert "type more to narrow the search" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["", "   ", "%", "_", "杨%", "y_f", "%%%%", "*", "'; --", "\x00", "杨" * 200, "1" * 31]
)
def test_odd_or_empty_input_gives_a_clear_empty_result(
    query: str, people: ThreePeople, families: dict[str, Household]
) -> None:
    response = session(people.in_scope).get(URL, {"q": query})
    assert response.status_code == 200
    assert response.context["result"].residents == []
    body = response.content.decode()
    assert "Nobody matches" in body or "Type a name" in body or "longer than any" in body


def test_the_menu_and_the_register_page_lead_to_the_search(
    county: County, people: ThreePeople
) -> None:
    client = session(people.in_scope)
    page = client.get(reverse("registry:register", args=[county.village.code])).content.decode()
    assert page.count(f'href="{URL}"') + page.count(f'hx-get="{URL}"') >= 2


def test_normalise_reads_full_width_digits_and_drops_spaces() -> None:
    assert normalise(" １３８ 1234\u3000５６７８ ") == "13812345678"
    assert [b.kind for b in branches("5678")] == ["id_number", "phone", "household"]
    assert [b.kind for b in branches("12345X")] == ["id_number", "household"]
    assert [b.kind for b in branches("S0-0012")] == ["household"]
    assert [b.kind for b in branches("123")] == ["household"]


def test_every_kind_of_match_is_an_index_range_scan(
    county: County, people: ThreePeople, families: dict[str, Household]
) -> None:
    residents = Resident.objects.for_user(people.in_scope)
    households = Household.objects.for_user(people.in_scope)
    queries = {"杨德": 2, "yang": 2, "5678": 3}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny tables are read whole, or through any index and then sorted, depending on
            # the statistics earlier tests left behind; forbid both to see whether the search
            # index can serve the query in its order.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")
        try:
            for query, kinds in queries.items():
                assert len(branches(query)) == kinds
                for branch in branches(query):
                    plan = branch_query(branch, residents, households)[:21].explain()
                    table = "household" if branch.kind == "household" else "resident"
                    index = "household_search_number" if table == "household" else branch.key
                    assert f"{table}_search_" in plan and index in plan, plan
                    assert "SORT" not in plan.upper(), plan  # read in index order, no sort
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
                cursor.execute("RESET enable_sort")
