"""The case page: the record and its workflow panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cunzhi.core.scoping import get_in_scope
from tests.kitdomain.models import Case


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_in_scope(Case.objects.all(), request.user, "view", pk=pk)
    return render(request, "kitdomain/case.html", {"case": case})
