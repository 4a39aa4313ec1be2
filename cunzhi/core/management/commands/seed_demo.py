"""manage.py seed_demo [--if-empty] [--json] [--scale N]: fill an empty database with the demo
county 青山县; with ``--scale N``, then add N households in bulk for benchmarks.

Prints the demo logins as a table, or with ``--json`` only a JSON list of
``{"username", "password", "role", "region_code"}`` on stdout (notes go to stderr), so scripts
can parse it. ``make run`` calls it with ``--if-empty`` so the logins show on every start.
"""

from __future__ import annotations

import json
import time
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cunzhi.core.demo import (
    ADMIN_ROLE,
    DatabaseNotEmpty,
    Login,
    database_is_empty,
    existing_logins,
    scale_builders,
    seed_demo,
)


class Command(BaseCommand):
    help = "Seed the demo county (青山县) into an empty database and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="If the database already holds regions or users, seed nothing and only print "
            "the demo logins that exist.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print only a JSON list of the logins on stdout.",
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            default=0,
            help="Then add N households (about 4.2 residents each, 3.3 living) spread over the "
            "villages, written in bulk for benchmarks (the registry's demo.scale). With --if-empty "
            "on a database that holds data, they are added to its villages.",
        )
        parser.add_argument(
            "--scale-seed",
            type=int,
            default=0,
            help="The seed of --scale; builds with different seeds can be added to one database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        # A note to the reader; with --json stdout is for the JSON alone.
        note = self.stderr.write if as_json else self.stdout.write
        if options["if_empty"] and not database_is_empty():
            logins = existing_logins()
            note("The database already holds data: nothing seeded.")
        else:
            started = time.monotonic()
            try:
                logins = seed_demo()
            except DatabaseNotEmpty:
                raise CommandError(
                    "The database already holds regions or users; seed_demo only fills an empty "
                    "database and never duplicates. Use --if-empty to skip seeding, or start "
                    "from a fresh database."
                ) from None
            note(f"Seeded the demo county in {time.monotonic() - started:.1f} s.")
        for build in scale_builders() if options["scale"] else []:
            try:
                note(build(options["scale"], seed=options["scale_seed"]))
            except ValueError as error:
                raise CommandError(str(error)) from None
        if as_json:
            self.stdout.write(json.dumps([login.as_json() for login in logins], ensure_ascii=False))
        elif logins:
            self.stdout.write(login_table(logins))
        else:
            note("No demo logins in this database.")
        if logins:
            note(two_factor_note())


def two_factor_note() -> str:
    if settings.OTP_REQUIRED:
        return (
            "Two-factor sign-in is on (OTP_REQUIRED=1): a demo user whose role may reveal ID "
            "numbers sets up an authenticator app at the first sign-in."
        )
    return (
        "Two-factor sign-in is off (OTP_REQUIRED=0, as make run sets it for the demo): every "
        "demo user signs in with the password alone."
    )


def login_table(logins: list[Login]) -> str:
    """The logins as an aligned text table (Chinese characters count as two columns)."""
    header = ("username", "password", "role", "region")
    rows = [header] + [
        (
            login.username,
            login.password,
            _role_text(login),
            _region_text(login),
        )
        for login in logins
    ]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _role_text(login: Login) -> str:
    role, label = login.role, login.role_label
    if role == ADMIN_ROLE:
        return f"{_('System administrator')} ({ADMIN_ROLE})"
    return f"{label} ({role})"


def _region_text(login: Login) -> str:
    return f"{login.region_code} {login.where}".strip()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
