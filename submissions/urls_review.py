"""The reviewer workspace's URLs, included under /<association_slug>/submissions/review/."""

from django.urls import path

from . import views_review as views

urlpatterns = [
    path("", views.queue, name="review_queue"),
    path("export.csv", views.queue_export, name="review_queue_export"),
    path("workload/", views.workload, name="review_workload"),
    path("<int:submission_id>/", views.workspace, name="review"),
    path("<int:submission_id>/changes/", views.changes, name="review_changes"),
    path(
        "<int:submission_id>/files/<int:entry_id>/preview/",
        views.entry_preview,
        name="review_entry_preview",
    ),
    path(
        "<int:submission_id>/files/<int:entry_id>/download/",
        views.entry_download,
        name="review_entry_download",
    ),
]
