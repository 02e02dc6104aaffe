from django.apps import AppConfig


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Audits and certificates"

    def ready(self):
        from secor import hooks

        from .jobs import daily_transitions_job, sweep_holder_previews

        hooks.daily_jobs.register(daily_transitions_job)
        hooks.daily_jobs.register(sweep_holder_previews)
