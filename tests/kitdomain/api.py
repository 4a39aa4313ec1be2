"""The case API: the workflow's two endpoints in one call."""

from __future__ import annotations

from ninja import Router

from cunzhi.core.workflow.api import add_transition_routes
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_transition

router = Router(tags=["kitdomain"])
add_transition_routes(router, model=Case, service=case_transition, prefix="/cases")
