from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from secor import demo


class Command(BaseCommand):
    help = "Create demo associations, users and data for local clicking-through (DEBUG only)."

    def handle(self, *args, **opts):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data refuses to run with DEBUG off: it creates known passwords."
            )
        with scopes_disabled(), transaction.atomic():
            demo.build_all()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Sign in as e.g. amta-admin@demo.example, "
                f"password {demo.DEMO_PASSWORD}"
            )
        )
