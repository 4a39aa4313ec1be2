from django.urls import path

from cunzhi.openness import views

app_name = "openness"
urlpatterns = [
    path("<code:code>/", views.notices, name="notices"),
    path("<code:code>/export/", views.notices_export, name="notices_export"),
    path("<code:code>/compliance/", views.disclosure_compliance, name="compliance"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    # The public board: no sign-in.
    path("board/<code:code>/", views.board, name="board"),
    path("board/notices/<int:pk>/", views.public_notice, name="public_notice"),
    path("board/notices/<int:pk>/print.pdf", views.notice_pdf, name="notice_pdf"),
]
