from django.urls import path

from cunzhi.core.workflow.views import transition_urls
from cunzhi.plans import views
from cunzhi.plans.models import Plan, Rectification, Task
from cunzhi.plans.services import plan_transition, rectification_transition, task_transition

app_name = "plans"
urlpatterns = [
    path("regions/<code>/", views.region_page, name="region"),
    path("villages/<code>/new/", views.plan_create, name="plan_create"),
    path("villages/<code>/tasks/", views.tasks, name="tasks"),
    path("villages/<code>/tasks/export/", views.tasks_export, name="tasks_export"),
    path("villages/<code>/rectifications/", views.rectifications, name="rectifications"),
    path(
        "villages/<code>/rectifications/export/",
        views.rectifications_export,
        name="rectifications_export",
    ),
    path(
        "villages/<code>/rectifications/new/",
        views.rectification_create,
        name="rectification_create",
    ),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/board/", views.plan_board, name="board"),
    path("plans/<int:pk>/objectives/new/", views.objective_add, name="objective_add"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/notes/new/", views.note_add, name="note_add"),
    path("tasks/<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/reach/", views.milestone_reach, name="milestone_reach"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/edit/", views.rectification_edit, name="rectification_edit"),
    # The steps of each workflow (core.workflow); no time limit here can be extended.
    transition_urls(Plan, plan_transition)[0],
    transition_urls(Task, task_transition)[0],
    transition_urls(Rectification, rectification_transition)[0],
]
