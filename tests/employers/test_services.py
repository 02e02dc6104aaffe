"""Employer services: one action each, validated, audited, all-or-nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from employers import selectors, services
from employers.models import (
    EligibilityRule,
    EligibilityStatus,
    Employer,
    Enrollment,
    EnrollmentStatus,
    HeadcountDeclaration,
    WCBAccount,
    Worker,
)
from secor.dates import association_today
from secor.models import AuditLogEntry, Membership, Program, Role
from secor.tenancy import activate

from ..factories import EmployerFactory, UserFactory, WCBAccountFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def counts(**given):
    return {"owner": 0, "full_time_permanent": 0, **given}


def test_rules_are_seeded_per_association_from_the_seeds(amta, scsa):
    amta_rule = selectors.secor_rule(amta)
    scsa_rule = selectors.secor_rule(scsa)
    assert (amta_rule.limit, amta_rule.province, amta_rule.general_contractor_rule) == (
        10,
        "",
        False,
    )
    assert (scsa_rule.limit, scsa_rule.province, scsa_rule.general_contractor_rule) == (
        9,
        "SK",
        True,
    )
    assert "subcontractor" in scsa_rule.counted_statuses
    assert "subcontractor" not in amta_rule.counted_statuses
    assert (
        scsa_rule.counted_roles
        == amta_rule.counted_roles
        == [
            "owner",
            "manager",
            "clerical",
            "family_member",
            "other",
        ]
    )
    # Seeding twice changes nothing.
    services.rules_ensure(association=amta)
    assert EligibilityRule.objects.for_association(amta).count() == 1


def test_an_association_without_a_secor_program_gets_no_rule_and_no_verdict(association):
    employer = EmployerFactory(association=association)
    with activate(association):
        assert selectors.secor_rule(association) is None
        assert selectors.employer_eligibility(employer=employer) is None


def test_register_creates_employer_account_enrollment_and_membership(amta):
    user = UserFactory()
    employer = services.employer_register(
        user=user, association=amta, legal_name="New Co Ltd.", account_number=" 123 456 "
    )
    with activate(amta):
        account = WCBAccount.objects.get(employer=employer)
        assert (account.board, account.account_number) == ("WCB-Alberta", "123456")
        enrollment = Enrollment.objects.get(employer=employer)
        assert enrollment.status == EnrollmentStatus.REGISTERED
        assert enrollment.program.kind == "secor"
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.employer) == (Role.EMPLOYER, employer)
        assert AuditLogEntry.objects.filter(action="employer.register").count() == 1
        assert employer.history.first().history_user == user


@time_machine.travel(datetime(2025, 1, 1, 6, 30, tzinfo=ZoneInfo("UTC")), tick=False)
def test_registration_date_is_the_associations_local_date(amta):
    # 06:30 UTC on Jan 1 is still Dec 31 in Edmonton.
    employer = services.employer_register(
        user=UserFactory(), association=amta, legal_name="Late Co", account_number="1"
    )
    with activate(amta):
        assert Enrollment.objects.get(employer=employer).registered_on == date(2024, 12, 31)


def test_duplicate_wcb_account_is_refused_with_a_message_and_nothing_is_saved(amta):
    WCBAccountFactory(employer=EmployerFactory(association=amta), account_number="777")
    with pytest.raises(ValidationError) as error:
        services.employer_register(
            user=UserFactory(), association=amta, legal_name="Copycat", account_number="7 77"
        )
    assert "already registered" in error.value.message_dict["account_number"][0]
    with activate(amta):
        assert not Employer.objects.filter(legal_name="Copycat").exists()
        assert Membership.objects.filter(role=Role.EMPLOYER).count() == 0


def test_adding_a_duplicate_wcb_account_to_another_employer_is_refused(amta, employer):
    WCBAccountFactory(employer=EmployerFactory(association=amta), account_number="555")
    with pytest.raises(ValidationError) as error:
        services.wcb_account_add(
            employer=employer, actor=None, board="wcb-alberta", account_number="555"
        )
    assert "account_number" in error.value.message_dict
    with activate(amta):
        assert not employer.wcb_accounts.exists()


def test_the_same_number_with_another_association_is_fine(amta, scsa, employer):
    WCBAccountFactory(employer=EmployerFactory(association=scsa), account_number="555")
    services.wcb_account_add(
        employer=employer, actor=None, board="WCB-Alberta", account_number="555"
    )


def test_worker_end_date_before_start_date_is_refused(amta, employer):
    with pytest.raises(ValidationError) as error:
        services.worker_add(
            employer=employer,
            actor=None,
            full_name="Backwards",
            employment_status="casual",
            start_date=date(2025, 5, 1),
            end_date=date(2025, 4, 30),
        )
    assert "before the start date" in str(error.value)
    with activate(amta):
        assert not Worker.objects.exists()


def person(n, **fields):
    return {
        "full_name": f"Person {n}",
        "role": "other",
        "employment_status": "full_time_permanent",
        "start_date": date(2020, 1, 1),
        **fields,
    }


def test_a_whole_roster_is_added_with_history_audit_and_one_verdict(amta, alice, employer):
    added = services.roster_add(
        employer=employer, actor=alice, workers=[person(n) for n in range(11)]
    )
    assert [w.full_name for w in added] == [f"Person {n}" for n in range(11)]
    employer.refresh_from_db()
    assert (employer.eligibility_status, employer.eligibility_peak) == (
        EligibilityStatus.NOT_ELIGIBLE,
        11,
    )
    with activate(amta):
        assert AuditLogEntry.objects.filter(action="worker.add", actor=alice).count() == 11
        history = Worker.history.filter(employer_id=employer.pk)
        assert history.count() == 11
        assert {(h.history_user, h.history_change_reason) for h in history} == {
            (alice, "Added to roster")
        }


def test_one_bad_row_refuses_the_whole_roster(amta, employer):
    with pytest.raises(ValidationError) as error:
        services.roster_add(
            employer=employer,
            actor=None,
            workers=[person(1), person(2, end_date=date(2019, 1, 1)), person(3)],
        )
    assert "before the start date" in str(error.value)
    with activate(amta):
        assert not Worker.objects.exists()
        assert not AuditLogEntry.objects.filter(action="worker.add").exists()


def test_adding_a_roster_redoes_the_verdict_once_not_per_person(amta, employer):
    services.roster_add(employer=employer, actor=None, workers=[person(0)])  # rule seeded
    with CaptureQueriesContext(connection) as one:
        services.roster_add(employer=employer, actor=None, workers=[person(1)])
    with CaptureQueriesContext(connection) as ten:
        services.roster_add(employer=employer, actor=None, workers=[person(n) for n in range(10)])
    verdict_writes = [q for q in ten.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(verdict_writes) == 1 and "eligibility_status" in verdict_writes[0]["sql"]
    # Per person: the end-after-start check (in a savepoint) and the audit row.
    assert len(ten) - len(one) <= 9 * 4, "\n".join(q["sql"] for q in ten.captured_queries)


def test_ending_employment_before_it_started_is_refused(amta, employer):
    worker = WorkerFactory(employer=employer, start_date=date(2025, 5, 1))
    with pytest.raises(ValidationError):
        services.worker_end_employment(worker=worker, actor=None, end_date=date(2025, 1, 1))
    worker.refresh_from_db()
    assert worker.end_date is None


def test_negative_headcount_is_refused_and_nothing_saved(amta, employer):
    with pytest.raises(ValidationError) as error:
        services.headcount_declare(
            employer=employer,
            actor=None,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            counts=counts(owner=1, casual=-2),
        )
    assert "casual" in error.value.message_dict
    with activate(amta):
        assert not HeadcountDeclaration.objects.exists()


def test_headcount_period_ending_before_it_starts_is_refused(amta, employer):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.headcount_declare(
            employer=employer,
            actor=None,
            period_start=date(2025, 2, 1),
            period_end=date(2025, 1, 31),
            counts=counts(owner=1),
        )


def test_roster_changes_refresh_the_cached_verdict(amta, employer):
    today = association_today(amta)
    services.worker_add(
        employer=employer,
        actor=None,
        full_name="Owner",
        role="owner",
        employment_status="full_time_permanent",
        start_date=date(2020, 1, 1),
    )
    employer.refresh_from_db()
    assert employer.eligibility_status == EligibilityStatus.ELIGIBLE
    assert (employer.eligibility_peak, employer.eligibility_assessed_on) == (1, today)
    services.headcount_declare(
        employer=employer,
        actor=None,
        period_start=today,
        period_end=today,
        counts=counts(full_time_permanent=11),
    )
    employer.refresh_from_db()
    assert employer.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    # The declared people are not on the roster: the owner plus 11 declared.
    assert employer.eligibility_peak == 12


def test_changing_the_rule_redoes_every_verdict(amta, staff, employer):
    today = association_today(amta)
    services.headcount_declare(
        employer=employer,
        actor=None,
        period_start=today,
        period_end=today,
        counts=counts(full_time_permanent=8),
    )
    rule = selectors.secor_rule(amta)
    services.eligibility_rule_update(rule=rule, actor=staff, limit=7)
    employer.refresh_from_db()
    assert employer.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    with activate(amta):
        assert AuditLogEntry.objects.filter(action="eligibility_rule.update").exists()


def test_stale_verdicts_are_redone_when_the_day_changes(amta, employer):
    with time_machine.travel(datetime(2024, 6, 1, 18, tzinfo=ZoneInfo("UTC")), tick=False):
        services.headcount_declare(
            employer=employer,
            actor=None,
            period_start=date(2024, 6, 1),
            period_end=date(2024, 6, 1),
            counts=counts(full_time_permanent=12),
        )
        employer.refresh_from_db()
        assert employer.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    # 12 months and a day later the peak has left the window.
    with time_machine.travel(datetime(2025, 6, 2, 18, tzinfo=ZoneInfo("UTC")), tick=False):
        assert services.eligibility_refresh(association=amta, stale_only=True) == 1
        employer.refresh_from_db()
        assert employer.eligibility_status == EligibilityStatus.NO_DATA
        assert services.eligibility_refresh(association=amta, stale_only=True) == 0


def test_confirming_a_registration_moves_it_to_in_progress(amta, staff):
    employer = services.employer_register(
        user=UserFactory(), association=amta, legal_name="Waiting Co", account_number="42"
    )
    with activate(amta):
        enrollment = employer.enrollments.get()
    services.enrollment_confirm(enrollment=enrollment, actor=staff)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    assert enrollment.confirmed_by == staff
    with pytest.raises(ValidationError, match="already in progress"):
        services.enrollment_confirm(enrollment=enrollment, actor=staff)


def test_acsa_requires_a_membership_number_to_confirm(db, staff):
    from ..factories import AssociationFactory
    from .conftest import add_programs

    acsa = add_programs(AssociationFactory(short_name="ACSA", slug="acsa"))
    employer = services.employer_register(
        user=UserFactory(), association=acsa, legal_name="Builder Co", account_number="9"
    )
    with activate(acsa):
        enrollment = employer.enrollments.get()
    with pytest.raises(ValidationError) as error:
        services.enrollment_confirm(enrollment=enrollment, actor=staff)
    assert set(error.value.message_dict) == {"membership_number", "membership_expires_on"}
    services.enrollment_confirm(
        enrollment=enrollment,
        actor=staff,
        membership_number="M-1",
        membership_expires_on=date(2026, 3, 31),
    )
    enrollment.refresh_from_db()
    assert enrollment.membership_number == "M-1"


def test_a_derolment_reapply_date_defaults_to_the_wait_and_is_never_earlier(amta, staff, employer):
    from secor.dates import association_today

    from ..factories import EnrollmentFactory

    today = association_today(amta)
    enrollment = EnrollmentFactory(employer=employer)
    with pytest.raises(ValidationError, match="apply again"):
        services.enrollment_set_status(
            enrollment=enrollment,
            actor=staff,
            status="derolled",
            reapply_on=today - timedelta(days=1),
        )
    # No program rules: no wait, so the employer may apply again from today.
    services.enrollment_set_status(enrollment=enrollment, actor=staff, status="derolled")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.reapply_on) == ("derolled", today)


def test_invite_colleague_creates_an_employer_invitation(amta, alice, employer, mailoutbox):
    invitation = services.employer_invite_colleague(
        employer=employer, email="Bob@Example.com", actor=alice
    )
    assert (invitation.role, invitation.employer, invitation.email) == (
        Role.EMPLOYER,
        employer,
        "bob@example.com",
    )


def test_an_edit_records_the_changed_fields_and_an_edit_changing_nothing_records_nothing(
    amta, alice, employer
):
    def rows():
        with activate(amta):
            return list(AuditLogEntry.objects.filter(action="employer.update"))

    services.employer_update(
        employer=employer, actor=alice, legal_name="Alice Freight Ltd.", city="Red Deer"
    )
    [row] = rows()
    assert row.summary == "Company profile of Alice Freight Ltd. changed (legal_name, city)"
    assert (row.actor, row.data) == (alice, {"changed": ["legal_name", "city"]})
    with activate(amta):
        versions = employer.history.count()
    services.employer_update(employer=employer, actor=alice, city="Red Deer")
    assert len(rows()) == 1
    with activate(amta):
        assert employer.history.count() == versions
        assert employer.history.first().history_change_reason == "Profile edited"


def test_the_audit_trail_says_who_changed_what(amta, alice, employer):
    worker = services.worker_add(
        employer=employer,
        actor=alice,
        full_name="Pat",
        employment_status="casual",
        start_date=date(2024, 1, 1),
    )
    services.worker_update(worker=worker, actor=alice, employment_status="part_time")
    with activate(amta):
        history = selectors.employer_history(employer)
    change = history[0]
    assert change.who == alice.full_name
    assert change.action == "changed"
    assert [(c.field, c.old, c.new) for c in change.changes] == [
        ("employment status", "Casual", "Part-time")
    ]
    assert history[1].action == "created"


def test_employer_programs_missing_program_is_refused(amta):
    with scopes_disabled():
        Program.objects.filter(association=amta, kind="cor").delete()
    with pytest.raises(ValidationError, match="does not run"):
        services.employer_register(
            user=UserFactory(),
            association=amta,
            legal_name="COR Co",
            account_number="3",
            program_kind="cor",
        )


def test_the_invited_colleague_becomes_a_user_of_the_same_employer(amta, alice, employer):
    from secor import services as secor_services

    invitation = services.employer_invite_colleague(
        employer=employer, email="bob@example.com", actor=alice
    )
    # Only the token's hash is stored: give the invitation a token this test knows.
    token, token_hash = invitation.new_token()
    with scopes_disabled():
        type(invitation).objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    bob = UserFactory(email="bob@example.com")
    membership = secor_services.invitation_accept(token=token, user=bob)
    assert (membership.role, membership.employer) == (Role.EMPLOYER, employer)
