"""The project's URLs plus the test domain's page and API (tests set ROOT_URLCONF to this)."""

from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from cunzhi.accounts.api import BearerToken
from cunzhi.core.api import install_error_handlers
from cunzhi.urls import handler404 as handler404
from cunzhi.urls import urlpatterns as project_urlpatterns
from tests.kitdomain.api import router

kit_api = NinjaAPI(urls_namespace="kitapi", auth=[BearerToken(), django_auth])
install_error_handlers(kit_api)
kit_api.add_router("", router)

urlpatterns = [
    *project_urlpatterns,
    path("kit/", include("tests.kitdomain.urls")),
    path("kitapi/v1/", kit_api.urls),
]
