from django.urls import path

import cunzhi.regions.urls  # noqa: F401  (registers the <code:...> converter)
from cunzhi.registry import call_views, import_views, views

app_name = "registry"
urlpatterns = [
    path("tags/", views.tags_page, name="tags"),
    path("tags/new/", views.tag_edit, name="tag_create"),
    path("tags/<int:pk>/edit/", views.tag_edit, name="tag_edit"),
    path("search/", views.search, name="search"),
    path("import/", import_views.import_page, name="import"),
    path("import/template.<str:kind>", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/errors.xlsx", import_views.import_errors, name="import_errors"),
    path("<code:code>/", views.register, name="register"),
    path("<code:code>/key-people/", views.key_people_page, name="key_people"),
    path("<code:code>/export/", views.register_export_view, name="register_export"),
    path("<code:code>/duplicates/", views.duplicates_page, name="duplicates"),
    path("<code:code>/duplicates/merge/", views.duplicates_merge, name="duplicates_merge"),
    path("<code:code>/groups/", views.groups_page, name="groups"),
    path("<code:code>/ten-groups/new/", views.ten_group_create, name="ten_group_create"),
    path("groups/<code:code>/leader/", views.group_leader, name="group_leader"),
    path("ten-groups/<int:pk>/edit/", views.ten_group_edit, name="ten_group_edit"),
    path("<code:code>/households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", views.resident_add, name="resident_add"),
    path("households/<int:pk>/head/", views.household_head, name="household_head"),
    path("households/<int:pk>/split/", views.household_split, name="household_split"),
    path("households/<int:pk>/merge/", views.household_merge, name="household_merge"),
    path("households/<int:pk>/transfer/", views.household_transfer, name="household_transfer"),
    path("residents/<int:pk>/", views.resident, name="resident"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/tags/", views.resident_tags, name="resident_tags"),
    path("residents/<int:pk>/status/", views.resident_status, name="resident_status"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident_move"),
    path("residents/<int:pk>/reveal/", views.resident_reveal_view, name="resident_reveal"),
    path("residents/<int:pk>/call/", call_views.resident_call_view, name="resident_call"),
]
