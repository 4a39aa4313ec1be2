"""Forms of the public board: publishing a notice, an objection from the public, an answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cunzhi.core.forms import VersionedForm
from cunzhi.openness.models import NoticeCategory


class NoticeForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=NoticeCategory.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 6}))
    publicity = forms.BooleanField(
        label=_("Open a publicity period for objections"),
        required=False,
        help_text=_(
            "For a list that names beneficiaries: objections are taken for the period "
            "the rules set."
        ),
    )


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Your phone, for the answer"), max_length=30)
    text = forms.CharField(
        label=_("Your objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(VersionedForm, forms.Form):
    answer = forms.CharField(
        label=_("answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
