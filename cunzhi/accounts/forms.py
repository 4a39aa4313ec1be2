from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Role, SendingUnit
from cunzhi.accounts.signin import is_locked_out, lockout_message
from cunzhi.regions.models import Region


class PostAssignForm(forms.Form):
    """A post: a role at a region of the administrator's own area, or at a sending unit."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    sending_unit = forms.ModelChoiceField(
        label=_("Sending unit"), queryset=SendingUnit.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only regions inside the administrator's own area are offered; the service checks again.
        self.fields["region"].queryset = Region.objects.for_user(user, "view").exclude(  # type: ignore[attr-defined]
            level="group"
        )
        self.fields["sending_unit"].queryset = SendingUnit.objects.all()  # type: ignore[attr-defined]


class UserCreateForm(PostAssignForm):
    """A new user and their first post."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    field_order = ["username", "full_name", "phone", "password", "role", "region", "sending_unit"]


class PostEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Device name"),
        max_length=100,
        required=False,
        help_text=_("For example: Zhang's phone"),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, which says so when Axes refused the attempt as locked out."""

    def get_invalid_login_error(self) -> ValidationError:
        if self.request is not None and is_locked_out(self.request):
            return ValidationError(lockout_message(), code="locked")
        return super().get_invalid_login_error()


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
