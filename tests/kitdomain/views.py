"""The case list and the case page: the record, its workflow panel, files and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cunzhi.core.lists import render_list
from cunzhi.core.scoping import get_in_scope
from tests.kitdomain.lists import CASES
from tests.kitdomain.models import Case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, CASES, "kitdomain/cases.html", {})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_in_scope(Case.objects.all(), request.user, "view", pk=pk)
    return render(request, "kitdomain/case.html", {"case": case})
