"""What the employers app plugs into the core (registered in ``EmployersConfig.ready``)."""

from __future__ import annotations

from secor import hooks
from secor.models import Role


def association_created(association) -> None:
    from .services import rules_ensure

    rules_ensure(association=association)


def home_panels(request, association) -> list[hooks.Panel]:
    if request.membership.role == Role.EMPLOYER:
        return [hooks.Panel("employers/_home_employer.html", position=20)]
    return [hooks.Panel("employers/_home_staff.html", position=20)]


def demo_builders(associations) -> None:
    from . import demo

    demo.build(associations)


def register() -> None:
    from . import dashboard

    hooks.dashboard_sections.register(dashboard.sections)
    from .selectors import employer_checklist

    hooks.association_created.register(association_created)
    hooks.home_panels.register(home_panels)
    hooks.checklist_items.register(employer_checklist)
    hooks.demo_builders.register(demo_builders)
    from . import scale

    hooks.scale_builders.register(scale.build)

    from .jobs import refresh_eligibility, sweep_import_previews

    hooks.daily_jobs.register(sweep_import_previews)
    hooks.daily_jobs.register(refresh_eligibility)
