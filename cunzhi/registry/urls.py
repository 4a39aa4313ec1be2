from django.urls import path

import cunzhi.regions.urls  # noqa: F401  (registers the <code:...> converter)
from cunzhi.registry.importing import views as importing
from cunzhi.registry.views import groups, households, register, residents

app_name = "registry"
urlpatterns = [
    path("tags/", groups.tags_page, name="tags"),
    path("tags/new/", groups.tag_edit, name="tag_create"),
    path("tags/<int:pk>/edit/", groups.tag_edit, name="tag_edit"),
    path("search/", register.search, name="search"),
    path("import/", importing.import_page, name="import"),
    path("import/template.<str:kind>", importing.import_template, name="import_template"),
    path("import/<int:pk>/", importing.import_job, name="import_job"),
    path("import/<int:pk>/errors.xlsx", importing.import_errors, name="import_errors"),
    path("<code:code>/", register.register, name="register"),
    path("<code:code>/key-people/", register.key_people_page, name="key_people"),
    path("<code:code>/export/", register.register_export_view, name="register_export"),
    path("<code:code>/duplicates/", register.duplicates_page, name="duplicates"),
    path("<code:code>/duplicates/merge/", register.duplicates_merge, name="duplicates_merge"),
    path("<code:code>/groups/", groups.groups_page, name="groups"),
    path("<code:code>/ten-groups/new/", groups.ten_group_create, name="ten_group_create"),
    path("groups/<code:code>/leader/", groups.group_leader, name="group_leader"),
    path("ten-groups/<int:pk>/edit/", groups.ten_group_edit, name="ten_group_edit"),
    path("<code:code>/households/new/", households.household_create, name="household_create"),
    path("households/<int:pk>/", households.household, name="household"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", residents.resident_add, name="resident_add"),
    path("households/<int:pk>/head/", households.household_head, name="household_head"),
    path("households/<int:pk>/split/", households.household_split, name="household_split"),
    path("households/<int:pk>/merge/", households.household_merge, name="household_merge"),
    path("households/<int:pk>/transfer/", households.household_transfer, name="household_transfer"),
    path("residents/<int:pk>/", residents.resident, name="resident"),
    path("residents/<int:pk>/edit/", residents.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/tags/", residents.resident_tags, name="resident_tags"),
    path("residents/<int:pk>/status/", residents.resident_status, name="resident_status"),
    path("residents/<int:pk>/move/", residents.resident_move, name="resident_move"),
    path("residents/<int:pk>/reveal/", residents.resident_reveal_view, name="resident_reveal"),
]
