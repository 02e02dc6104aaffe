"""What the submissions app plugs into the core (registered in ``SubmissionsConfig.ready``)."""

from __future__ import annotations

from secor import hooks
from secor.models import Role


def home_panels(request, association) -> list[hooks.Panel]:
    role = request.membership.role
    if role == Role.EMPLOYER:
        return [hooks.Panel("submissions/_home_employer.html", position=50)]
    # The review queue is the reviewer's and auditor's first card.
    first = role in (Role.REVIEWER, Role.AUDITOR)
    return [hooks.Panel("submissions/_home_staff.html", position=10 if first else 50)]


def association_created(association) -> None:
    from . import services

    services.rules_seed_for_new_association(association)


def register() -> None:
    from . import dashboard

    hooks.dashboard_sections.register(dashboard.sections)
    hooks.association_created.register(association_created)
    hooks.home_panels.register(home_panels)
    from . import reminders, scale

    hooks.scale_builders.register(scale.build)

    hooks.reminder_sources.register(reminders.reminder_source)
    hooks.calendar_events.register(reminders.calendar_events)
