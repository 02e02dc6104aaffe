from django.urls import path

from . import views

app_name = "training"

# Mounted under /<association_slug>/training/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view. Everything about one employer lives under
# employers/<int:employer_id>/ and is reached through employers.access.get_employer.
urlpatterns = [
    path("employers/<int:employer_id>/", views.employer_training, name="employer"),
    path("employers/<int:employer_id>/compliance/", views.compliance, name="compliance"),
    path("employers/<int:employer_id>/chart/", views.chart, name="chart"),
    path("employers/<int:employer_id>/chart/print/", views.chart_print, name="chart_print"),
    path("employers/<int:employer_id>/records/add/", views.record_add, name="record_add"),
    path(
        "employers/<int:employer_id>/records/<int:record_id>/",
        views.record_detail,
        name="record_detail",
    ),
    path(
        "employers/<int:employer_id>/records/<int:record_id>/update/",
        views.record_update,
        name="record_update",
    ),
    path(
        "employers/<int:employer_id>/records/<int:record_id>/withdraw/",
        views.record_withdraw,
        name="record_withdraw",
    ),
    path(
        "employers/<int:employer_id>/records/<int:record_id>/file/",
        views.record_evidence,
        name="record_evidence",
    ),
    path(
        "employers/<int:employer_id>/designations/add/",
        views.designation_add,
        name="designation_add",
    ),
    path(
        "employers/<int:employer_id>/designations/<int:designation_id>/remove/",
        views.designation_remove,
        name="designation_remove",
    ),
    path("verification/", views.verification_queue, name="verification_queue"),
    path(
        "verification/export.csv",
        views.verification_queue_export,
        name="verification_queue_export",
    ),
    path("verification/<int:record_id>/", views.verification_detail, name="verification_detail"),
    path("courses/", views.courses, name="courses"),
    path("courses/add/", views.course_add, name="course_add"),
    path("courses/seed/", views.catalogue_seed, name="catalogue_seed"),
    path("courses/<int:course_id>/", views.course_edit, name="course_edit"),
    path("courses/requirements/add/", views.requirement_add, name="requirement_add"),
    path(
        "courses/requirements/<int:requirement_id>/",
        views.requirement_edit,
        name="requirement_edit",
    ),
]
