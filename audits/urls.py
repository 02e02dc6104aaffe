from django.urls import path

from . import certificate_views, views

app_name = "audits"

# Mounted under /<association_slug>/audits/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view.
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.csv", views.audit_list_export, name="list_export"),
    path("milestones/", views.milestone_board, name="milestone_board"),
    path("milestones/export.csv", views.milestone_board_export, name="milestone_board_export"),
    path("milestones/<int:milestone_id>/", views.milestone_record, name="milestone_record"),
    path("<int:audit_id>/scores/", views.scores, name="scores"),
    path("<int:audit_id>/issue/", views.certificate_issue, name="certificate_issue"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/export/", views.certificate_export, name="certificate_export"),
    path("certificates/import/", views.holders_import, name="holders_import"),
    path(
        "certificates/import/confirm/",
        views.holders_import_confirm,
        name="holders_import_confirm",
    ),
    path(
        "certificates/<int:certificate_id>/",
        views.certificate_detail,
        name="certificate_detail",
    ),
    path(
        "certificates/<int:certificate_id>/status/",
        views.certificate_status,
        name="certificate_status",
    ),
    path(
        "certificates/<int:certificate_id>/reissue/",
        views.certificate_reissue,
        name="certificate_reissue",
    ),
    path("<int:audit_id>/scores/preview/", views.scores_preview, name="scores_preview"),
    path("rules/", views.rules_list, name="rules_list"),
    path("rules/<int:rules_id>/", views.rules_edit, name="rules_edit"),
    path("rules/new/<int:program_id>/", views.rules_new, name="rules_new"),
    path("tools/", views.tools_list, name="tools_list"),
    path("tools/<int:tool_id>/", views.tool_detail, name="tool_detail"),
    path("employers/<int:employer_id>/", views.timeline, name="timeline"),
    path("employers/<int:employer_id>/plan/", views.plan, name="plan"),
    path(
        "employers/<int:employer_id>/audits/<int:audit_id>/",
        views.audit_detail,
        name="audit_detail",
    ),
    path(
        "employers/<int:employer_id>/audits/historic/",
        views.historic_audit,
        name="historic_audit",
    ),
    path(
        "employers/<int:employer_id>/certificates/",
        views.employer_certificates,
        name="employer_certificates",
    ),
    path(
        "certificates/<int:certificate_id>/pdf/",
        certificate_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certificates/<int:certificate_id>/pdf/status/",
        certificate_views.certificate_pdf_status,
        name="certificate_pdf_status",
    ),
    path(
        "certificates/<int:certificate_id>/revisions/<int:revision>/pdf/",
        certificate_views.certificate_revision_pdf,
        name="certificate_revision_pdf",
    ),
    path(
        "certificates/<int:certificate_id>/revisions/<int:revision>/rebuild/",
        certificate_views.certificate_pdf_retry,
        name="certificate_pdf_retry",
    ),
    path(
        "employers/<int:employer_id>/enrollments/<int:enrollment_id>/letters/<slug:kind>.pdf",
        certificate_views.enrollment_letter_pdf,
        name="enrollment_letter_pdf",
    ),
    path(
        "employers/<int:employer_id>/milestones/",
        views.employer_milestones,
        name="employer_milestones",
    ),
]
