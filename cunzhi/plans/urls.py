from django.urls import path

import cunzhi.regions.urls  # noqa: F401  (registers the <code:…> converter)
from cunzhi.core.workflow.views import transition_urls
from cunzhi.plans import views
from cunzhi.plans.models import LedgerItem
from cunzhi.plans.services import ledgeritem_transition

app_name = "plans"
urlpatterns = [
    path("plans/region/<code:code>/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_board, name="plan"),
    path("plans/tasks/<int:pk>/", views.task_detail, name="task"),
    path("plans/region/<code:code>/ledger/", views.ledger, name="ledger"),
    path("ledgeritems/<int:pk>/", views.ledger_item, name="ledgeritem"),
    *transition_urls(LedgerItem, ledgeritem_transition),
]
