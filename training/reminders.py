"""What the training app reminds people of: expiries, proficiencies, auditor status.

Registered in `apps.TrainingConfig.ready`; delivered by `secor.notifications`.
Each kind reads the association's records with one query (plus the catalogue),
whatever the number of employers, and takes its dates from the pure rules in
`compliance.py` (`record_valid_until`, `proficiency_deadline`).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secor import notifications as n
from secor.dates import add_months

from . import compliance
from .models import RecordStatus, RequirementCourse, TrainingRecord, TrainingRequirement
from .selectors import course_rules, record_of

TRAINING_EXPIRING = n.register_kind(
    n.Kind(
        "training_expiring",
        _("Training expiring"),
        default_leads=(90, 30, 7),
        audience=(n.EMPLOYER_USERS, n.TRAINED_EMPLOYEE),
        description=_("Expired training is a top reason audits are returned."),
    )
)
AUDITOR_MAINTENANCE = n.register_kind(
    n.Kind(
        "auditor_maintenance_due",
        _("Auditor status maintenance due"),
        default_leads=(60, 30, 7),
        audience=(n.EMPLOYER_USERS, n.TRAINED_EMPLOYEE),
        description=_(
            "Submit the personal maintenance audit (and take the classroom training) "
            "months before the auditor status expires."
        ),
    )
)
CONTINUING_EDUCATION = n.register_kind(
    n.Kind(
        "continuing_education_due",
        _("Continuing education due"),
        default_leads=(90, 30),
        description=_("Someone must complete an association course every few years."),
    )
)
PROFICIENCY_DUE = n.register_kind(
    n.Kind(
        "proficiency_due",
        _("Proficiency due"),
        default_leads=(60, 14, 0),
        audience=(n.EMPLOYER_USERS, n.TRAINED_EMPLOYEE),
        description=_("The proficiency must be accepted within months of the course."),
    )
)
TRAINED_EMPLOYEE_LEFT = n.register_kind(
    n.Kind(
        "trained_employee_left",
        _("Trained employee left"),
        default_leads=(0,),
        audience=(n.EMPLOYER_USERS, n.PROGRAM_ADMINS),
        description=_("The trained employee's last day has passed and nobody else is trained."),
    )
)


def _record_url(association, record) -> str:
    return n.employer_url("training:employer", association, record.employer_id)


def _records(association, **filters):
    """Counted records (verified, or waiting for verification) of current workers."""
    return (
        TrainingRecord.objects.for_association(association)
        .exclude(status__in=(RecordStatus.REJECTED, RecordStatus.WITHDRAWN))
        .filter(**filters)
        .select_related("course", "worker")
        .order_by("worker_id", "course_id", "-completed_on", "-id")
    )


def _latest_per_worker_course(records):
    """Only a worker's latest record of a course can still expire (older ones are renewed)."""
    seen = set()
    for record in records:
        key = (record.worker_id, record.course_id)
        if key in seen:
            continue
        seen.add(key)
        yield record


def _expiry_reminders(association, window_start: date, window_end: date, today: date):
    expiring = n.leads(association, TRAINING_EXPIRING.code)
    maintenance = n.leads(association, AUDITOR_MAINTENANCE.code)
    proficiency = n.leads(association, PROFICIENCY_DUE.code)
    if not (expiring or maintenance or proficiency):
        return
    rules = {c.code: c for c in course_rules(association)}
    current = Q(worker__end_date__isnull=True) | Q(worker__end_date__gte=today)
    records = (
        _records(association)
        .filter(current)
        .filter(
            Q(course__validity_months__isnull=False) | Q(course__proficiency_months__isnull=False)
        )
    )
    for record in _latest_per_worker_course(records):
        course = rules.get(record.course.code)
        if course is None:
            continue
        fact = record_of(record)
        base = {
            "employer_id": record.employer_id,
            "url": _record_url(association, record),
            "context": {
                "worker": record.worker.full_name,
                "worker_email": record.worker.email,
                "course": record.course.name,
            },
        }
        valid_until = compliance.record_valid_until(course, fact)
        if valid_until is not None:
            yield from n.expand(
                {
                    **base,
                    "kind": TRAINING_EXPIRING.code,
                    "object_key": f"training.record:{record.pk}",
                    "title": str(_("%(course)s of %(worker)s expires %(day)s"))
                    % {
                        "course": record.course.code,
                        "worker": record.worker.full_name,
                        "day": valid_until.isoformat(),
                    },
                },
                valid_until,
                expiring,
                window_start,
                window_end,
            )
            renewed = record.maintenance_audit_on is not None
            if course.maintenance is not None and not renewed:
                due = add_months(valid_until, -course.maintenance.submit_lead_months)
                yield from n.expand(
                    {
                        **base,
                        "kind": AUDITOR_MAINTENANCE.code,
                        "object_key": f"training.record:{record.pk}",
                        "title": str(_("%(worker)s: submit the %(what)s by %(day)s"))
                        % {
                            "worker": record.worker.full_name,
                            "what": course.maintenance.name,
                            "day": due.isoformat(),
                        },
                        "context": {**base["context"], "expires_on": valid_until.isoformat()},
                    },
                    due,
                    maintenance,
                    window_start,
                    window_end,
                )
        deadline = compliance.proficiency_deadline(course, fact)
        if deadline is not None and record.proficiency_accepted_on is None:
            yield from n.expand(
                {
                    **base,
                    "kind": PROFICIENCY_DUE.code,
                    "object_key": f"training.record:{record.pk}",
                    "title": str(_("%(what)s of %(worker)s due %(day)s"))
                    % {
                        "what": course.proficiency_name or _("Proficiency"),
                        "worker": record.worker.full_name,
                        "day": deadline.isoformat(),
                    },
                },
                deadline,
                proficiency,
                window_start,
                window_end,
            )


