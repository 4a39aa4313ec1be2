"""A test-only domain that proves the shared workflow, deadlines and sweep (issue 8).

Installed only when CUNZHI_TEST_APPS is set (pytest sets it, and so do the benchmarks), so it
never reaches a production database. Its permissions join the role matrix here for the same
reason: a real domain adds its rows to ``cunzhi/accounts/permissions.py``.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VIEW = {"kitdomain.view_case"}
KEEP = {"kitdomain.view_case", "kitdomain.add_case", "kitdomain.change_case"}


class KitDomainConfig(AppConfig):
    name = "tests.kitdomain"
    label = "kitdomain"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cunzhi.accounts import permissions
        from cunzhi.accounts.models import Role
        from cunzhi.audit.labels import register
        from tests.kitdomain import workflows  # noqa: F401  (registers the workflow)

        register({"kitdomain.case_create": _("Case registered")})

        for role, granted in list(permissions.ROLE_PERMISSIONS.items()):
            if "registry.change_household" in granted:  # the roles that keep village records
                permissions.ROLE_PERMISSIONS[role] = granted | KEEP
            elif role == Role.SUPERVISION_MEMBER:
                permissions.ROLE_PERMISSIONS[role] = granted | VIEW
