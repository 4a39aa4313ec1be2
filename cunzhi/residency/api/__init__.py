"""Residency over JSON: the check-in, the compliance table and its summary, leave, the diary, the
support ledger, the annual assessment and recall, one module each, on one router.

The same selectors and services as the pages (DESIGN rule 8). A year the working-day calendar
lacks is a 422 whose message names the fix.
"""

from cunzhi.residency.api import (  # noqa: F401  (each module adds its routes to the router)
    assessment,
    compliance,
    diary,
    leave,
    presence,
    recall,
    support,
)
from cunzhi.residency.api.common import router

__all__ = ["router"]
