from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SecorConfig(AppConfig):
    name = "secor"
    verbose_name = _("SECOR platform")

    def ready(self):
        from django.utils.translation import gettext

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            hooks,
            notifications,
            reasons,
        )

        # Lead times for a new association (also seeded lazily on first use).
        hooks.association_created.register(notifications.reminder_settings_ensure)
        # Rule modules translate their reasons at the edge (secor.reasons).
        reasons.set_translator(gettext)
        from .validators import install_form_field_limits

        install_form_field_limits()
        # History rows written by a task or command name it (secor.audit.acting_as).
        from simple_history.signals import pre_create_historical_record

        from .audit import label_history_row

        pre_create_historical_record.connect(label_history_row, dispatch_uid="secor.audit")


class OperatorAdminConfig(AdminConfig):
    """The Django admin is the platform operators' tool, not the associations'."""

    default_site = "secor.admin_site.OperatorAdminSite"
