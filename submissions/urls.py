from django.urls import path  # noqa: F401

app_name = "submissions"

# Mounted under /<association_slug>/submissions/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view.
urlpatterns: list = []
