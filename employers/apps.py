from django.apps import AppConfig


class EmployersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "employers"
    verbose_name = "Employers"

    def ready(self):
        from secor import hooks

        from .jobs import sweep_import_previews

        hooks.daily_jobs.register(sweep_import_previews)
