from django.urls import include, path

from . import views

app_name = "submissions"

# Mounted under /<association_slug>/submissions/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view.
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("upload/", views.upload_for_employer, name="upload_for_employer"),
    path("audits/<int:audit_id>/upload/", views.upload_for_audit, name="upload_for_audit"),
    # tus: creation per target, then one resource per upload.
    path("uploads/", views.tus_create, name="tus_create"),
    path("audits/<int:audit_id>/uploads/", views.tus_create_for_audit, name="tus_create_for_audit"),
    path("uploads/<uuid:upload_id>/", views.tus_upload, name="tus_upload"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/status/", views.submission_status, name="status"),
    path("<int:submission_id>/files/", views.submission_manifest, name="manifest"),
    path("<int:submission_id>/withdraw/", views.submission_withdraw, name="withdraw"),
    path("<int:submission_id>/notes/<int:note_id>/answer/", views.note_answer, name="note_answer"),
    path(
        "<int:submission_id>/notes/<int:note_id>/acknowledge/",
        views.note_acknowledge,
        name="note_acknowledge",
    ),
    path("review/", include("submissions.urls_review")),
]
