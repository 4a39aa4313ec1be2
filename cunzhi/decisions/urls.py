from django.urls import path

from cunzhi.core.workflow.views import transition_urls
from cunzhi.decisions import views
from cunzhi.decisions.models import Matter
from cunzhi.decisions.services import matter_transition

app_name = "decisions"
urlpatterns = [
    path("<code:code>/", views.matters, name="matters"),
    path("<code:code>/registers/", views.registers, name="registers"),
    path("<code:code>/export/", views.matters_export, name="matters_export"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("matters/<int:pk>/opinion/", views.opinion_give, name="opinion"),
    path("matters/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/vote/", views.meeting_vote, name="meeting_vote"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    *transition_urls(Matter, matter_transition),
]
