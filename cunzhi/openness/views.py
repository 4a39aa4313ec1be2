"""The public board (no sign-in) and the cadres' pages for notices and objections."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.accounts.signin import client_address
from cunzhi.core.exports import list_export_view
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.ratelimit import RateLimited
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import get_in_scope
from cunzhi.openness import selectors, services
from cunzhi.openness.disclosure import compliance
from cunzhi.openness.forms import AnswerForm, NoticeForm, ObjectionForm
from cunzhi.openness.lists import NOTICES
from cunzhi.openness.masking import mask_personal_numbers
from cunzhi.openness.models import Notice, NoticeCategory, Objection
from cunzhi.openness.pdf import notice_pdf_bytes
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get, village_get


@login_required
def notices(request: HttpRequest, code: str) -> HttpResponse:
    village = _notices_village(request, code)
    can_publish = has_permission_at(request.user, "openness.add_notice", village.code)
    form = NoticeForm(request.POST or None) if can_publish else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        notice = submit(
            form,
            lambda data: services.notice_publish(actor=request.user, village=village, **data),
        )
        if notice is not None:
            messages.success(request, _("The notice was published."))
            return redirect(notice)
    context = {
        "region": village,
        "form": form,
        "list_export_form": "notices-export",
        "nav_active": "openness",
    }
    return render_list(request, NOTICES, "openness/notices.html", context, village=village)


@login_required
@require_POST
def notices_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered notices as .xlsx (POST: every export is audited)."""
    village = _notices_village(request, code)
    return list_export_view(
        request,
        NOTICES,
        obj=village,
        region_code=village.code,
        filename=f"{village.name}-公开事项.xlsx",
        back=reverse("openness:notices", args=[village.code]),
        village=village,
    )


def _notices_village(request: HttpRequest, code: str) -> Region:
    """The village whose notices the user may read; elsewhere, as if it did not exist."""
    village = village_get(request.user, code)
    if not has_permission_at(request.user, "openness.view_notice", village.code):
        raise Http404
    return village


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_in_scope(Notice.objects.select_related("region"), request.user, "view", pk=pk)
    context = {
        "notice": notice,
        "region": notice.region,
        "objections": notice.objections.order_by("pk"),
        "can_answer": has_permission_at(
            request.user, "openness.change_objection", notice.region_code
        ),
        "hold": selectors.publicity_hold_of_notice(notice, timezone.localdate()),
        "nav_active": "openness",
    }
    return render(request, "openness/notice.html", context)


@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_in_scope(
        Objection.objects.select_related("notice"), request.user, "view", pk=pk
    )
    can_answer = objection.answered_on is None and has_permission_at(
        request.user, "openness.change_objection", objection.region_code
    )
    form = AnswerForm(request.POST or None, version=objection.version) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if submit(
            form,
            lambda data: services.objection_answer(actor=request.user, objection=objection, **data),
        ):
            messages.success(request, _("The answer was recorded."))
            return redirect(objection.notice)
    return render(
        request,
        "openness/objection.html",
        {"objection": objection, "form": form, "nav_active": "openness"},
    )


@login_required
def disclosure_compliance(request: HttpRequest, code: str) -> HttpResponse:
    """The disclosure schedule of every village of a township or county (or of one village)."""
    region = region_get(request.user, code)
    if region.level not in {Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY}:
        raise Http404
    today = timezone.localdate()
    rows = compliance(request.user, region.code, today)
    context = {
        "region": region,
        "rows": [(row, [(item, item.overdue(today)) for item in row.items]) for row in rows],
        "late": sum(len(row.overdue(today)) for row in rows),
        "nav_active": "openness",
    }
    return render(request, "openness/compliance.html", context)


# The public board


def _public(response: HttpResponse, seconds: int = 60) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def board(request: HttpRequest, code: str) -> HttpResponse:
    """A village's public board, for anyone: rendered once per change and served from the cache.

    The cache key carries the board's generation, which every publication, objection and answer
    moves on, so that nobody reads a stale board for longer than the browser's minute.
    """
    try:
        village = selectors.public_village(code)
    except Region.DoesNotExist:
        raise Http404 from None
    generation = cache.get(services.board_generation_key(village.code), 1)
    key = f"openness:board-page:{village.code}:{generation}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        today = timezone.localdate()
        board_notices = list(selectors.board_notices(village))
        for notice in board_notices:
            notice.public_body = mask_personal_numbers(notice.body)  # type: ignore[attr-defined]
            notice.open_now = notice.in_publicity(today)  # type: ignore[attr-defined]
        sections = [
            (label, [n for n in board_notices if n.category == value])
            for value, label in NoticeCategory.choices
        ]
        html = render_to_string(
            "openness/board.html",
            {
                "village": village,
                "sections": sections,
                "heads": selectors.recent_chain_heads(village),
                "today": today,
            },
        )
        cache.set(key, html, settings.OPENNESS_BOARD_CACHE_SECONDS)
    return _public(HttpResponse(html))


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice, and during its publicity period the objection form (rate-limited)."""
    try:
        notice = Notice.objects.select_related("region").get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    open_now = notice.in_publicity(today)
    form = ObjectionForm(request.POST or None) if open_now else None
    status = 200
    if request.method == "POST":
        if form is None:
            return render(
                request,
                "openness/public_notice.html",
                _public_context(notice, None, False),
                status=409,
            )
        try:
            objection = submit(
                form,
                lambda data: services.objection_raise(
                    notice=notice, sender=services.sender_of(client_address(request)), **data
                ),
            )
        except RateLimited as refused:
            form.add_error(None, str(refused.message))
            objection, status = None, 429
        if objection is not None:
            return render(
                request,
                "openness/public_notice.html",
                {**_public_context(notice, None, open_now), "received": True},
            )
        if status == 200:
            status = 400
    return render(
        request,
        "openness/public_notice.html",
        _public_context(notice, form, open_now),
        status=status,
    )


def _public_context(
    notice: Notice, form: ObjectionForm | None, open_now: bool
) -> dict[str, object]:
    return {
        "notice": notice,
        "body": mask_personal_numbers(notice.body),
        "form": form,
        "open_now": open_now,
        "village": notice.region,
    }


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as an A4 PDF for the physical board, with a QR code to its page."""
    try:
        notice = Notice.objects.select_related("region").get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None
    url = request.build_absolute_uri(notice.public_url())
    response = HttpResponse(notice_pdf_bytes(notice, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return _public(response, 300)
