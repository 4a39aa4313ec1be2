"""Recall and replacement (召回): its start, its record and its workflow's steps."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Status

from cunzhi.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    RecordId,
    actor,
    label_of,
    with_etag,
)
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.residency import services
from cunzhi.residency.api.common import DispatchRecordOut, router
from cunzhi.residency.models import (
    Dispatch,
    Recall,
    RecallState,
)
from cunzhi.residency.scoping import may

# Starting a recall (召回); its steps are the transition routes above


class RecallStartIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=1000)


class RecallOut(DispatchRecordOut):
    reason: str
    state: str
    state_label: str
    replacement: str | None = Field(None, description="The replacement's account name.")
    replacement_starts_on: datetime.date | None
    handover_documents: bool
    handover_work: bool
    handover_contacts: bool
    new_dispatch: int | None = Field(None, alias="new_dispatch_id")

    @staticmethod
    def resolve_state_label(recall: Recall) -> str:
        return label_of(RecallState, recall.state)

    @staticmethod
    def resolve_replacement(recall: Recall) -> str | None:
        return recall.replacement.user.username if recall.replacement else None


def _recall(request: HttpRequest, recall_id: int) -> Recall:
    return get_in_scope(
        Recall.objects.select_related(
            "dispatch__cadre__user", "region", "sending_unit", "replacement__user"
        ),
        actor(request),
        "view",
        pk=recall_id,
    )


@router.post(
    "/residency/dispatches/{dispatch_id}/recalls",
    response={201: RecallOut, **WRITE_ERRORS},
    summary="Start a recall of a serving cadre, with a reason (the township or the county)",
)
def recall_start_endpoint(
    request: HttpRequest, dispatch_id: RecordId, payload: RecallStartIn
) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    if not may(actor(request), "residency.add_recall", dispatch.region_code, None):
        raise PermissionDenied("residency.add_recall")
    recall = services.recall_start(actor=actor(request), dispatch=dispatch, reason=payload.reason)
    return Status(201, _recall(request, recall.pk))


@router.get(
    "/residency/recalls/{recall_id}",
    response={200: RecallOut, **READ_ERRORS},
    summary="One recall: the reason, the replacement, the handover checklist",
)
def recall_detail(request: HttpRequest, recall_id: RecordId, response: HttpResponse) -> Recall:
    return with_etag(response, _recall(request, recall_id))


add_transition_routes(
    router,
    model=Recall,
    service=services.recall_transition,
    prefix="/residency/recalls",
)
