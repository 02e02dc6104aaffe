"""What the training app plugs into the core (registered in ``TrainingConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from secor import hooks
from secor.models import Role


def association_created(association) -> None:
    from . import services

    if association.seed:
        services.catalogue_seed(association=association, seed_key=association.seed)


def home_panels(request, association) -> list[hooks.Panel]:
    if request.membership.role == Role.EMPLOYER:
        return [hooks.Panel("training/_home_employer.html", position=30)]
    return [hooks.Panel("training/_home_staff.html", position=30)]


def checklist_items(association, employer, today, *, page) -> list[hooks.ChecklistItem]:
    """The training requirements, met on today's date or not (a fixed number of queries)."""
    from . import selectors

    report = selectors.compliance_today(employer, today, page=page)
    if not report.verdicts:
        return []
    unmet = [v for v in report.verdicts if not v.met]
    return [
        hooks.ChecklistItem(
            not unmet,
            _("Keep the required training valid"),
            reverse(
                "training:employer",
                kwargs={"association_slug": association.slug, "employer_id": employer.pk},
            ),
            detail=_("Not met today: %(requirements)s.")
            % {"requirements": ", ".join(v.requirement.label for v in unmet)}
            if unmet
            else "",
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

    hooks.reminder_sources.register(reminders.reminder_source)
    hooks.calendar_events.register(reminders.calendar_events)
