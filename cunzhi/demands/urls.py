from django.urls import path

import cunzhi.regions.urls  # noqa: F401  (registers the <code:…> converter)
from cunzhi.core.workflow.views import transition_urls
from cunzhi.demands import views
from cunzhi.demands.models import Demand
from cunzhi.demands.services import demand_transition

app_name = "demands"
urlpatterns = [
    path("demands/mine/", views.my_demands, name="mine"),
    path("demands/escalated/", views.escalated, name="escalated"),
    path("demands/region/<code:code>/", views.demand_list_view, name="list"),
    path("demands/region/<code:code>/new/", views.demand_create_view, name="create"),
    path("demands/region/<code:code>/export/", views.demand_export_view, name="export"),
    path("demands/region/<code:code>/statistics/", views.statistics, name="statistics"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="edit"),
    path("demands/<int:pk>/assign/", views.demand_assign_view, name="assign"),
    path("demands/<int:pk>/merge/", views.demand_merge_view, name="merge"),
    *transition_urls(Demand, demand_transition),
    # The villager's follow-up page: public, by code (短码查询).
    path("d/", views.public_lookup, name="public_lookup"),
    path("d/<slug:follow_up>/", views.public_demand, name="public"),
]
