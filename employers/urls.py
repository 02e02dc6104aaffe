from django.urls import path

from . import views

app_name = "employers"

# Mounted under /<association_slug>/employers/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view. Everything about one employer lives under
# <int:employer_id>/ and is reached through access.get_employer.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_export, name="directory_export"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("rules/", views.rules, name="rules"),
    path("<int:employer_id>/", views.detail, name="detail"),
    path("<int:employer_id>/edit/", views.edit, name="edit"),
    path("<int:employer_id>/invite/", views.invite, name="invite"),
    path("<int:employer_id>/users/<int:membership_id>/", views.user_update, name="user_update"),
    path(
        "<int:employer_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:employer_id>/eligibility/", views.eligibility, name="eligibility"),
    path("<int:employer_id>/membership/", views.membership, name="membership"),
    path("<int:employer_id>/apply/cor/", views.apply_cor, name="apply_cor"),
    path("<int:employer_id>/wcb/add/", views.wcb_add, name="wcb_add"),
    path("<int:employer_id>/wcb/<int:account_id>/", views.wcb_edit, name="wcb_edit"),
    path("<int:employer_id>/workers/", views.workers, name="workers"),
    path("<int:employer_id>/workers/add/", views.worker_add, name="worker_add"),
    path("<int:employer_id>/workers/export.csv", views.roster_export, name="roster_export"),
    path("<int:employer_id>/workers/import/", views.roster_import, name="roster_import"),
    path("<int:employer_id>/workers/<int:worker_id>/", views.worker_edit, name="worker_edit"),
    path("<int:employer_id>/workers/<int:worker_id>/end/", views.worker_end, name="worker_end"),
    path("<int:employer_id>/headcount/", views.headcount, name="headcount"),
    path(
        "<int:employer_id>/enrollments/<int:enrollment_id>/confirm/",
        views.enrollment_confirm,
        name="enrollment_confirm",
    ),
    path(
        "<int:employer_id>/enrollments/<int:enrollment_id>/status/",
        views.enrollment_status,
        name="enrollment_status",
    ),
]
