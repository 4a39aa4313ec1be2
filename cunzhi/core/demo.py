"""The demo county (青山县): one repeatable set of regions, people and records to try Cunzhi on.

``manage.py seed_demo`` calls :func:`seed_demo`. Each app with demo data has a ``demo`` module
whose ``seed(ctx)`` writes through that app's services only (DESIGN rule 3), so the demo is also a
check that the services can build a county. The modules are found, not listed: every installed
app's ``demo``, in ``INSTALLED_APPS`` order (the layers' order), so a later domain's seeder runs
after the apps whose records it builds on and reads what it needs from the context. ``core``
imports none of them (it depends on nothing above it); a demo module may also define

* ``setup(ctx)``: run before every app's ``seed`` (accounts signs the administrator in here);
* ``is_empty() -> bool``: whether the app holds nothing the demo could collide with;
* ``existing_logins() -> list[Login]``: the demo logins present in the database;
* ``scale(households, seed)``: the bulk builder behind ``seed_demo --scale`` (registry).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import transaction

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
    role_label: str = ""  # the role's name as people say it, for the printed table

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

    admin: Any = None  # the system administrator, set by accounts' setup(ctx)
    rng: random.Random = field(default_factory=lambda: random.Random(RANDOM_SEED))
    # The demo's regions by a short ASCII key: "qingshan" (the county), "qinglong", "shiban", …
    regions: dict[str, Any] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)


def demo_modules() -> list[ModuleType]:
    """The ``demo`` module of every installed app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name != "cunzhi.core" and find_spec(name) is not None:
            found.append(import_module(name))
    return found


def database_is_empty() -> bool:
    """No app holds anything the demo could collide with (regions, users)."""
    return all(module.is_empty() for module in demo_modules() if hasattr(module, "is_empty"))


def seed_demo() -> list[Login]:
    """Seed the demo county in one transaction and return its logins.

    Raises DatabaseNotEmpty, writing nothing, if the database already holds regions or users.
    """
    modules = demo_modules()
    with transaction.atomic():
        if not database_is_empty():
            raise DatabaseNotEmpty
        ctx = DemoContext()
        for module in modules:
            if hasattr(module, "setup"):
                module.setup(ctx)
        for module in modules:
            module.seed(ctx)
    return ctx.logins


def existing_logins() -> list[Login]:
    """The logins of the demo users that exist in this database, in the order they were seeded."""
    return [
        login
        for module in demo_modules()
        if hasattr(module, "existing_logins")
        for login in module.existing_logins()
    ]


def scale_builders() -> list[Any]:
    """The apps' bulk builders for ``seed_demo --scale`` (the registry's)."""
    return [module.scale for module in demo_modules() if hasattr(module, "scale")]
