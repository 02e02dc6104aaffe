"""Services and selectors of the audits app against the database (the seeds' examples)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audits import selectors, services
from audits.models import Audit, AuditTool, Element, ElementScore, Milestone, ProgramRules
from audits.snapshot import rules_snapshot
from secor.models import AuditLogEntry, Program
from secor.tenancy import activate

from ..factories import WorkerFactory
from .factories import audit as make_audit
from .factories import certified, enrollment, seeded

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    return " | ".join(error.messages)


@pytest.fixture(autouse=True)
def no_training_module(monkeypatch):
    """Plan checks see a compliant training report unless a test says otherwise."""
    report = SimpleNamespace(compliant=True, verdicts=())
    monkeypatch.setattr(selectors, "training_report", lambda **kw: report)


# --- Seeds --------------------------------------------------------------------------


def test_scsa_seed_has_13_sections_and_3_supplemental(other_association):
    program = seeded(other_association, "scsa")
    with activate(other_association):
        tool = selectors.current_tool(program)
        elements = list(Element.objects.filter(tool=tool))
        rules = ProgramRules.objects.get(program=program)
    assert tool.version == 1
    assert [e.supplemental for e in elements].count(False) == 13
    assert [e.supplemental for e in elements].count(True) == 3
    assert rules.maintenance_deadline_kind == "on_or_before_anniversary"
    assert rules.maintenance_notice_days == 90
    assert rules.min_documentation_months == 6
    assert rules.reapply_wait_months == 6
    assert rules.maintenance_package == [
        ["Small Employer Certificate of Recognition Audit Tool", 1],
        ["Safe Work Practices", 2],
        ["Safe Job Procedures", 2],
    ]


def test_amta_seed_has_the_bulletins_timelines_and_pass_marks(association):
    program = seeded(association, "amta")
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
        cor = ProgramRules.objects.get(program__kind="cor")
    assert (rules.data_gathering_max_days, cor.data_gathering_max_days) == (15, 45)
    assert (rules.submission_within_days, rules.corrections_within_days) == (21, 15)
    assert rules.maintenance_deadline_kind == "calendar_year_end"
    assert rules.full_overall_min_percent == 80
    assert rules.full_element_min_percent == 50
    assert rules.maintenance_overall_min_percent == 60


def test_program_setup_seed_is_idempotent_and_keeps_admin_edits(association):
    created = services.program_setup_seed(association=association, seed_key="amta")
    assert len(created) == 2
    with activate(association):
        rules = ProgramRules.objects.get(program__kind="secor")
        services.rules_update(rules=rules, actor=None, data={"data_gathering_max_days": 20})
    assert services.program_setup_seed(association=association, seed_key="amta") == []
    with activate(association):
        assert ProgramRules.objects.get(program__kind="secor").data_gathering_max_days == 20
        assert AuditTool.objects.count() == 2


def test_unknown_seed_key_seeds_nothing(association):
    assert services.program_setup_seed(association=association, seed_key="nope") == []


# --- Cycles ---------------------------------------------------------------------------


def test_certification_last_day_on_site_2021_01_05_expires_2024_01_05(association):
    e, cycle = certified(association, date(2021, 1, 5))
    assert cycle.ends_on == date(2024, 1, 5)
    assert e.status == "certified"
    with activate(association):
        schedule = selectors.cycle_schedule_for(cycle, selectors.audit_rules_for(e))
    assert [y.maintenance_due for y in schedule.years[1:]] == [
        date(2022, 12, 31),
        date(2023, 12, 31),
    ]


def test_leap_day_certification_expires_feb_28_and_scsa_maintenance_due_feb_28(
    other_association,
):
    e, cycle = certified(other_association, date(2020, 2, 29))
    assert cycle.ends_on == date(2023, 2, 28)
    with activate(other_association):
        schedule = selectors.cycle_schedule_for(cycle, selectors.audit_rules_for(e))
    assert [y.maintenance_due for y in schedule.years[1:]] == [date(2021, 2, 28), date(2022, 2, 28)]


# --- Planning ---------------------------------------------------------------------------


def plan(e, start, end, today, **kwargs):
    kwargs.setdefault("conducted_by", "external_assessor")
    if kwargs["conducted_by"] == "external_assessor" and "assessor_worker" not in kwargs:
        kwargs["assessor_worker"] = WorkerFactory(
            employer=e.employer,
            association=e.association,
            full_name="Pat Assessor",
            employment_type="consultant",
        )
    if kwargs["conducted_by"] == "program_auditor":
        kwargs.setdefault("by_staff", True)
    if kwargs.get("documentation_from") is None:
        kwargs["documentation_from"] = date(start.year - 1, start.month, 1)
        kwargs["documentation_to"] = start - timedelta(days=1)
    with activate(e.association):
        return services.audit_plan(
            enrollment=e,
            data_gathering_start=start,
            data_gathering_end=end,
            actor=None,
            today=today,
            **kwargs,
        )


def test_plan_in_year_two_is_a_maintenance_audit_with_the_current_tool(association):
    e, cycle = certified(association)
    audit = plan(e, date(2022, 3, 1), date(2022, 3, 15), today=date(2022, 2, 1))
    assert (audit.audit_type, audit.year, audit.cycle_id) == ("maintenance", 2, cycle.pk)
    assert audit.tool.version == 1
    assert audit.rules_snapshot["data_gathering_max_days"] == 15
    with activate(association):
        assert AuditLogEntry.objects.filter(action="audits.audit_planned").count() == 1


def test_plan_with_data_gathering_of_16_days_says_it_must_end_by_the_15th(association):
    e, _ = certified(association)
    with pytest.raises(ValidationError) as error:
        plan(e, date(2022, 3, 1), date(2022, 3, 16), today=date(2022, 2, 1))
    assert (
        "Data gathering from 2022-03-01 to 2022-03-16 is 16 days; at most 15 are allowed "
        "(start and end day included), so it must end by 2022-03-15" in messages(error.value)
    )


def test_plan_with_end_before_start_is_refused_with_a_clear_message(association):
    e, _ = certified(association)
    with pytest.raises(ValidationError) as error:
        plan(e, date(2022, 3, 10), date(2022, 3, 1), today=date(2022, 2, 1))
    assert "The end date 2022-03-01 is before the start 2022-03-10." in messages(error.value)


def test_plan_outside_the_calendar_year_window_names_the_window(association):
    e, _ = certified(association)
    with pytest.raises(ValidationError) as error:
        plan(e, date(2022, 12, 25), date(2023, 1, 3), today=date(2022, 2, 1))
    assert "between 2022-01-01 and 2022-12-31" in messages(error.value)


def test_plan_after_year_two_closed_is_year_three(association):
    e, _ = certified(association)
    audit = plan(e, date(2023, 2, 1), date(2023, 2, 10), today=date(2023, 1, 15))
    assert audit.year == 3


def test_unconfirmed_registrant_cannot_plan_and_stays_waiting_for_staff(association):
    e = enrollment(association)  # registered: staff have not confirmed it
    with pytest.raises(ValidationError) as error:
        plan(e, date(2021, 1, 1), date(2021, 1, 5), today=date(2020, 12, 1))
    assert "AMTA has not confirmed your registration yet" in messages(error.value)
    e.refresh_from_db()
    assert e.status == "registered"  # still on the staff confirmation list


def test_confirmed_registrant_plans_a_certification(association):
    e = enrollment(association, status="in_progress")
    audit = plan(e, date(2021, 1, 1), date(2021, 1, 5), today=date(2020, 12, 1))
    assert (audit.audit_type, audit.year, audit.cycle) == ("certification", 1, None)
    assert (audit.documentation_from, audit.documentation_to) == (
        date(2020, 1, 1),
        date(2020, 12, 31),
    )
    with pytest.raises(ValidationError, match="already planned"):
        plan(e, date(2021, 2, 1), date(2021, 2, 5), today=date(2020, 12, 1))


def _accept_manual(e, on):
    with activate(e.association):
        services.milestones_schedule(enrollment=e, actor=None)
        manual = Milestone.objects.get(enrollment=e, code="manual")
        services.milestone_record(milestone=manual, outcome="accepted", met_on=on, actor=None)


def test_program_auditor_certification_is_a_baseline(other_association):
    e = enrollment(other_association, status="in_progress")
    _accept_manual(e, date(2020, 11, 1))
    audit = plan(
        e,
        date(2021, 1, 1),
        date(2021, 1, 5),
        today=date(2020, 12, 1),
        conducted_by="program_auditor",
        documentation_from=date(2020, 6, 1),
        documentation_to=date(2020, 12, 31),
    )
    assert audit.audit_type == "baseline"


def test_scsa_registrant_cannot_plan_its_own_baseline_audit(other_association):
    e = enrollment(other_association, status="in_progress")
    _accept_manual(e, date(2020, 11, 1))
    for by, staff in (("external_assessor", False), ("program_auditor", False)):
        with pytest.raises(ValidationError) as error:
            plan(
                e,
                date(2021, 1, 1),
                date(2021, 1, 5),
                today=date(2020, 12, 1),
                conducted_by=by,
                by_staff=staff,
            )
        text = messages(error.value)
        assert "SCSA program auditor" in text or "booked by SCSA staff" in text, text


def test_scsa_baseline_waits_for_the_manual_review_and_six_months_of_hsms(other_association):
    e = enrollment(other_association, status="in_progress")
    with activate(other_association):
        services.milestones_schedule(enrollment=e, actor=None)
    with pytest.raises(ValidationError) as error:
        plan(
            e,
            date(2021, 1, 1),
            date(2021, 1, 5),
            today=date(2020, 12, 1),
            conducted_by="program_auditor",
            documentation_from=date(2020, 9, 1),  # four months
            documentation_to=date(2020, 12, 31),
        )
    text = messages(error.value)
    assert "after the milestone “Health and Safety Manual submitted” is accepted" in text
    assert (
        "Documentation from 2020-09-01 to 2020-12-31 is not 6 months before the audit "
        "starts on 2021-01-01." in text
    )


def test_trained_assessor_who_left_before_the_start_blocks_the_plan(association):
    e, _ = certified(association)
    worker = WorkerFactory(
        employer=e.employer,
        association=association,
        start_date=date(2019, 1, 1),
        end_date=date(2022, 2, 15),
        full_name="Alex Gone",
    )
    with pytest.raises(ValidationError) as error:
        plan(
            e,
            date(2022, 3, 1),
            date(2022, 3, 10),
            today=date(2022, 2, 1),
            conducted_by="trained_assessor",
            assessor_worker=worker,
            assessor_name="",
        )
    assert "Alex Gone left on 2022-02-15" in messages(error.value)


def test_expired_assessor_training_blocks_the_plan_with_the_training_reason(
    association, monkeypatch
):
    e, _ = certified(association)
    worker = WorkerFactory(employer=e.employer, association=association)
    seen = {}

    def report(**kwargs):
        seen.update(kwargs)
        reason = SimpleNamespace(
            code="expired", message="Self-Evaluator training expired on 2022-01-10."
        )
        return SimpleNamespace(
            compliant=False,
            verdicts=(SimpleNamespace(met=False, reasons=(reason,), requirement=None),),
        )

    monkeypatch.setattr(selectors, "training_report", report)
    with pytest.raises(ValidationError) as error:
        plan(
            e,
            date(2022, 3, 1),
            date(2022, 3, 10),
            today=date(2022, 2, 1),
            conducted_by="trained_assessor",
            assessor_worker=worker,
        )
    assert "Self-Evaluator training expired on 2022-01-10." in messages(error.value)
    assert seen["as_of"] == date(2022, 3, 1)  # valid on the first day of data gathering
    assert seen["assessor_worker"] == worker


def test_plan_check_always_runs_the_training_check(association, monkeypatch):
    # Training is a hard dependency: there is no "plan without the check" path.
    monkeypatch.undo()  # the real training_report
    e, _ = certified(association)
    with activate(association):
        check = selectors.plan_check(
            enrollment=e,
            start=date(2022, 3, 1),
            end=date(2022, 3, 10),
            conducted_by="external_assessor",
            assessor_name="Pat",
            today=date(2022, 2, 1),
        )
    assert check.training_checked
    assert not any(n.startswith("Training check unavailable") for n in check.notes)


def test_closed_enrollment_cannot_plan(association):
    e = enrollment(association, status="derolled")
    with pytest.raises(ValidationError, match="de-rolled"):
        plan(e, date(2021, 1, 1), date(2021, 1, 5), today=date(2020, 12, 1))


# --- A rule edited mid-cycle ----------------------------------------------------------------


def test_rule_edit_and_new_tool_mid_cycle_leave_a_started_audit_as_it_was(association):
    e, cycle = certified(association)
    started = plan(e, date(2022, 3, 1), date(2022, 3, 15), today=date(2022, 2, 1))
    with activate(association):
        rules = ProgramRules.objects.get(program=e.program)
        services.rules_update(
            rules=rules,
            actor=None,
            data={
                "data_gathering_max_days": 10,
                "maintenance_deadline_kind": "fixed_month_day",
                "maintenance_fixed_month": 11,
                "maintenance_fixed_day": 30,
                "maintenance_overall_min_percent": Decimal(70),
            },
        )
        draft = services.tool_create_draft(program=e.program, actor=None)
        services.tool_publish_version(tool=draft, actor=None)
        # The started audit may still gather data for 15 days, under tool v1 and 60 %.
        moved = services.audit_update_dates(
            audit=started,
            data_gathering_start=date(2022, 4, 1),
            data_gathering_end=date(2022, 4, 15),
            actor=None,
            today=date(2022, 2, 1),
        )
        assert moved.tool.version == 1
        assert selectors.audit_pass_marks(moved).overall_min_percent == 60
        schedule = selectors.cycle_schedule_for(cycle, selectors.audit_rules_for(e))
    # Year 2 keeps its Dec 31 window; year 3, not started, follows the new Nov 30 rule.
    assert schedule.years[1].maintenance_due == date(2022, 12, 31)
    assert schedule.years[2].maintenance_due == date(2023, 11, 30)
    # A new audit (year 3) gets the new rules and tool v2.
    year3 = plan(e, date(2023, 2, 1), date(2023, 2, 10), today=date(2023, 1, 15))
    assert (year3.tool.version, year3.rules_snapshot["data_gathering_max_days"]) == (2, 10)


# --- Scores ------------------------------------------------------------------------------


def test_scores_above_the_maximum_negative_or_not_numbers_are_refused(association):
    audit = make_audit(association)
    with activate(association), pytest.raises(ValidationError) as error:
        services.scores_save(audit=audit, points={1: 101, 2: -1, 3: "lots", 99: 5}, actor=None)
    text = messages(error.value)
    assert "Element 1 scored 101 of at most 100.00 points." in text
    assert "Element 2 scored -1 points." in text
    assert "Element 3: “lots” is not a number." in text
    assert "Element 99 is not in this audit tool." in text
    with activate(association):
        assert not ElementScore.objects.exists()


def test_scores_save_and_report_the_pass_preview(association):
    audit = make_audit(association)
    with activate(association):
        result = services.scores_save(
            audit=audit, points=dict.fromkeys(range(1, 11), 90) | {4: 40}, actor=None
        )
        audit.refresh_from_db()
    assert result.overall_display == Decimal("85.0")
    assert not result.passed  # element 4 below the 50 % per-element minimum
    assert audit.overall_percent == Decimal("85.000")


def test_database_refuses_points_above_the_maximum_and_negative(association):
    audit = make_audit(association)
    with activate(association):
        element = Element.objects.filter(tool=audit.tool).first()
    for points in (Decimal(101), Decimal(-1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ElementScore.objects.create(
                association=association,
                audit=audit,
                element=element,
                points=points,
                max_points=element.max_points,
            )


def test_database_refuses_an_audit_ending_before_it_starts(association):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_audit(
            association, data_gathering_start=date(2021, 2, 1), data_gathering_end=date(2021, 1, 1)
        )


def test_decided_certification_opens_a_cycle_on_the_last_day_on_site(association):
    audit = make_audit(association)
    with activate(association):
        services.scores_save(audit=audit, points=dict.fromkeys(range(1, 11), 85), actor=None)
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 2, 1), actor=None)
        audit.refresh_from_db()
    assert audit.status == "passed"
    assert audit.cycle.certification_date == date(2021, 1, 5)
    assert audit.cycle.ends_on == date(2024, 1, 5)


def test_new_maintenance_audit_starts_with_no_scores_from_last_year(association):
    e, cycle = certified(association)
    with activate(association):
        last_year = Audit.objects.create(
            association=association,
            employer=e.employer,
            enrollment=e,
            cycle=cycle,
            year=1,
            audit_type="certification",
            conducted_by="external_assessor",
            assessor_name="Pat",
            data_gathering_start=date(2021, 1, 1),
            data_gathering_end=date(2021, 1, 5),
            tool=selectors.current_tool(e.program),
            status="received",
            rules_snapshot=rules_snapshot(ProgramRules.objects.get(program=e.program)),
        )
        services.scores_save(audit=last_year, points=dict.fromkeys(range(1, 11), 80), actor=None)
        services.audit_record_outcome(audit=last_year, decided_on=date(2021, 2, 1), actor=None)
        draft = services.tool_create_draft(program=e.program, actor=None)
        rows = [
            {
                "number": el.number,
                "name": el.name,
                "max_points": 50 if el.number == 3 else el.max_points,
            }
            for el in Element.objects.filter(tool=draft)
        ]
        services.tool_update_elements(tool=draft, actor=None, elements=rows)
        services.tool_publish_version(tool=draft, actor=None)
    audit = plan(e, date(2022, 3, 1), date(2022, 3, 10), today=date(2022, 2, 1))
    with activate(association):
        carried = dict(
            ElementScore.objects.filter(audit=audit).values_list("element__number", "points")
        )
    assert audit.tool.version == 2
    assert carried == {}  # nobody has scored it: no "85 % meets the pass marks"
    with activate(association):
        assert selectors.audit_points(audit) == {}


# --- Tools --------------------------------------------------------------------------------


def test_tool_with_duplicate_element_numbers_is_refused(association):
    program = seeded(association)
    with activate(association):
        draft = services.tool_create_draft(program=program, actor=None)
        rows = [
            {"number": 1, "name": "Policy", "max_points": 10},
            {"number": 1, "name": "Hazards", "max_points": 10},
        ]
        with pytest.raises(ValidationError, match="Element 1 appears 2 times."):
            services.tool_update_elements(tool=draft, actor=None, elements=rows)


def test_published_tool_cannot_be_edited_and_publishing_makes_it_current(association):
    program = seeded(association)
    with activate(association):
        v1 = selectors.current_tool(program)
        with pytest.raises(ValidationError, match="published and cannot change"):
            services.tool_update_elements(tool=v1, actor=None, elements=[])
        draft = services.tool_create_draft(program=program, actor=None)
        assert (draft.version, draft.elements.count()) == (2, 10)
        with pytest.raises(ValidationError, match="already has a draft"):
            services.tool_create_draft(program=program, actor=None)
        services.tool_publish_version(tool=draft, actor=None)
        assert selectors.current_tool(program).version == 2
        assert Program.objects.get(pk=program.pk)  # still scoped, still there


def test_rules_with_a_fixed_deadline_need_a_month_and_day(association):
    program = seeded(association)
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
        with pytest.raises(ValidationError) as refused:
            services.rules_update(
                rules=rules, actor=None, data={"maintenance_deadline_kind": "fixed_month_day"}
            )
    # Refused on the field, in words (not a code name).
    assert refused.value.message_dict == {
        "maintenance_fixed_month": ["Choose the month of the fixed deadline."]
    }


# --- With the real training module ------------------------------------------------------


@pytest.mark.parametrize(
    ("self_evaluator_on", "blocked"),
    [(date(2020, 3, 2), False), (date(2019, 2, 28), True)],
    ids=["valid-three-years", "expired-before-the-start"],
)
def test_plan_checks_the_assessors_training_on_the_first_day_of_data_gathering(
    association, monkeypatch, self_evaluator_on, blocked
):
    from .training_setup import amta_trained_assessor

    monkeypatch.undo()  # the real training.selectors.compliance_for
    e, _ = certified(association)
    worker = amta_trained_assessor(e.employer, self_evaluator_on=self_evaluator_on)
    with activate(association):
        check = selectors.plan_check(
            enrollment=e,
            start=date(2022, 3, 1),
            end=date(2022, 3, 10),
            conducted_by="trained_assessor",
            assessor_worker=worker,
            today=date(2022, 2, 1),
        )
    assert check.training_checked
    assert bool(check.blockers) is blocked, [r.message for r in check.blockers]
    if blocked:
        assert all(r.code.startswith("training:") for r in check.blockers)


def test_scores_of_a_decided_audit_can_no_longer_change(association):
    audit = make_audit(association)
    with activate(association):
        services.scores_save(audit=audit, points=dict.fromkeys(range(1, 11), 85), actor=None)
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 2, 1), actor=None)
        with pytest.raises(ValidationError, match="passed: its scores can no longer change"):
            services.scores_save(audit=audit, points={1: 10}, actor=None)


@pytest.mark.parametrize(
    ("received_at", "late"),
    [
        # 23:30 on the due date in Edmonton (MDT, UTC-6) is already the next day in UTC.
        (datetime(2021, 3, 23, 5, 30, tzinfo=UTC), False),
        (datetime(2021, 3, 23, 6, 0, tzinfo=UTC), True),  # 00:00 the day after, local
    ],
    ids=["edmonton-23-30-on-the-due-date", "edmonton-midnight-after"],
)
def test_audit_received_at_2330_edmonton_on_the_due_date_is_on_time(association, received_at, late):
    audit = make_audit(
        association, data_gathering_start=date(2021, 2, 20), data_gathering_end=date(2021, 3, 1)
    )  # report due 2021-03-22
    with activate(association):
        services.audit_mark_received(audit=audit, received_at=received_at, actor=None)
        entry = AuditLogEntry.objects.get(action="audits.audit_received")
    audit.refresh_from_db()
    assert audit.received_on == (date(2021, 3, 23) if late else date(2021, 3, 22))
    assert entry.data["late"] is late
