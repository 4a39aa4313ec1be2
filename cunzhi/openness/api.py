"""Notices and objections for cadres, and the public board for anyone (no sign-in).

``GET /public/villages/{code}/notices`` and ``POST /public/notices/{id}/objections`` need no
account: the board is public by law (Art. 30), and an objection may come from any villager. The
objection door is rate-limited per sender (429).
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cunzhi.accounts.signin import client_address
from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    InputSchema,
    Pagination,
    RecordId,
    VersionedInput,
    actor,
    edit_of,
    label_of,
    with_etag,
)
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.ratelimit import RateLimited
from cunzhi.core.scoping import get_in_scope
from cunzhi.openness import selectors, services
from cunzhi.openness.lists import NOTICES
from cunzhi.openness.masking import mask_personal_numbers
from cunzhi.openness.models import Notice, NoticeCategory, Objection
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import village_get

router = Router(tags=["openness"])
NoticeFilters = filter_schema(NOTICES)


class NoticeOut(Schema):
    id: int
    region_code: str
    category: str
    category_label: str
    title: str
    body: str
    published_on: datetime.date
    publicity_ends_on: datetime.date | None
    chain: str
    chain_seq: int | None
    chain_hash: str
    version: int

    @staticmethod
    def resolve_category_label(notice: Notice) -> str:
        return label_of(NoticeCategory, notice.category)


class ObjectionOut(Schema):
    id: int
    notice_id: int
    name: str
    phone: str
    text: str
    raised_on: datetime.date
    answer: str
    answered_on: datetime.date | None
    version: int


class NoticeDetailOut(NoticeOut):
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_objections(notice: Notice) -> Any:
        return notice.objections.order_by("pk")


class NoticeIn(InputSchema):
    category: NoticeCategory
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    publicity: bool = Field(False, description="Open a publicity period (公示) for objections.")


class AnswerIn(VersionedInput):
    answer: str = Field(..., min_length=1, max_length=4000)


@router.get(
    "/villages/{code}/notices",
    response={200: list[NoticeOut], **READ_ERRORS},
    summary="A village's notices",
)
@paginate(Pagination)
def notice_list(
    request: HttpRequest,
    code: str,
    filters: Query[NoticeFilters],  # type: ignore[valid-type]
) -> QuerySet[Notice]:
    """Filtered and sorted as the page is (``category``, ``sort``)."""
    return api_rows(NOTICES, actor(request), filters, village=village_get(actor(request), code))


@router.post(
    "/villages/{code}/notices",
    response={201: NoticeOut, **WRITE_ERRORS},
    summary="Publish a notice on the village's board",
)
def notice_create(request: HttpRequest, code: str, payload: NoticeIn) -> Status[Notice]:
    notice = services.notice_publish(
        actor=actor(request), village=village_get(actor(request), code), **payload.model_dump()
    )
    return Status(201, notice)


@router.get(
    "/notices/{notice_id}",
    response={200: NoticeDetailOut, **READ_ERRORS},
    summary="A notice with its objections",
)
def notice_detail(request: HttpRequest, notice_id: RecordId, response: HttpResponse) -> Notice:
    notice = get_in_scope(Notice.objects.all(), actor(request), "view", pk=notice_id)
    return with_etag(response, notice)


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, **EDIT_ERRORS},
    summary="Answer an objection",
)
def objection_answer(
    request: HttpRequest, objection_id: RecordId, payload: AnswerIn, response: HttpResponse
) -> Objection:
    objection = get_in_scope(Objection.objects.all(), actor(request), "view", pk=objection_id)
    changes, version = edit_of(request, payload)
    saved = services.objection_answer(
        actor=actor(request), objection=objection, expected_version=version, **changes
    )
    return with_etag(response, saved)


# The public board


class PublicNoticeOut(Schema):
    id: int
    category: str
    category_label: str
    title: str
    body: str = Field(..., description="ID and phone numbers masked.")
    published_on: datetime.date
    publicity_ends_on: datetime.date | None
    objections_open: bool
    url: str
    chain: str
    chain_seq: int | None
    chain_hash: str

    @staticmethod
    def resolve_category_label(notice: Notice) -> str:
        return label_of(NoticeCategory, notice.category)

    @staticmethod
    def resolve_body(notice: Notice) -> str:
        return mask_personal_numbers(notice.body)

    @staticmethod
    def resolve_objections_open(notice: Notice) -> bool:
        return notice.in_publicity(timezone.localdate())

    @staticmethod
    def resolve_url(notice: Notice) -> str:
        return notice.public_url()


class PublicObjectionIn(InputSchema):
    name: str = Field("", max_length=50, description="Optional.")
    phone: str = Field(..., min_length=7, max_length=30, description="For the answer.")
    text: str = Field(..., min_length=1, max_length=2000)


class ObjectionReceivedOut(Schema):
    id: int
    raised_on: datetime.date
    detail: str


@router.get(
    "/public/villages/{code}/notices",
    auth=None,
    response={200: list[PublicNoticeOut], 404: ErrorOut, 422: ErrorOut},
    tags=["public"],
    summary="A village's public board (no sign-in)",
)
def public_notices(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    try:
        village = selectors.public_village(code)
    except Region.DoesNotExist:
        raise Http404 from None
    patch_cache_control(response, public=True, max_age=60)
    return list(selectors.board_notices(village))


@router.post(
    "/public/notices/{notice_id}/objections",
    auth=None,
    response={201: ObjectionReceivedOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    tags=["public"],
    summary="Object to a notice during its publicity period (no sign-in; rate-limited)",
)
def public_objection(request: HttpRequest, notice_id: RecordId, payload: PublicObjectionIn) -> Any:
    try:
        notice = Notice.objects.select_related("region").get(pk=notice_id)
    except Notice.DoesNotExist:
        raise Http404 from None
    try:
        objection = services.objection_raise(
            notice=notice,
            sender=services.sender_of(client_address(request)),
            **payload.model_dump(),
        )
    except RateLimited as refused:
        return Status(429, {"detail": str(refused.message), "errors": []})
    return Status(
        201,
        {
            "id": objection.pk,
            "raised_on": objection.raised_on,
            "detail": _("Received. The village must answer before the matter goes on."),
        },
    )
