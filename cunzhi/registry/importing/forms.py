"""The upload form of the register import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# An upload larger than this goes through `manage.py registry_import` (docs/registry-import.md).
IMPORT_MAX_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .xlsx workbook or a .csv file (UTF-8 or GBK), at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; write nothing"), required=False)

    def clean_file(self) -> Any:
        from cunzhi.registry.importing.reading import FileProblem, file_kind

        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _(
                    "The file is larger than 50 MB: split it, or ask an administrator to run "
                    "the import on the server."
                )
            )
        head = upload.read(4096)
        upload.seek(0)
        if not head.strip():
            raise ValidationError(_("The file is empty."))
        try:
            file_kind(upload.name or "", head)
        except FileProblem as problem:
            raise ValidationError(problem.messages) from None
        return upload
