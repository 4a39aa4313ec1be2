"""The upload and removal forms of the attachment list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AttachmentForm(forms.Form):
    # accept and capture let a phone open its camera straight away; the server checks the content.
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf,.docx,.xlsx,.pptx", "capture": "environment"}
        ),
    )
    purpose = forms.CharField(
        label=_("What it is"),
        max_length=50,
        required=False,
        help_text=_("E.g. evidence, minutes, sign-in sheet."),
    )
    keep_position = forms.BooleanField(label=_("Keep where the photo was taken"), required=False)

    def __init__(self, *args: object, position: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not position:
            del self.fields["keep_position"]


class AttachmentRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why remove it"), max_length=500)
