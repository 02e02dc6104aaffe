from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from secor import hooks

        from . import reminders

        hooks.reminder_sources.register(reminders.reminder_source)
        hooks.calendar_events.register(reminders.calendar_events)
