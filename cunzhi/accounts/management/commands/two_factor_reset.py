"""manage.py two_factor_reset USERNAME: remove a user's authenticators from the server's shell.

For the system administrator who lost the phone, whom no page can reach; a county administrator
resets the people of the county on their page (People → the person → Reset two-factor sign-in).
The reset is audited like the page's.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cunzhi.accounts.models import User
from cunzhi.accounts.services.signin import two_factor_reset_by_operator


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticators; they set up a new one at next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        removed = two_factor_reset_by_operator(user=user)
        self.stdout.write(
            f"Removed {removed} authenticator(s) of {user.username}; "
            "they set up a new one at their next sign-in."
        )
