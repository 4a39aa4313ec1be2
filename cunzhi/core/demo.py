"""The demo county (青山县): one repeatable set of regions, people and records to try Cunzhi on.

``manage.py seed_demo`` calls :func:`seed_demo`. Each app with demo data has a ``demo.py`` whose
``seed(ctx)`` writes through that app's services only (DESIGN rule 3), so the demo is also a
check that the services can build a county. A later domain adds its app to ``DEMO_APPS`` after
the apps whose records it builds on, and reads what it needs from the context.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from cunzhi.accounts.models import User
    from cunzhi.regions.models import Region

# In the order they are seeded: each app may use what the apps before it created.
DEMO_APPS = ["cunzhi.regions", "cunzhi.accounts", "cunzhi.registry"]
DEMO_PASSWORD = "cunzhi-demo-2026"
ADMIN_USERNAME = "admin"
ADMIN_ROLE = "admin"  # the login list's role for the system administrator, who holds no post
RANDOM_SEED = 2026


class DatabaseNotEmpty(Exception):
    """The demo only fills an empty database; it never mixes with, or duplicates, real data."""


@dataclass(frozen=True)
class Login:
    """One demo sign-in, as ``seed_demo`` prints it."""

    username: str
    password: str
    role: str  # a Role value, or ADMIN_ROLE
    region_code: str  # the post's region; a sending unit's region for its contact; "" for admin
    where: str  # the region's name, or the sending unit's name for its contact

    def as_json(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": self.password,
            "role": self.role,
            "region_code": self.region_code,
        }


@dataclass
class DemoContext:
    """What the apps' seeders share. ``rng`` is the only source of randomness, so every run of
    the demo on an empty database produces the same county."""

    admin: User
    rng: random.Random = field(default_factory=lambda: random.Random(RANDOM_SEED))
    # The demo's regions by a short ASCII key: "qingshan" (the county), "qinglong", "shiban", …
    regions: dict[str, Region] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)


def database_is_empty() -> bool:
    """No regions and no users: nothing the demo could collide with."""
    from cunzhi.accounts.models import User
    from cunzhi.regions.models import Region

    return not Region.objects.exists() and not User.objects.exists()


def seed_demo() -> list[Login]:
    """Seed the demo county in one transaction and return its logins.

    Raises DatabaseNotEmpty, writing nothing, if the database already holds regions or users.
    """
    from cunzhi.accounts.demo import seed_admin

    with transaction.atomic():
        if not database_is_empty():
            raise DatabaseNotEmpty
        ctx = DemoContext(admin=seed_admin())
        for app in DEMO_APPS:
            import_module(f"{app}.demo").seed(ctx)
    return ctx.logins


def existing_logins() -> list[Login]:
    """The logins of the demo users that exist in this database, in the order they were seeded."""
    from cunzhi.accounts.demo import existing_logins as accounts_logins

    return accounts_logins()
