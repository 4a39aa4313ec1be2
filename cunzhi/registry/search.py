"""Finding a person in the register from one search box (issue #3, part 5).

What people type, and how each is read:

* Chinese characters: the start of a name (杨, 杨德, 杨德福), or a given name on its own (德福),
  which is the end of the name: ``name_reversed`` starts with it reversed;
* Latin letters: the start of the full pinyin (yang, yangdef) or of the initials (ydf);
* digits (an ID number's may end in X): the last 4 to 18 digits of an ID number, the last 4 to 11
  digits of a phone number, or the start of a household number.

Every kind is a prefix of an indexed key, matched as a range ``p <= key < next(p)`` compared by
code point (``collation.CodepointOrder``), with the reader's scope on ``region_code`` and an
order that is the index's own order: each kind is one index range scan that stops at the limit,
on SQLite and PostgreSQL alike, however many people the county has. A substring in the middle of
a name (德 of 杨德福) is not searched: no b-tree serves it, and a full scan of a county's million
residents cannot answer while someone types.

Results are the first ``LIMIT`` people of each kind, in the order the kinds are listed above,
presented through ``selectors.present``: ID and phone numbers masked (DESIGN rule 7).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cunzhi.regions.models import Region
from cunzhi.registry.collation import CodepointOrder, prefix_upper_bound
from cunzhi.registry.identity import phone_digits
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.selectors import present, tag_links

LIMIT = 20
# Longer than any name, ID number or phone number: anything longer is not a search.
MAX_LENGTH = 30
MIN_NUMBER_TAIL = 4  # fewer last digits of an ID or phone number match too many people
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+")
LETTERS = re.compile(r"[a-z]+")
ID_TAIL = re.compile(r"[0-9]*[0-9X]")
HOUSEHOLD_NUMBER = re.compile(r"[0-9A-Za-z-]*[0-9][0-9A-Za-z-]*")


@dataclass(frozen=True)
class Branch:
    """One kind of match: a prefix of one indexed key."""

    kind: str  # "name", "given_name", "pinyin", "initials", "id_number", "phone", "household"
    key: str  # the column on Resident, or on Household for "household"
    prefix: str


@dataclass
class SearchResult:
    query: str
    residents: list[Resident] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the kinds the query was read as
    more: bool = False  # some kind had more than LIMIT matches
    too_long: bool = False


def normalise(query: str) -> str:
    """What was typed, without spaces (杨 德福, 138 0000 1234) and in half-width (１２３４)."""
    return "".join(unicodedata.normalize("NFKC", query).split())


def branches(query: str) -> list[Branch]:
    """The kinds of match a normalised query is read as; none for anything else."""
    if not query or len(query) > MAX_LENGTH:
        return []
    if HAN.fullmatch(query):
        return [
            Branch("name", "name", query),
            Branch("given_name", "name_reversed", query[::-1]),
        ]
    lowered = query.lower()
    if LETTERS.fullmatch(lowered):
        return [
            Branch("pinyin", "name_pinyin", lowered),
            Branch("initials", "name_initials", lowered),
        ]
    found: list[Branch] = []
    upper = query.upper()
    if len(upper) >= MIN_NUMBER_TAIL and len(upper) <= 18 and ID_TAIL.fullmatch(upper):
        found.append(Branch("id_number", "id_reversed", upper[::-1]))
    if query.isdigit() and MIN_NUMBER_TAIL <= len(query) <= 13:
        digits = phone_digits(query)
        if len(digits) >= MIN_NUMBER_TAIL:
            found.append(Branch("phone", "phone_reversed", digits[::-1]))
    if HOUSEHOLD_NUMBER.fullmatch(query):
        found.append(Branch("household", "household_no", query))
    return found


def _in_range(queryset: QuerySet[Any], key: str, prefix: str) -> QuerySet[Any]:
    """Rows whose ``key`` starts with ``prefix``, in the order of the key's search index."""
    ranged = queryset.alias(search_key=CodepointOrder(key)).filter(search_key__gte=prefix)
    upper = prefix_upper_bound(prefix)
    if upper is not None:
        ranged = ranged.filter(search_key__lt=upper)
    return ranged.order_by("search_key", "region_code", "pk")


def branch_query(
    branch: Branch, residents: QuerySet[Resident], households: QuerySet[Household]
) -> QuerySet[Any]:
    """The pks of the residents one kind of match finds, in index order (slice it)."""
    if branch.kind == "household":
        heads = _in_range(households.filter(head__isnull=False), branch.key, branch.prefix)
        return heads.values_list("head_id", flat=True)
    return _in_range(residents, branch.key, branch.prefix).values_list("pk", flat=True)


def resident_search(user: Any, query: str, *, within: Region | None = None) -> SearchResult:
    """The people in the reader's scope (and in ``within``, if given) that ``query`` finds.

    One query per kind the query is read as (two or three), one for the people found and one
    for their tags, whatever the number of matches.
    """
    result = SearchResult(query=query.strip())
    text = normalise(query)
    if len(text) > MAX_LENGTH:
        result.too_long = True
        return result
    residents = Resident.objects.for_user(user, "view")
    households = Household.objects.for_user(user, "view")
    if within is not None:
        residents = residents.in_region(within.prefix)
        households = households.in_region(within.prefix)
    found: list[int] = []
    for branch in branches(text):
        result.kinds.append(branch.kind)
        pks = list(branch_query(branch, residents, households)[: LIMIT + 1])
        result.more = result.more or len(pks) > LIMIT
        found.extend(pk for pk in pks[:LIMIT] if pk not in found)
    if not found:
        return result
    found = found[:LIMIT]
    people = (
        residents.filter(pk__in=found)
        .select_related("household", "region")
        .prefetch_related(tag_links())
    )
    order = {pk: index for index, pk in enumerate(found)}
    result.residents = present(user, sorted(people, key=lambda person: order[person.pk]))
    return result
