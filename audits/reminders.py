"""What the audits app tells people. For now: the status-transition notices.

The reminders issue adds the dated reminders (maintenance due, letters
expiring…) here; delivery by email is `secor.notifications`' job. Each notice
is a `Notification` row with a unique key, claimed with `get_or_create`, so a
retried or duplicated job creates it exactly once.
"""

from __future__ import annotations

from django.urls import reverse

from secor.models import Membership, Notification, Role

from .transitions import Transition, TransitionKind

TITLES = {
    TransitionKind.CANCEL: "Your {program} has been cancelled",
    TransitionKind.EXPIRE: "Your {program} certificate has expired",
    TransitionKind.DEROLL: "You have been de-rolled from the {program} program",
}


def transition_key(enrollment, transition: Transition) -> str:
    return f"audits:transition:{transition.kind}:{enrollment.pk}:{transition.effective_on}"


def on_transition(*, enrollment, transition: Transition, program: str) -> list[Notification]:
    """Notify the employer's users of a transition, once per user and transition."""
    association = enrollment.association
    users = (
        Membership.objects.for_association(association)
        .filter(role=Role.EMPLOYER, employer=enrollment.employer, is_active=True)
        .select_related("user")
    )
    url = reverse(
        "audits:timeline",
        kwargs={"association_slug": association.slug, "employer_id": enrollment.employer_id},
    )
    created = []
    for membership in users:
        notification, new = Notification.objects.for_association(association).get_or_create(
            association=association,
            user=membership.user,
            key=transition_key(enrollment, transition),
            defaults={
                "title": TITLES[TransitionKind(transition.kind)].format(program=program),
                "body": transition.reason,
                "url": url,
            },
        )
        if new:
            created.append(notification)
    return created
