"""The project's URLs plus one bare view, for bench_residency's check-in throughput.

The bare view is the baseline: the same two writes as a check-in (the day's presence row and the
month's rollup counter) for the dispatch ``?dispatch=``, with no authentication, no scope, no
calendar, no position check, no validation and no audit event.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from cunzhi.residency.models import Dispatch, PresenceDay, PresenceMonth

BARE_CHECK_IN = "bench/bare/check-in"


@csrf_exempt
def bare_check_in(request: HttpRequest) -> JsonResponse:
    today = timezone.localdate()
    dispatch = Dispatch.objects.get(pk=int(request.GET["dispatch"]))
    with transaction.atomic():
        day = PresenceDay.objects.create(
            dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id,
            region_id=dispatch.region_id, date=today, kind="in_village", source="check_in",
            is_working_day=True, latitude="25.040000", longitude="102.710000", accuracy_m=15,
        )  # fmt: skip
        month, _created = PresenceMonth.objects.get_or_create(
            dispatch=dispatch, year=today.year, month=today.month,
            defaults={"region_code": dispatch.region_code},
        )  # fmt: skip
        PresenceMonth.objects.filter(pk=month.pk).update(in_village=F("in_village") + 1)
    return JsonResponse({"id": day.pk, "date": today.isoformat(), "kind": day.kind}, status=201)


# The project's patterns first, so the API resolves exactly as it does in the project.
urlpatterns = [
    path("", include("cunzhi.urls")),
    path(BARE_CHECK_IN, bare_check_in),
]
