"""The JSON API at /api/v1: one NinjaAPI, each app adds its router (DESIGN rule 8).

Every endpoint but token creation and the public board (``/public/...``) needs a caller: a
device's bearer token, or the browser session of a signed-in person (with Django's CSRF check
on unsafe methods). The token comes first, so a device never needs a CSRF token.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from cunzhi.accounts.api import BearerToken
from cunzhi.accounts.api import router as accounts_router
from cunzhi.core.api import install_error_handlers
from cunzhi.core.attachments.api import router as attachments_router
from cunzhi.decisions.api import router as decisions_router
from cunzhi.demands.api import router as demands_router
from cunzhi.disputes.api import router as disputes_router
from cunzhi.openness.api import router as openness_router
from cunzhi.plans.api import router as plans_router
from cunzhi.regions.api import router as regions_router
from cunzhi.registry.api import router as registry_router
from cunzhi.residency.api import router as residency_router
from cunzhi.visits.api import router as visits_router

api = NinjaAPI(
    title="Cunzhi API",
    version="1",
    description="The JSON API of Cunzhi (村治). See docs/api.md for tokens, errors and paging.",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
)
install_error_handlers(api)

api.add_router("/auth", accounts_router)
api.add_router("", regions_router)
api.add_router("", registry_router)
api.add_router("", attachments_router)
api.add_router("", demands_router)
api.add_router("", visits_router)
api.add_router("", decisions_router)
api.add_router("", openness_router)
api.add_router("", residency_router)
api.add_router("", disputes_router)
api.add_router("", plans_router)
