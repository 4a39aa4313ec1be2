"""The regions' declared lists (``core.lists``): the contacts directory."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.lists import Column, ListSpec, SortKey
from cunzhi.regions.models import Contact, ContactLevel, Region
from cunzhi.regions.selectors import contact_list


class ContactFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by name, organisation or position"), method="search", max_length=50
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ContactLevel.choices)

    class Meta:
        model = Contact
        fields = ["q", "level"]

    def search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(position__icontains=value)
        )


def _contacts(user: Any, region: Region) -> QuerySet[Contact]:
    return contact_list(user, region)


# The phone of a contact is a work number the directory exists to give (a township office, the
# village doctor): shown in full with a tel: link, as the directory always did.
CONTACTS = ListSpec(
    name="regions.contacts",
    model=Contact,
    selector=_contacts,
    filterset=ContactFilterSet,
    columns=(
        Column(
            pgettext_lazy("person", "Name"),
            "name",
            link=lambda contact: contact.get_absolute_url(),
            title=True,
            sort="name",
        ),
        Column(_("Organisation"), "organisation", sort="organisation", width=24),
        Column(_("Position"), "position"),
        Column(_("Level"), "get_level_display", sort="level"),
        Column(
            _("Phone"),
            "phone",
            link=lambda contact: f"tel:{contact.phone}" if contact.phone else "",
        ),
    ),
    sorts={
        "level": SortKey(_("Level"), ("level", "organisation", "name", "pk"), "contact_by_level"),
        "organisation": SortKey(
            _("Organisation"), ("organisation", "name", "pk"), "contact_by_organisation"
        ),
        "name": SortKey(pgettext_lazy("person", "Name"), ("name", "pk"), "contact_by_name"),
    },
    default_sort="level",
    page_size=50,
    empty_text=_("No contacts yet."),
    sheet_name=_("Contacts"),
)
