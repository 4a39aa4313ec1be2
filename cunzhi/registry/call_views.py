"""Calling a key person in one tap: the call is recorded, then the phone dials (issue 9).

Its own module while the registry's views are being split into a package; it belongs with the
resident pages there.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.views.decorators.http import require_POST

from cunzhi.registry.reveal import resident_call
from cunzhi.registry.selectors import resident_get


class DialRedirect(HttpResponseRedirect):
    """A redirect to ``tel:``: the phone's dialler opens with the number."""

    allowed_schemes = ["tel"]


@login_required
@require_POST
def resident_call_view(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    # "reveal": outside the scope a 404, inside it without the permission a 403.
    resident = resident_get(request.user, pk, "reveal")
    if not resident.phone:
        raise Http404("No phone number.")
    phone = resident_call(actor=request.user, resident=resident)
    return DialRedirect("tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+"))
