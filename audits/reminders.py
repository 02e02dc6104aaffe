"""What the audits app tells people: status-transition notices and dated reminders.

Transition notices are `Notification` rows with a unique key, claimed with
`get_or_create`, so a retried or duplicated job creates each exactly once.

Dated reminders (`reminder_source`, registered in `apps.AuditsConfig.ready`)
say what falls due in a sweep's window; `secor.notifications` delivers them.
Each kind reads its rows with one set-based query whatever the number of
employers, and takes its dates from the pure schedule functions
(`schedule.py`, via `selectors.cycle_schedule_for`), never recomputing a rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from employers.models import Enrollment, EnrollmentStatus
from secor import notifications as n
from secor.models import Membership, Notification, Role

from . import schedule as sched
from .models import (
    Audit,
    Certificate,
    CertificateStatus,
    Milestone,
    MilestoneLetter,
    ProgramRules,
)
from .snapshot import rules_from_snapshot, rules_snapshot
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
    url = n.employer_url("audits:timeline", association, enrollment.employer_id)
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


# --- Dated reminders ----------------------------------------------------------------

ANNIVERSARY = n.register_kind(
    n.Kind(
        "anniversary_approaching",
        _("Anniversary approaching"),
        default_leads=(90,),
        description=_("Your certificate year ends soon: the maintenance package to send."),
    )
)
MAINTENANCE_DUE = n.register_kind(
    n.Kind(
        "maintenance_due",
        _("Maintenance audit due"),
        mandatory=True,
        default_leads=(90, 30, 7, 0),
        description=_("A missed maintenance audit cancels the certificate."),
    )
)
CERTIFICATE_EXPIRING = n.register_kind(
    n.Kind(
        "certificate_expiring",
        _("Certificate expiring"),
        mandatory=True,
        default_leads=(90, 30, 7),
        audience=(n.EMPLOYER_USERS, n.PROGRAM_ADMINS),
        description=_("Plan the recertification audit before the certificate expires."),
    )
)
SUBMISSION_DUE = n.register_kind(
    n.Kind(
        "submission_due",
        _("Audit submission due"),
        default_leads=(7, 1),
        description=_("The audit report must be received within the days after data gathering."),
    )
)
CORRECTIONS_DUE = n.register_kind(
    n.Kind(
        "corrections_due",
        _("Corrections due"),
        mandatory=True,
        default_leads=(7, 2, 0),
        description=_("Answer the reviewer's corrections by the deadline."),
    )
)
MILESTONE_DUE = n.register_kind(
    n.Kind(
        "milestone_due",
        _("Milestone due"),
        default_leads=(30, 7),
        description=_("A missed milestone de-rolls a registrant."),
    )
)
LETTER_EXPIRING = n.register_kind(
    n.Kind(
        "milestone_letter_expiring",
        _("Milestone letter expiring"),
        default_leads=(60, 30, 7),
        audience=(n.EMPLOYER_USERS, n.PROGRAM_ADMINS),
        description=_("The next milestone letter must be issued before this one expires."),
    )
)
REAPPLY = n.register_kind(
    n.Kind(
        "reapply_date_reached",
        _("You may re-apply"),
        default_leads=(0,),
        audience=(n.EMPLOYER_USERS, n.PROGRAM_ADMINS),
        description=_("The waiting period after a de-roll is over."),
    )
)
STAFF_DIGEST = n.register_kind(
    n.Kind(
        "staff_digest",
        _("Staff digest"),
        default_leads=(0,),
        audience=(n.PROGRAM_ADMINS, n.REVIEWERS),
        staff_only=True,
        merge=True,
        description=_(
            "Daily list for staff: submissions waiting, corrections overdue, milestones "
            "overdue (de-roll candidates), certificates expiring this month."
        ),
    )
)


def _timeline_url(association, employer_id) -> str:
    return n.employer_url("audits:timeline", association, employer_id)


def _rules_by_program(association) -> dict[int, tuple[sched.ScheduleRules, ProgramRules]]:
    out = {}
    for row in ProgramRules.objects.for_association(association):
        try:
            out[row.program_id] = (rules_from_snapshot(rules_snapshot(row)), row)
        except (ValueError, TypeError, KeyError):
            continue  # inconsistent rules: the rules page says so; no reminders from them
    return out


def _cycle_reminders(association, window_start, window_end):
    """Anniversary, maintenance due and certificate expiry of every live cycle (3 queries)."""
    kinds = {
        code: n.leads(association, code)
        for code in (ANNIVERSARY.code, MAINTENANCE_DUE.code, CERTIFICATE_EXPIRING.code)
    }
    if not any(kinds.values()):
        return
    rules = _rules_by_program(association)
    # One live certificate per cycle (a database constraint): its cycle's schedule.
    live = Certificate.objects.for_association(association).filter(
        status=CertificateStatus.VALID,
        enrollment__status__in=EnrollmentStatus.open_statuses(),
    )
    # Every audit of those cycles, in one query, grouped by cycle.
    audits = defaultdict(list)
    for audit in (
        Audit.objects.for_association(association)
        .filter(cycle__in=live.values("cycle_id"))
        .only(
            "id",
            "cycle_id",
            "year",
            "status",
            "audit_type",
            "rules_snapshot",
            "data_gathering_end",
            "received_on",
        )
        .order_by("data_gathering_start")
    ):
        audits[audit.cycle_id].append(audit)
    from . import selectors

    today = window_end
    for certificate in live.select_related("cycle", "enrollment").only(
        "id",
        "number",
        "employer_id",
        "expires_on",
        "cycle__id",
        "cycle__certification_date",
        "cycle__ends_on",
        "cycle__recertification",
        "cycle__association_id",
        "enrollment__program_id",
        "association_id",
    ):
        cycle = certificate.cycle
        program_rules = rules.get(certificate.enrollment.program_id)
        if program_rules is None:
            continue
        plain, row = program_rules
        cycle_audits = audits[cycle.pk]
        schedule = selectors.cycle_schedule_for(cycle, plain, cycle_audits)
        done = selectors.maintenance_years_done(cycle, today, rules=plain, audits=cycle_audits)
        url = _timeline_url(association, certificate.employer_id)
        package = [list(item) for item in (row.maintenance_package or [])]
        for plan in schedule.years:
            if plan.maintenance_due is None or plan.year in done:
                continue
            yield from n.expand(
                {
                    "kind": MAINTENANCE_DUE.code,
                    "object_key": f"audits.cycle:{cycle.pk}:{plan.year}",
                    "title": str(_("Year %(year)s maintenance audit due %(due)s"))
                    % {"year": plan.year, "due": plan.maintenance_due.isoformat()},
                    "employer_id": certificate.employer_id,
                    "url": url,
                    "context": {
                        "year": plan.year,
                        "opens_on": plan.maintenance_opens.isoformat(),
                    },
                },
                plan.maintenance_due,
                kinds[MAINTENANCE_DUE.code],
                window_start,
                window_end,
            )
            yield from n.expand(
                {
                    "kind": ANNIVERSARY.code,
                    "object_key": f"audits.cycle:{cycle.pk}:{plan.year}",
                    "title": str(_("Anniversary on %(day)s: maintenance package"))
                    % {"day": plan.period_start.isoformat()},
                    "employer_id": certificate.employer_id,
                    "url": url,
                    "context": {
                        "year": plan.year,
                        "package": package,
                        "maintenance_due": plan.maintenance_due.isoformat(),
                    },
                },
                plan.period_start,
                kinds[ANNIVERSARY.code],
                window_start,
                window_end,
            )
        yield from n.expand(
            {
                "kind": CERTIFICATE_EXPIRING.code,
                "object_key": f"audits.certificate:{certificate.pk}",
                "title": str(_("Certificate %(number)s expires on %(day)s"))
                % {"number": certificate.number, "day": certificate.expires_on.isoformat()},
                "employer_id": certificate.employer_id,
                "url": url,
            },
            certificate.expires_on,
            kinds[CERTIFICATE_EXPIRING.code],
            window_start,
            window_end,
        )


def _submission_reminders(association, window_start, window_end):
    """Planned audits not received yet: the report is due N days after data gathering."""
    lead_days = n.leads(association, SUBMISSION_DUE.code)
    if not lead_days:
        return
    # No rule allows more than a year to submit: bounds the rows read.
    earliest_end = window_start - 366 * sched.ONE_DAY
    latest_end = window_end + max(lead_days) * sched.ONE_DAY
    for audit in (
        Audit.objects.for_association(association)
        .filter(
            status="planned",
            received_on__isnull=True,
            data_gathering_end__gte=earliest_end,
            data_gathering_end__lte=latest_end,
        )
        .only("id", "employer_id", "audit_type", "data_gathering_end", "rules_snapshot")
    ):
        try:
            rules = rules_from_snapshot(audit.rules_snapshot)
        except (ValueError, TypeError, KeyError):
            continue
        due = sched.submission_deadline(audit.data_gathering_end, rules)
        if due is None:
            continue
        yield from n.expand(
            {
                "kind": SUBMISSION_DUE.code,
                "object_key": f"audits.audit:{audit.pk}",
                "title": str(_("%(type)s audit report due %(day)s"))
                % {"type": audit.get_audit_type_display(), "day": due.isoformat()},
                "employer_id": audit.employer_id,
                "url": _timeline_url(association, audit.employer_id),
                "context": {"data_gathering_end": audit.data_gathering_end.isoformat()},
            },
            due,
            lead_days,
            window_start,
            window_end,
        )


def _milestone_reminders(association, window_start, window_end):
    lead_days = n.leads(association, MILESTONE_DUE.code)
    bounds = n.deadline_range(lead_days, window_start, window_end)
    if bounds is None:
        return
    for m in Milestone.objects.for_association(association).filter(
        outcome__in=["pending", "corrections"],
        enrollment__status__in=EnrollmentStatus.open_statuses(),
        due_on__range=bounds,
    ):
        yield from n.expand(
            {
                "kind": MILESTONE_DUE.code,
                "object_key": f"audits.milestone:{m.pk}",
                "title": str(_("Milestone due %(day)s: %(label)s"))
                % {"day": m.due_on.isoformat(), "label": m.label},
                "employer_id": m.employer_id,
                "url": n.employer_url("audits:employer_milestones", association, m.employer_id),
            },
            m.due_on,
            lead_days,
            window_start,
            window_end,
        )


def _letter_reminders(association, window_start, window_end):
    """A milestone letter expiring while no later letter has been issued."""
    lead_days = n.leads(association, LETTER_EXPIRING.code)
    bounds = n.deadline_range(lead_days, window_start, window_end)
    if bounds is None:
        return
    later = MilestoneLetter.objects.for_association(association).filter(
        enrollment=OuterRef("enrollment"), number__gt=OuterRef("number")
    )
    for letter in (
        MilestoneLetter.objects.for_association(association)
        .filter(
            expires_on__range=bounds,
            enrollment__status__in=[EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS],
        )
        .filter(~Exists(later))
    ):
        yield from n.expand(
            {
                "kind": LETTER_EXPIRING.code,
                "object_key": f"audits.letter:{letter.pk}",
                "title": str(_("Milestone letter #%(number)s expires %(day)s"))
                % {"number": letter.number, "day": letter.expires_on.isoformat()},
                "employer_id": letter.employer_id,
                "url": n.employer_url(
                    "audits:employer_milestones", association, letter.employer_id
                ),
            },
            letter.expires_on,
            lead_days,
            window_start,
            window_end,
        )


def _reapply_reminders(association, window_start, window_end):
    lead_days = n.leads(association, REAPPLY.code)
    bounds = n.deadline_range(lead_days, window_start, window_end)
    if bounds is None:
        return
    for enrollment in (
        Enrollment.objects.for_association(association)
        .filter(status=EnrollmentStatus.DEROLLED, reapply_on__range=bounds)
        .select_related("program")
    ):
        yield from n.expand(
            {
                "kind": REAPPLY.code,
                "object_key": f"employers.enrollment:{enrollment.pk}",
                "title": str(_("You may re-apply to the %(program)s program from %(day)s"))
                % {
                    "program": enrollment.program.get_kind_display(),
                    "day": enrollment.reapply_on.isoformat(),
                },
                "employer_id": enrollment.employer_id,
                "url": n.employer_url("employers:detail", association, enrollment.employer_id),
            },
            enrollment.reapply_on,
            lead_days,
            window_start,
            window_end,
        )


def _month_end(day: date) -> date:
    return sched.add_months(day.replace(day=1), 1) - sched.ONE_DAY


def _staff_digest(association, window_start, window_end):
    """The audits part of the staff digest (the submissions app adds its own lists).

    One per sweep (for its last day), only when there is something to list:
    milestones overdue (de-roll candidates) and certificates expiring this month.
    """
    if 0 not in n.leads(association, STAFF_DIGEST.code):
        return
    today = window_end
    limit = 20
    overdue = list(
        Milestone.objects.for_association(association)
        .filter(
            outcome__in=["pending", "corrections"],
            due_on__lt=today,
            enrollment__status__in=EnrollmentStatus.open_statuses(),
        )
        .select_related("employer")
        .order_by("due_on")[:limit]
    )
    expiring = list(
        Certificate.objects.for_association(association)
        .filter(
            status=CertificateStatus.VALID,
            expires_on__gte=today.replace(day=1),
            expires_on__lte=_month_end(today),
        )
        .select_related("employer")
        .order_by("expires_on")[:limit]
    )
    if not (overdue or expiring):
        return
    yield staff_digest(
        association,
        today,
        {
            "overdue_milestones": [
                [str(m.employer), m.label, m.due_on.isoformat()] for m in overdue
            ],
            "expiring": [[str(c.employer), c.number, c.expires_on.isoformat()] for c in expiring],
        },
    )


def staff_digest(association, today: date, context: dict) -> n.DueReminder:
    """A part of the day's staff digest; the sweep merges the parts' lists into one email."""
    return n.DueReminder(
        kind=STAFF_DIGEST.code,
        object_key="digest",
        deadline=today,
        lead_days=0,
        title=str(_("%(association)s staff digest for %(day)s"))
        % {"association": association.short_name or association.name, "day": today.isoformat()},
        url=reverse("audits:list", kwargs={"association_slug": association.slug}),
        context=context,
    )


def reminder_source(association, *, window_start: date, window_end: date):
    """Everything the audits app reminds people of, sending within the window."""
    yield from _cycle_reminders(association, window_start, window_end)
    yield from _submission_reminders(association, window_start, window_end)
    yield from _milestone_reminders(association, window_start, window_end)
    yield from _letter_reminders(association, window_start, window_end)
    yield from _reapply_reminders(association, window_start, window_end)
    yield from _staff_digest(association, window_start, window_end)


# --- Calendar (ICS feed) events -------------------------------------------------------

_EVENT_KINDS = {
    "maintenance": "maintenance_due",
    "expiry": "certificate_expiry",
    "submission": "submission_due",
    "milestone": "milestone",
    "letter": "milestone_letter",
    "anniversary": "anniversary",
    "notice": "maintenance_notice",
}


def calendar_events(employer, today: date) -> list[n.CalendarEvent]:
    """Every deadline of the employer's schedule, from the timeline the pages show."""
    from . import selectors

    association = employer.association
    timeline_url = _timeline_url(association, employer.pk)
    milestones_url = n.employer_url("audits:employer_milestones", association, employer.pk)
    events = []
    for tl in selectors.employer_timelines(employer, today):
        enrollment = tl.enrollment
        for d in tl.deadlines:
            kind = _EVENT_KINDS.get(d.kind, d.kind)
            events.append(
                n.CalendarEvent(
                    uid=f"{kind}-{enrollment.pk}-{d.on.isoformat()}-{slugify(d.label)[:40]}",
                    summary=d.label + (" ✓" if d.done else ""),
                    start=d.on,
                    url=milestones_url if d.kind in ("milestone", "letter") else timeline_url,
                )
            )
        for audit in tl.audits:
            if not audit.is_open:
                continue
            events.append(
                n.CalendarEvent(
                    uid=f"data-gathering-{audit.pk}",
                    summary=str(_("%(type)s audit: data gathering"))
                    % {"type": audit.get_audit_type_display()},
                    start=audit.data_gathering_start,
                    end=audit.data_gathering_end,
                    url=timeline_url,
                )
            )
    return events
