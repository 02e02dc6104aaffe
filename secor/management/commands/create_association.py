from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from secor import services
from secor.models import Jurisdiction, ProgramKind, Seed


class Command(BaseCommand):
    help = "Create an association (tenant) and email an invitation to its first program admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--short-name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--jurisdiction", required=True, choices=Jurisdiction.values)
        parser.add_argument("--wcb-board", required=True)
        parser.add_argument("--time-zone", default="America/Edmonton")
        parser.add_argument(
            "--program", action="append", choices=ProgramKind.values, dest="programs"
        )
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--seed",
            choices=Seed.values,
            default="",
            help="Start from a published rule set (docs/rules.md); "
            "without one the admin enters every rule.",
        )

    def handle(self, *args, **opts):
        with scopes_disabled():
            try:
                association, _ = services.association_create(
                    name=opts["name"],
                    short_name=opts["short_name"],
                    slug=opts["slug"],
                    jurisdiction=opts["jurisdiction"],
                    wcb_board=opts["wcb_board"],
                    time_zone=opts["time_zone"],
                    programs=opts["programs"] or [ProgramKind.SECOR, ProgramKind.COR],
                    admin_email=opts["admin_email"],
                    seed=opts["seed"],
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {association.name} at /{association.slug}/; "
                f"invitation emailed to {opts['admin_email']}."
            )
        )
