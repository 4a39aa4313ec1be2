from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.translation import gettext
from django.views.defaults import page_not_found

from cunzhi import pages
from cunzhi.accounts.views import SignInView
from cunzhi.api import api
from cunzhi.core import views as core_views

# The site's own pages keep the "core" namespace: {% url 'core:home' %} and the like.
site_patterns = [
    path("", pages.home, name="home"),
    path("rules/", pages.rules, name="rules"),
    path("attention/", pages.attention, name="attention"),
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((site_patterns, "core"))),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("cunzhi.accounts.urls")),
    path("regions/", include("cunzhi.regions.urls")),
    path("registry/", include("cunzhi.registry.urls")),
    path("", include("cunzhi.demands.urls")),
    path("visits/", include("cunzhi.visits.urls")),
    path("decisions/", include("cunzhi.decisions.urls")),
    path("openness/", include("cunzhi.openness.urls")),
    path("residency/", include("cunzhi.residency.urls")),
    path("disputes/", include("cunzhi.disputes.urls")),
    path("plans/", include("cunzhi.plans.urls")),
    path("audit/", include("cunzhi.audit.urls")),
    path("attachments/", include("cunzhi.core.attachments.urls")),
    path("inbox/", include("cunzhi.core.inbox.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL, not even with DEBUG: an attachment is read
# through its record's scope (core.attachments.views).


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's error body for an unknown path; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found."), "errors": []}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
