"""What the audits app plugs into the core (registered in ``AuditsConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secor import hooks
from secor.models import Role


def association_created(association) -> None:
    from . import services

    if association.seed:
        services.program_setup_seed(association=association, seed_key=association.seed)


def home_panels(request, association) -> list[hooks.Panel]:
    if request.membership.role == Role.EMPLOYER:
        return [hooks.Panel("audits/_home_employer.html", position=40)]
    return [hooks.Panel("audits/_home_staff.html", position=40)]


def checklist_items(association, employer, today, *, page) -> list[hooks.ChecklistItem]:
    """The next open audit deadline of the employer's enrollments, if any."""
    from . import selectors

    if not any(e.status in ("in_progress", "certified") for e in page["enrollments"]):
        return []
    deadline = selectors.employer_next_deadline(employer, today, enrollments=page["enrollments"])
    if deadline is None:
        return []
    return [
        hooks.ChecklistItem(
            deadline.done,
            _("%(deadline)s by %(date)s")
            % {"deadline": deadline.label, "date": date_format(deadline.on, "F j, Y")},
            reverse(
                "audits:timeline",
                kwargs={"association_slug": association.slug, "employer_id": employer.pk},
            ),
            detail=_("Your audit timeline shows every date of your cycle."),
        )
    ]


def demo_builders(associations) -> None:
    from . import demo

    demo.build(associations)


def register() -> None:
    from . import dashboard

    hooks.dashboard_sections.register(dashboard.sections)
    hooks.association_created.register(association_created)
    hooks.home_panels.register(home_panels)
    hooks.checklist_items.register(checklist_items)
    hooks.demo_builders.register(demo_builders)
    from . import scale

    hooks.scale_builders.register(scale.build)
    from . import reminders
    from .jobs import daily_transitions_job, sweep_holder_previews

    hooks.daily_jobs.register(daily_transitions_job)
    hooks.daily_jobs.register(sweep_holder_previews)
    hooks.reminder_sources.register(reminders.reminder_source)
    hooks.calendar_events.register(reminders.calendar_events)
    from .verification import connect_page_cache

    connect_page_cache()
