"""`manage.py seed_scale --employers 50000`: realistic volume on the demo associations.

Spreads the employers over the demo associations (created without logins if
missing), ~5 workers and ~10 training records each, three years of cycles,
audits, submissions with manifests, certificates, reminders sent and
notifications. A rerun first removes the previous scale data (never the demo
data), so it always leaves the same rows. PostgreSQL only (it writes with COPY).
"""

import random
import time
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_scopes import scopes_disabled

from secor import hooks, scale
from secor.demo import ASSOCIATIONS
from secor.models import Association, Membership, Notification, Program, ProgramKind, Role, User


class Command(BaseCommand):
    help = "Build (or rebuild) scale data: N employers spread over the demo associations."

    def add_arguments(self, parser):
        parser.add_argument("--employers", type=int, default=50000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=date(2026, 10, 2),
            help="The day the data is as of (ISO date): cycles run up to it.",
        )
        parser.add_argument("--wipe-only", action="store_true", help="Only remove scale data.")

    def handle(self, *args, employers, seed, today, wipe_only, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale writes with PostgreSQL COPY: run it on PostgreSQL.")
        if employers < 0:
            raise CommandError("--employers cannot be negative.")
        started = time.monotonic()
        with scopes_disabled(), transaction.atomic():
            removed = scale.wipe()
            if removed:
                self.stdout.write(f"Removed the previous scale data: {sum(removed.values())} rows.")
            if wipe_only:
                return
            associations = ensure_associations()
            share, extra = divmod(employers, len(associations))
            counts = {a.pk: share + (1 if i < extra else 0) for i, a in enumerate(associations)}
            plan = scale.ScalePlan(
                associations=associations,
                employers=counts,
                today=today,
                rng=random.Random(seed),
            )
            staff_users(plan)
            scale.build(plan)
            notifications(plan)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
        if opts["verbosity"] < 1:
            return
        for label, n in sorted(plan.counts.items()):
            self.stdout.write(f"{label:<32} {n:>10}")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data ready in {time.monotonic() - started:.0f} s.")
        )


def ensure_associations() -> list[Association]:
    """The demo associations, created (seeded, without logins) when missing."""
    out = []
    for data in ASSOCIATIONS:
        association = Association.objects.filter(slug=data["slug"]).first()
        if association is None:
            association = Association.objects.create(**data)
            for kind in ProgramKind.values:
                Program.objects.get_or_create(association=association, kind=kind)
            hooks.association_created.call(association)
        out.append(association)
    return out


def staff_users(plan: scale.ScalePlan) -> None:
    """One reviewer per association (no usable password), to receive the notifications."""
    users = []
    for association in plan.associations:
        users.append(
            User(
                email=f"{association.slug}-reviewer{scale.USER_DOMAIN}",
                full_name=f"{association.short_name} scale reviewer",
                password=make_password(None),
            )
        )
    scale.copy_insert(User, users, plan)
    scale.copy_insert(
        Membership,
        [
            Membership(association=a, user=u, role=Role.REVIEWER)
            for a, u in zip(plan.associations, users, strict=True)
        ],
        plan,
    )
    plan.made["staff"] = {a.pk: u for a, u in zip(plan.associations, users, strict=True)}


def notifications(plan: scale.ScalePlan) -> None:
    """In-app notices for the reviewer: one per reminder sent (the bell's list)."""
    rows = []
    for association_id, reminders in plan.made.get("reminders", {}).items():
        user = plan.made["staff"][association_id]
        for reminder in reminders:
            rows.append(
                Notification(
                    association_id=association_id,
                    user=user,
                    key=f"{scale.NOTIFICATION_KEY}{reminder.pk}",
                    title=reminder.title,
                    url=reminder.url,
                    read_at=reminder.sent_at if reminder.pk % 3 else None,
                )
            )
    scale.copy_insert(Notification, rows, plan)
