from django.apps import AppConfig


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Audits and certificates"

    def ready(self):
        from . import hooks

        hooks.register()
