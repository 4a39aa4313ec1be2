from __future__ import annotations

from django import forms

from cunzhi.core.forms import VersionedForm
from cunzhi.regions.models import Clan, Contact, Facility, VillageProfile
from cunzhi.regions.services import PROFILE_FIELDS


class VillageProfileForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = VillageProfile
        fields = PROFILE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("geography", "economy", "history", "notes")
        }


class ClanForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Clan
        fields = ("surname", "households", "share_percent", "notes")


class FacilityForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Facility
        fields = ("kind", "name", "latitude", "longitude", "notes")


class ContactForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("name", "organisation", "position", "level", "phone", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
