from django.urls import path

from cunzhi.core.workflow.views import transition_urls
from cunzhi.disputes import services, views
from cunzhi.disputes.models import MediationCase, Petition, StabilityAssessment
from cunzhi.regions.urls import DivisionCode  # noqa: F401  (registers the "code" converter)

app_name = "disputes"
urlpatterns = [
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
    path("mediation-cases/<int:pk>/", views.case_detail, name="case"),
    path("mediation-cases/<int:pk>/parties/", views.party_add, name="party_add"),
    path("mediation-cases/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("mediation-cases/<int:pk>/risk/", views.case_risk, name="case_risk"),
    path("case-parties/<int:pk>/consent/", views.party_consent, name="party_consent"),
    path("mediation-committees/<int:pk>/", views.committee_detail, name="committee"),
    path("stability-assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("<code:code>/", views.overview, name="overview"),
    path("<code:code>/petitions/", views.petitions, name="petitions"),
    path("<code:code>/petitions/export/", views.petitions_export, name="petitions_export"),
    path("<code:code>/petitions/new/", views.petition_create, name="petition_create"),
    path("<code:code>/cases/", views.cases, name="cases"),
    path("<code:code>/cases/new/", views.case_create, name="case_create"),
    path("<code:code>/committee/new/", views.committee_create, name="committee_create"),
    path("<code:code>/assessments/", views.assessments, name="assessments"),
    *transition_urls(Petition, services.petition_transition),
    *transition_urls(
        MediationCase, services.mediation_case_transition, entity_arg="mediation_case"
    ),
    *transition_urls(StabilityAssessment, services.assessment_transition, entity_arg="assessment"),
]
