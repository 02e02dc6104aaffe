"""Public URLs under /verify/ (no sign-in); see audits/public_views.py."""

from django.urls import path

from . import public_views

# Registry patterns come before the certificate pattern, whose number may
# contain slashes (numbering patterns are the association's choice).
urlpatterns = [
    path("", public_views.verify_home, name="verify_home"),
    path("file/", public_views.verify_file, name="verify_file"),
    path("<slug:association_slug>/registry/", public_views.registry, name="verify_registry"),
    path(
        "<slug:association_slug>/registry.csv",
        public_views.registry_csv,
        name="verify_registry_csv",
    ),
    path(
        "<slug:association_slug>/<path:number>/",
        public_views.verify_certificate,
        name="verify_certificate",
    ),
]
