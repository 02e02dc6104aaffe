from django.urls import path  # noqa: F401

app_name = "audits"

# Mounted under /<association_slug>/audits/ by secor/urls.py; every view here is
# wrapped by secor.tenancy.association_view.
urlpatterns: list = []
