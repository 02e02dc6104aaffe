"""What would void an audit, checked before it is planned (pure: dates and values in).

docs/rules.md#reading-planning-checks: planning an audit checks eligibility (the size
limit), good standing (a current membership where the association requires one), the
named assessor's own training on the start date, SCSA's baseline conditions (an SCSA
program auditor conducts it, after the manual review and at least 6 months of HSMS),
the documentation the employer confirms, and that only staff confirm a registration.

Each function returns typed reasons (``secor.reasons.Reason``); an empty list means
the check passes. Messages are templates (``gettext_noop``) rendered at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from secor.dates import add_months
from secor.reasons import Reason, gettext_noop

TRAINED_ASSESSOR = "trained_assessor"
EXTERNAL_ASSESSOR = "external_assessor"
PROGRAM_AUDITOR = "program_auditor"


def registration_reasons(*, confirmed: bool, association: str) -> list[Reason]:
    """Only association staff confirm a registration; an unconfirmed employer cannot plan.

    docs/rules.md#reading-planning-checks: "Only association staff confirm a registration."
    """
    if confirmed:
        return []
    return [
        Reason.from_template(
            "registration_unconfirmed",
            gettext_noop(
                "{association} has not confirmed your registration yet: an audit can be "
                "planned once program staff have confirmed it."
            ),
            {"association": association},
        )
    ]


@dataclass(frozen=True)
class Membership:
    """The association membership an enrollment holds (ACSA: good standing)."""

    required: bool
    number: str = ""
    expires_on: date | None = None

    def current_on(self, day: date) -> bool:
        return bool(self.number.strip()) and self.expires_on is not None and self.expires_on >= day


def membership_reasons(membership: Membership, *, on: date, association: str) -> list[Reason]:
    """A current membership on ``on`` where the association requires one.

    docs/rules.md#acsa-prerequisites: "A current ACSA membership (good standing)." The
    caller picks the day that matters: the audit's first day (or today, if later) when
    planning, the day of submission, the issue date of the certificate.
    """
    if not membership.required or membership.current_on(on):
        return []
    fields = {"association": association, "on": on, "expires_on": membership.expires_on}
    if not membership.number.strip() or membership.expires_on is None:
        return [
            Reason.from_template(
                "membership_missing",
                gettext_noop(
                    "{association} requires a current membership, and none is on file: "
                    "renew or record the membership first."
                ),
                fields,
            )
        ]
    return [
        Reason.from_template(
            "membership_expired",
            gettext_noop(
                "Your {association} membership expired on {expires_on}; it must be current "
                "on {on}. Renew the membership first."
            ),
            fields,
        )
    ]


def size_limit_reasons(
    *, applies: bool, eligible: bool, why: list[str], apply_instead: str
) -> list[Reason]:
    """An employer over the SECOR size limit cannot plan a SECOR audit.

    docs/rules.md#acsa-size-limit: "If you have more than 10, you will need to apply for a
    Certificate of Recognition (COR) instead"; docs/rules.md#scsa-size-limit (10 or more →
    COR). ``why`` are the eligibility verdict's own blocking messages.
    """
    if not applies or eligible:
        return []
    return [
        Reason.from_template(
            "over_size_limit",
            gettext_noop("This employer is over the SECOR size limit: {why} Apply for {cor}."),
            {"why": " ".join(why), "cor": apply_instead},
        )
    ]


def documentation_reasons(
    *,
    months: int,
    window_months: int | None,
    starts_on: date | None,
    ends_on: date | None,
    audit_start: date,
) -> list[Reason]:
    """The health and safety documentation the employer confirms, long enough before the start.

    docs/rules.md#amta-minimum-documentation: "At least three months of documentation
    within a 12-month period"; docs/rules.md#scsa-hsms-six-months: "at least 6 months (6
    months of recent, thorough Saskatchewan documentation) before the audit step".
    Only the part of ``starts_on``..``ends_on`` inside the window before the audit start
    counts (the whole of it up to the start without a window).
    """
    if not months:
        return []
    fields = {"months": months, "window": window_months or "", "start": audit_start}
    if starts_on is None or ends_on is None:
        return [
            Reason.from_template(
                "documentation_unconfirmed",
                gettext_noop(
                    "Confirm the dates of your health and safety documentation: at least "
                    "{months} months are needed before the audit starts."
                ),
                fields,
            )
        ]
    if ends_on < starts_on:
        return [
            Reason.from_template(
                "documentation_dates_reversed",
                gettext_noop("The documentation cannot end ({end}) before it starts ({begin})."),
                {"begin": starts_on, "end": ends_on},
            )
        ]
    counted_from = starts_on
    if window_months:
        counted_from = max(starts_on, add_months(audit_start, -window_months))
    counted_to = min(ends_on, audit_start - timedelta(days=1))
    fields.update(begin=starts_on, end=ends_on)
    if counted_to >= counted_from and add_months(counted_from, months) <= counted_to + timedelta(
        days=1
    ):
        return []
    template = (
        gettext_noop(
            "Documentation from {begin} to {end} is not {months} months within the "
            "{window} months before the audit starts on {start}."
        )
        if window_months
        else gettext_noop(
            "Documentation from {begin} to {end} is not {months} months before the audit "
            "starts on {start}."
        )
    )
    return [Reason.from_template("documentation_too_short", template, fields)]


def conductor_reasons(
    *,
    conducted_by: str,
    certification: bool,
    program_auditor_only: bool,
    by_staff: bool,
    association: str,
) -> list[Reason]:
    """Who may conduct the audit, and who may plan an audit an association auditor conducts.

    docs/rules.md#scsa-external-audit: the baseline audit is "conducted by an SCSA
    program auditor": with ``program_auditor_only`` the employer cannot plan its own
    certification audit. An association program auditor's audit is booked by staff.
    """
    reasons = []
    if certification and program_auditor_only and conducted_by != PROGRAM_AUDITOR:
        reasons.append(
            Reason.from_template(
                "baseline_by_program_auditor",
                gettext_noop(
                    "The baseline (certification) audit is conducted by an {association} "
                    "program auditor: the employer cannot conduct its own. Ask "
                    "{association} to book it."
                ),
                {"association": association},
            )
        )
    if conducted_by == PROGRAM_AUDITOR and not by_staff:
        reasons.append(
            Reason.from_template(
                "program_auditor_booked_by_staff",
                gettext_noop(
                    "An audit by an {association} program auditor is booked by "
                    "{association} staff: ask them to book it."
                ),
                {"association": association},
            )
        )
    return reasons


def baseline_milestone_reasons(
    *, milestone_label: str, accepted_on: date | None, audit_start: date
) -> list[Reason]:
    """SCSA: the baseline audit comes after the manual review (its milestone accepted).

    docs/rules.md#scsa-baseline-request: "After the manual review SCSA provides a Site
    Assessment Form and a SECOR Audit Compliance Declaration Form".
    """
    if accepted_on is not None and accepted_on <= audit_start:
        return []
    return [
        Reason.from_template(
            "baseline_before_manual_review",
            gettext_noop(
                "The baseline audit comes after the milestone “{milestone}” is accepted; it "
                "is not accepted yet."
            ),
            {"milestone": milestone_label},
        )
    ]


@dataclass(frozen=True)
class Candidate:
    """A person who might conduct the audit."""

    name: str
    employment_status: str  # compared with the statuses that may hold the course
    province: str
    start_date: date
    end_date: date | None


def assessor_reasons(
    person: Candidate, *, on: date, holder_types: frozenset[str] | None, province: str | None
) -> list[Reason]:
    """The employer's own assessor: on the roster on ``on`` and able to hold the course.

    docs/rules.md#amta-trained-employee-leaves (a replacement is trained before the next
    audit starts); docs/rules.md#scsa-trained-employee ("Consultants, subcontractors,
    part-time and casual employees are excluded"). ``holder_types`` None: anyone.
    """
    fields = {"name": person.name, "end": person.end_date, "start": person.start_date, "on": on}
    if person.end_date is not None and person.end_date < on:
        return [
            Reason.from_template(
                "assessor_left",
                gettext_noop(
                    "{name} left on {end}, before the audit starts: a replacement must be "
                    "trained before the next audit."
                ),
                fields,
            )
        ]
    if person.start_date > on:
        return [
            Reason.from_template(
                "assessor_not_yet_employed",
                gettext_noop("{name} starts on {start}, after the audit starts on {on}."),
                fields,
            )
        ]
    if holder_types is not None and person.employment_status not in holder_types:
        return [
            Reason.from_template(
                "assessor_cannot_hold_course",
                gettext_noop(
                    "{name} cannot be the trained assessor: the training is held by "
                    "full-time employees or owners, not subcontractors, consultants or "
                    "part-time workers."
                ),
                fields,
            )
        ]
    if province and (person.province or "").upper() not in ("", province.upper()):
        return [
            Reason.from_template(
                "assessor_outside_province",
                gettext_noop("{name} does not work in {province}."),
                {**fields, "province": province},
            )
        ]
    return []


def can_be_assessor(
    person: Candidate, *, on: date, holder_types: frozenset[str] | None, province: str | None
) -> bool:
    """Whether to offer ``person`` as the trained assessor at all (the form's choices)."""
    return not assessor_reasons(person, on=on, holder_types=holder_types, province=province)


def past_audit_reasons(
    *, end: date, submission_due: date | None, today: date, by_staff: bool
) -> list[Reason]:
    """An audit whose report was due before today can never be planned: it is history.

    Staff record it as a historic audit (docs/rules.md#reading-existing-holders); an
    employer asks the association to.
    """
    cut_off = submission_due if submission_due is not None else end
    if cut_off >= today:
        return []
    template = (
        gettext_noop(
            "An audit ending {end} had to be received by {due}: it can no longer be "
            "planned. To record an audit that already took place, enter it as a historic "
            "audit."
        )
        if by_staff
        else gettext_noop(
            "An audit ending {end} had to be received by {due}: it can no longer be "
            "planned. If it already took place, ask the association to record it."
        )
    )
    return [
        Reason.from_template("submission_window_passed", template, {"end": end, "due": cut_off})
    ]
