"""Reads of the region tree, village profiles and contacts, always through for_user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cunzhi.accounts.scopes import scope_prefixes
from cunzhi.core.regioncodes import Level, parent_code
from cunzhi.core.scoping import Everywhere, get_in_scope
from cunzhi.regions.models import Clan, Contact, Facility, Region, VillageProfile


def region_list(
    user: Any, *, parent: Region | None = None, level: str | None = None, query: str = ""
) -> QuerySet[Region]:
    regions = Region.objects.for_user(user, "view").annotate(child_count=Count("children"))
    if parent is not None:
        regions = regions.filter(parent=parent)
    if level:
        regions = regions.filter(level=level)
    if query:
        regions = regions.filter(name__icontains=query)
    return regions.order_by("code")


def region_roots(user: Any) -> QuerySet[Region]:
    """The highest regions the user sees: where their posts are (the top of their tree)."""
    prefixes = scope_prefixes(user, "regions.view_region")
    regions = Region.objects.annotate(child_count=Count("children"))
    if isinstance(prefixes, Everywhere):
        return regions.filter(parent__isnull=True)
    codes = [p.ljust(12, "0") if len(p) <= 12 else p for p in prefixes]
    return regions.filter(code__in=codes).order_by("code")


def region_get(user: Any, code: str, action: str = "view") -> Region:
    """The region in the user's scope, else 404, for a malformed code too, without a query:
    a code is digits only (a NUL character would make PostgreSQL fail)."""
    if not (code.isascii() and code.isdigit()):
        raise Http404("No such region.")
    return get_in_scope(Region.objects.all(), user, action, code=code)


def village_get(user: Any, code: str, action: str = "view") -> Region:
    """As ``region_get``, for pages and endpoints about one village: a township's code is a 404
    too, the same answer as a code out of scope."""
    village = region_get(user, code, action)
    if village.level != Level.VILLAGE:
        raise Http404("Not a village.")
    return village


def region_ancestors(region: Region) -> list[Region]:
    """Names for a breadcrumb, from the province down (names of divisions are public)."""
    chain: list[str] = []
    code = region.parent_code
    while code:
        chain.append(code)
        code = parent_code(code)
    by_code = {r.code: r for r in Region.objects.filter(code__in=chain)}
    return [by_code[c] for c in reversed(chain) if c in by_code]


def village_profile(user: Any, village: Region) -> dict[str, Any]:
    """The profile page's data: the profile (an empty one if nobody has filled it in yet),
    clans and facilities, each read in scope."""
    profile = VillageProfile.objects.for_user(user, "view").filter(region=village).first()
    if profile is None:
        profile = VillageProfile(region=village, region_code=village.code)
    return {
        "profile": profile,
        "clans": list(Clan.objects.for_user(user, "view").filter(region=village)),
        "facilities": list(Facility.objects.for_user(user, "view").filter(region=village)),
        "groups": list(region_list(user, parent=village, level=Level.GROUP)),
    }


def contact_list(user: Any, region: Region | None = None, query: str = "") -> QuerySet[Contact]:
    contacts = Contact.objects.for_user(user, "view").select_related("region", "created_by")
    if region is not None:
        contacts = contacts.in_region(region.prefix)
    if query:
        contacts = contacts.filter(
            Q(name__icontains=query)
            | Q(organisation__icontains=query)
            | Q(position__icontains=query)
        )
    # A total order, so that pages never repeat or skip an entry with the same name.
    return contacts.order_by(*(Contact._meta.ordering or ()), "pk")


@dataclass(frozen=True)
class DirectoryEntry:
    """One person of the contacts directory, however many villages' directories list them.

    Every village's cadres build their own directory (seed 003), so the same township official
    is an entry in each village of the township: a township or county page shows them once, with
    the villages that list them.
    """

    contact: Contact  # the first of the copies: name, organisation, position, phone
    copies: list[Contact]

    @property
    def listed_in(self) -> list[Region]:
        return [copy.region for copy in self.copies]


def _same_person(contact: Contact) -> tuple[str, str]:
    digits = "".join(ch for ch in contact.phone if ch.isdigit())
    return (contact.name.strip(), digits or contact.organisation.strip())


def contact_directory(
    user: Any, region: Region, query: str = "", limit: int = 500
) -> list[DirectoryEntry]:
    """The contacts of ``region`` and below in one query. Above a village each person comes once
    (same name and phone, or same name and organisation where no phone was written); a village's
    own directory lists each of its entries, as its cadres wrote them."""
    entries: dict[Any, DirectoryEntry] = {}
    for contact in contact_list(user, region, query)[: limit * 4]:
        key = contact.pk if region.is_village else _same_person(contact)
        if key in entries:
            entries[key].copies.append(contact)
        elif len(entries) < limit:
            entries[key] = DirectoryEntry(contact, [contact])
    return list(entries.values())
