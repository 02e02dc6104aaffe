from django.urls import include, path

app_name = "submissions"

# Mounted under /<association_slug>/submissions/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view.
urlpatterns: list = [
    path("review/", include("submissions.urls_review")),
]
