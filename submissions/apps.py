from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "submissions"
    verbose_name = "Submissions"

    def ready(self):
        from secor import hooks

        from . import services

        hooks.association_created.register(services.rules_seed_for_new_association)
