"""Run the reminder sweep for one association and one day — replay after an outage, or preview.

    python manage.py send_reminders --association scsa [--date 2026-03-08] [--dry-run]

The same sweep the beat fan-out runs, for the single day given (default: today in
the association's time zone). Reminders already recorded are never sent again, so
a second run for the same day sends nothing and says so. ``--dry-run`` lists what
would go out and writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from secor import notifications
from secor.dates import association_today
from secor.models import Association


class Command(BaseCommand):
    help = "Send the reminders due on one day for one association (or list them with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--association", required=True, help="The association's slug.")
        parser.add_argument("--date", help="The local day, YYYY-MM-DD (default: today there).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args, association, date=None, dry_run=False, **options):
        found = Association.objects.filter(slug=association).first()
        if found is None:
            known = ", ".join(Association.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No association with slug {association!r}. Known: {known}.")
        day = self._day(date) if date else association_today(found)
        result = notifications.sweep(found, day, window_start=day, dry_run=dry_run)
        new = [d for d in result.due if d.key not in result.existing_keys]
        for due in result.due:
            state = (
                "already sent"
                if due.key in result.existing_keys
                else ("would send" if dry_run else "sending")
            )
            self.stdout.write(
                f"{state:13} {due.kind:26} {due.deadline} (-{due.lead_days}d) {due.title}"
            )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run for {found.slug} on {day}: {len(new)} would be sent, "
                    f"{result.already} already sent. Nothing was sent."
                )
            )
        elif not new:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Nothing new to send for {found.slug} on {day}: "
                    f"{result.already} reminder(s) were already sent."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.created} reminder(s) recorded for {found.slug} on {day} "
                    f"({result.late} late), {result.enqueued} queued for sending; "
                    f"{result.already} already sent."
                )
            )

    @staticmethod
    def _day(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(
                f"--date must be YYYY-MM-DD, e.g. 2026-03-08 (got {value!r})."
            ) from error
