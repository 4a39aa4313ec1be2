from django.urls import path

from cunzhi.core.workflow.views import transition_urls
from tests.kitdomain import views
from tests.kitdomain.models import Case
from tests.kitdomain.services import case_transition

app_name = "kitdomain"
urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    *transition_urls(Case, case_transition),
]