def _continuing_education(association, window_start: date, window_end: date, today: date):
    """Per employer: the latest course counting as continuing education + the period."""
    lead_days = n.leads(association, CONTINUING_EDUCATION.code)
    if not lead_days:
        return
    requirements = list(
        TrainingRequirement.objects.for_association(association).filter(
            kind=compliance.CONTINUING_EDUCATION, is_active=True
        )
    )
    if not requirements:
        return
    courses = {}
    for link in RequirementCourse.objects.for_association(association).filter(
        requirement__in=requirements
    ):
        courses.setdefault(link.requirement_id, set()).add(link.course_id)
    for requirement in requirements:
        filters = {}
        if courses.get(requirement.pk):
            filters["course_id__in"] = courses[requirement.pk]
        latest = {}
        for employer_id, completed_on in (
            _records(association, **filters)
            .filter(employer__enrollments__program_id=requirement.program_id)
            .values_list("employer_id", "completed_on")
        ):
            if completed_on > latest.get(employer_id, date.min):
                latest[employer_id] = completed_on
        for employer_id, completed_on in latest.items():
            due = add_months(completed_on, requirement.every_months)
            yield from n.expand(
                {
                    "kind": CONTINUING_EDUCATION.code,
                    "object_key": f"training.ce:{requirement.pk}:{employer_id}",
                    "title": str(_("%(label)s due %(day)s"))
                    % {"label": requirement.label, "day": due.isoformat()},
                    "employer_id": employer_id,
                    "url": n.employer_url("training:compliance", association, employer_id),
                    "context": {"last_course_on": completed_on.isoformat()},
                },
                due,
                lead_days,
                window_start,
                window_end,
            )


def _trained_employee_left(association, window_start: date, window_end: date, today: date):
    """A worker holding a course some requirement needs left, and no one else has it."""
    if 0 not in n.leads(association, TRAINED_EMPLOYEE_LEFT.code):
        return
    required = set(
        RequirementCourse.objects.for_association(association)
        .filter(requirement__is_active=True, requirement__kind=compliance.AT_LEAST_ONE)
        .values_list("course_id", flat=True)
    )
    if not required:
        return
    left = list(
        _records(
            association,
            course_id__in=required,
            worker__end_date__gte=window_start,
            worker__end_date__lte=window_end,
        )
    )
    if not left:
        return
    employers = {r.employer_id for r in left}
    # Who else, per employer, still holds one of those courses (one query).
    others = set(
        _records(association, course_id__in=required, employer_id__in=employers)
        .filter(Q(worker__end_date__isnull=True) | Q(worker__end_date__gt=today))
        .values_list("employer_id", "course_id")
    )
    reported = set()
    for record in left:
        if (record.employer_id, record.course_id) in others or record.worker_id in reported:
            continue
        reported.add(record.worker_id)
        yield n.DueReminder(
            kind=TRAINED_EMPLOYEE_LEFT.code,
            object_key=f"employers.worker:{record.worker_id}",
            deadline=record.worker.end_date,
            lead_days=0,
            title=str(_("%(worker)s has left and nobody else holds %(course)s"))
            % {"worker": record.worker.full_name, "course": record.course.name},
            employer_id=record.employer_id,
            url=n.employer_url("training:compliance", association, record.employer_id),
            context={"worker": record.worker.full_name, "course": record.course.name},
        )


def reminder_source(association, *, window_start: date, window_end: date):
    today = window_end
    yield from _expiry_reminders(association, window_start, window_end, today)
    yield from _continuing_education(association, window_start, window_end, today)
    yield from _trained_employee_left(association, window_start, window_end, today)


def calendar_events(employer, today: date) -> list[n.CalendarEvent]:
    """Training expiries, proficiency and auditor-maintenance deadlines of current workers."""
    association = employer.association
    rules = {c.code: c for c in course_rules(association)}
    current = Q(worker__end_date__isnull=True) | Q(worker__end_date__gte=today)
    events = []
    # Courses outside the catalogue have no expiry of their own (continuing education only).
    for record in _latest_per_worker_course(
        _records(association, employer=employer).filter(current, course__isnull=False)
    ):
        course = rules.get(record.course.code)
        if course is None:
            continue
        fact = record_of(record)
        url = _record_url(association, record)
        who = f"{record.worker.full_name} — {record.course.code}"
        valid_until = compliance.record_valid_until(course, fact)
        if valid_until is not None:
            events.append(
                n.CalendarEvent(
                    uid=f"training-expiry-{record.pk}",
                    summary=str(_("%(who)s expires")) % {"who": who},
                    start=valid_until,
                    url=url,
                )
            )
            if course.maintenance is not None and record.maintenance_audit_on is None:
                events.append(
                    n.CalendarEvent(
                        uid=f"training-maintenance-{record.pk}",
                        summary=str(_("%(who)s: submit the %(what)s"))
                        % {"who": who, "what": course.maintenance.name},
                        start=add_months(valid_until, -course.maintenance.submit_lead_months),
                        url=url,
                    )
                )
        deadline = compliance.proficiency_deadline(course, fact)
        if deadline is not None and record.proficiency_accepted_on is None:
            events.append(
                n.CalendarEvent(
                    uid=f"training-proficiency-{record.pk}",
                    summary=str(_("%(who)s: proficiency due")) % {"who": who},
                    start=deadline,
                    url=url,
                )
            )
    return events
