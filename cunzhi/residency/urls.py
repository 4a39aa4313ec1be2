from django.urls import path

from cunzhi.core.workflow.views import transition_urls
from cunzhi.residency import views
from cunzhi.residency.models import LeaveRequest, Recall
from cunzhi.residency.services import leave_request_transition, recall_transition

app_name = "residency"
urlpatterns = [
    path("", views.compliance, name="compliance"),
    path("export/", views.compliance_export, name="compliance_export"),
    path("check-in/", views.check_in, name="check_in"),
    path("presence/fill/", views.presence_fill, name="presence_fill"),
    path("dispatches/new/", views.dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", views.dispatch_detail, name="dispatch"),
    path("dispatches/<int:pk>/correct/", views.presence_correct, name="presence_correct"),
    path("leaverequests/", views.leave_list, name="leaves"),
    path("leaverequests/new/", views.leave_create, name="leave_create"),
    path("leaverequests/<int:pk>/", views.leave_detail, name="leaverequest"),
    path("dispatches/<int:pk>/assessments/new/", views.assessment_open, name="assessment_open"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/opinion/<slug:party>/",
        views.assessment_opinion,
        name="assessment_opinion",
    ),
    path("assessments/<int:pk>/grade/", views.assessment_grade, name="assessment_grade"),
    path("dispatches/<int:pk>/recall/", views.recall_start, name="recall_start"),
    path("recalls/<int:pk>/", views.recall_detail, name="recall"),
    path("dispatches/<int:pk>/diary/", views.diary, name="diary"),
    path("diaryentries/<int:pk>/", views.diaryentry, name="diaryentry"),
    path("dispatches/<int:pk>/report/<int:year>/", views.year_report, name="year_report"),
    path("support/", views.support_list, name="support_list"),
    path("support/export/", views.support_export, name="support_export"),
    path("dispatches/<int:pk>/support/", views.support_open, name="support_open"),
    path("support/<int:pk>/", views.support_detail, name="support"),
    path("support/<int:pk>/<slug:kind>/", views.support_item_add, name="support_item_add"),
    path(
        "dispatches/<int:pk>/report/<int:year>/page/",
        views.year_report_page,
        name="year_report_page",
    ),
    *transition_urls(LeaveRequest, leave_request_transition),
    *transition_urls(Recall, recall_transition),
]
