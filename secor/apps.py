from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SecorConfig(AppConfig):
    name = "secor"
    verbose_name = "SECOR platform"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .validators import install_form_field_limits

        install_form_field_limits()


class OperatorAdminConfig(AdminConfig):
    """The Django admin is the platform operators' tool, not the associations'."""

    default_site = "secor.admin_site.OperatorAdminSite"
