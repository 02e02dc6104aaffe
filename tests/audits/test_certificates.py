"""Issuing certificates: the pre-issue checklist, numbering, expiry, status changes, re-issue."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audits import certificates, issuing, selectors, verification
from audits.models import (
    Audit,
    Certificate,
    CertificateRevision,
    ProgramRules,
)
from employers.models import EligibilityRule, Enrollment, WCBAccount, Worker
from employers.selectors import secor_rule
from secor.models import AuditLogEntry, Notification, Role
from secor.tenancy import activate

from ..conftest import member
from ..factories import WCBAccountFactory, WorkerFactory
from .certificate_setup import passed_audit

pytestmark = pytest.mark.django_db
TODAY = date(2021, 2, 1)


def issue(audit, **kwargs):
    with activate(audit.association):
        return certificates.certificate_issue(audit=audit, actor=None, today=TODAY, **kwargs)


def _without_page_cache(callbacks):
    return [c for c in callbacks if c is not verification.forget_pages]


def blocker_codes(audit, **kwargs):
    with activate(audit.association):
        audit = Audit.objects.select_related("enrollment__program").get(pk=audit.pk)
        account = kwargs.pop("wcb_account", certificates.default_wcb_account(audit.employer))
        return [r.code for r in issuing.issue_blockers(audit, today=TODAY, wcb_account=account)]


# --- Issuing -------------------------------------------------------------------------------


def test_issuing_numbers_dates_prints_and_tells_the_employer(
    association, django_capture_on_commit_callbacks
):
    audit = passed_audit(association)
    user = member(association, Role.EMPLOYER, employer=audit.employer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate = issue(audit)
    assert certificate.number == "AMTA-SECOR-2021-00001"
    # AMTA: the certificate date is the last day on site; valid three years.
    assert (certificate.issued_on, certificate.expires_on) == (date(2021, 1, 5), date(2024, 1, 5))
    assert (certificate.status, certificate.revision, certificate.imported) == ("valid", 1, False)
    with activate(association):
        revision = CertificateRevision.objects.get(certificate=certificate)
        assert revision.legal_name == audit.employer.legal_name
        assert revision.wcb_account_number == certificate.wcb_account.account_number
        # The build ran on commit (eagerly here): the PDF slice's builder made it.
        assert revision.pdf_status == "ready" and revision.pdf_sha256
        assert AuditLogEntry.objects.filter(action="audits.certificate_issued").count() == 1
        note = Notification.objects.get(
            user=user, key=f"audits:certificate:{certificate.pk}:issued"
        )
    # The PDF build, enqueued once the issue committed (beside the verification page's).
    assert len(_without_page_cache(callbacks)) == 1
    assert revision.revision == 1
    assert "AMTA-SECOR-2021-00001" in note.body


def test_issuing_twice_returns_the_same_certificate(association):
    audit = passed_audit(association)
    first, second = issue(audit), issue(audit)
    assert first.pk == second.pk
    with activate(association):
        assert Certificate.objects.count() == 1


def test_the_checklist_is_clear_for_a_ready_audit(association):
    audit = passed_audit(association)
    with activate(association):
        checklist = issuing.issue_checklist(
            audit, today=TODAY, wcb_account=certificates.default_wcb_account(audit.employer)
        )
    assert [(c.code, c.ok) for c in checklist] == [
        ("outcome", True),
        ("training", True),
        ("eligibility", True),
        ("standing", True),
        ("wcb", True),
    ]


def test_refused_when_the_audit_did_not_pass(association):
    audit = passed_audit(association)
    with activate(association):
        audit.status = "failed"
        audit.save(update_fields=["status"])
    assert blocker_codes(audit) == ["not_passed"]
    with pytest.raises(ValidationError, match="has not passed: it is not achieved"):
        issue(audit)


def test_refused_for_a_maintenance_audit(association):
    audit = passed_audit(association)
    with activate(association):
        audit.audit_type = "maintenance"
        audit.save(update_fields=["audit_type"])
    assert blocker_codes(audit) == ["not_a_certification"]


def test_refused_when_training_was_not_compliant_at_the_audit_dates(association):
    audit = passed_audit(association)
    with activate(association):
        # The only HSSB holder left before the audit: nobody eligible holds it.
        Worker.objects.filter(pk=audit.worker.pk).update(end_date=date(2020, 12, 1))
    codes = blocker_codes(audit)
    assert codes and all(c.startswith("training:") for c in codes), codes
    with pytest.raises(ValidationError, match="On 2021-01-01: Sam Lee left on 2020-12-01"):
        issue(audit)


def test_refused_when_the_headcount_is_over_the_secor_limit(association):
    audit = passed_audit(association)
    WorkerFactory.create_batch(12, employer=audit.employer, association=association)
    assert blocker_codes(audit) == ["eligibility:over_limit"]
    with pytest.raises(ValidationError, match="SECOR allows no more than 10"):
        issue(audit)


def test_refused_when_the_secor_size_rule_is_not_set_up(association):
    audit = passed_audit(association)
    with activate(association):
        EligibilityRule.objects.all().delete()
    assert blocker_codes(audit) == ["eligibility:rule_missing"]


def test_refused_when_the_enrollment_is_not_in_good_standing(association):
    audit = passed_audit(association)
    with activate(association):
        Enrollment.objects.filter(pk=audit.enrollment_id).update(status="lapsed")
    assert blocker_codes(audit) == ["enrollment_not_certified"]


def test_refused_when_a_required_membership_has_expired(association):
    audit = passed_audit(association)
    with activate(association):
        rule = secor_rule(association)
        rule.requires_membership = True
        rule.save(update_fields=["requires_membership"])
    assert blocker_codes(audit) == ["membership_missing"]
    with activate(association):
        Enrollment.objects.filter(pk=audit.enrollment_id).update(
            membership_number="M-1", membership_expires_on=date(2021, 1, 31)
        )
    assert blocker_codes(audit) == ["membership_expired"]


def test_refused_while_a_milestone_is_not_met(association):
    from audits.models import Milestone

    audit = passed_audit(association)
    with activate(association):
        Milestone.objects.create(
            association=association,
            employer=audit.employer,
            enrollment=audit.enrollment,
            code="courses",
            label="Courses complete",
            opens_on=date(2020, 6, 1),
            due_on=date(2020, 12, 1),
        )
    assert blocker_codes(audit) == ["milestone_not_met"]


def test_refused_without_an_active_wcb_account(association):
    audit = passed_audit(association)
    with activate(association):
        account = certificates.default_wcb_account(audit.employer)
        WCBAccount.objects.filter(pk=account.pk).update(is_active=False)
        account.refresh_from_db()
    assert blocker_codes(audit) == ["wcb_missing"]
    assert blocker_codes(audit, wcb_account=account) == ["wcb_inactive"]
    with pytest.raises(ValidationError, match="no active WCB account"):
        issue(audit)


def test_refused_with_another_employers_wcb_account(association):
    audit = passed_audit(association)
    theirs = WCBAccountFactory(association=association)
    assert blocker_codes(audit, wcb_account=theirs) == ["wcb_other_employer"]


# --- Numbering and expiry ----------------------------------------------------------------


def test_numbers_follow_the_programs_pattern_in_sequence(association):
    first = passed_audit(association)
    second = passed_audit(association, employer=None)
    with activate(association):
        ProgramRules.objects.filter(program__kind="secor").update(
            certificate_number_pattern="AMTA-S-{year}-{seq:04}"
        )
    assert [issue(first).number, issue(second).number] == ["AMTA-S-2021-0001", "AMTA-S-2021-0002"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("AMTA-{year}", "needs {seq}"),
        ("{seq}-{seq.__class__}", "Only {year} and {seq}"),
        ("X-{seq}-{name}", "Only {year} and {seq}"),
    ],
)
def test_a_pattern_with_anything_but_year_and_seq_is_refused(association, pattern, message):
    audit = passed_audit(association)
    with activate(association):
        rules = ProgramRules.objects.get(program=audit.enrollment.program)
        rules.certificate_number_pattern = pattern
        with pytest.raises(ValidationError, match=message):
            rules.full_clean()


def test_an_imported_number_in_the_sequence_is_skipped(association):
    from .factories import certified

    audit = passed_audit(association)
    _, cycle = certified(association, date(2021, 6, 1), certificate=False, employer=None)
    with activate(association):
        certificates.certificate_import(cycle=cycle, number="AMTA-SECOR-2021-00001", actor=None)
    assert issue(audit).number == "AMTA-SECOR-2021-00002"


def test_leap_day_certificate_expires_on_february_28(association):
    audit = passed_audit(association, start=date(2020, 2, 25), end=date(2020, 2, 29))
    certificate = issue(audit)
    assert (certificate.issued_on, certificate.expires_on) == (date(2020, 2, 29), date(2023, 2, 28))


# Run by each of the two OS processes below: connect, say ready, wait for "go", issue.
_ISSUER = """
import sys
import time
from datetime import date
from pathlib import Path
import django
django.setup()
from audits import certificates
from audits.models import Audit
from secor.models import Association
from secor.tenancy import activate
association_id, audit_id, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
association = Association.objects.get(pk=association_id)
with activate(association):
    audit = Audit.objects.get(pk=audit_id)
    (folder / f"ready-{audit_id}").touch()
    while not (folder / "go").exists():
        time.sleep(0.001)
    number = certificates.certificate_issue(audit=audit, actor=None, today=date(2021, 2, 1)).number
print(number)
"""


@pytest.mark.django_db(transaction=True)
def test_two_admins_issuing_at_the_same_moment_get_distinct_sequential_numbers(
    association, tmp_path
):
    """Two OS processes (each its own connection) issue at the same instant."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    audits = [passed_audit(association), passed_audit(association, employer=None)]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    script = tmp_path / "issue.py"
    script.write_text(_ISSUER)
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(association.pk), str(a.pk), str(tmp_path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for a in audits
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{a.pk}").exists() for a in audits):
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        assert time.monotonic() < deadline, "the issuing processes did not start"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    numbers = [out.strip().splitlines()[-1] for out, _ in outputs]
    assert sorted(numbers) == ["AMTA-SECOR-2021-00001", "AMTA-SECOR-2021-00002"]


# --- Status changes --------------------------------------------------------------------------


def notes_for(association, user):
    with activate(association):
        return list(Notification.objects.filter(user=user).order_by("created_at"))


def test_suspend_needs_a_reason_then_reinstate_each_logged_and_notified(association):
    certificate = issue(passed_audit(association))
    user = member(association, Role.EMPLOYER, employer=certificate.employer)
    with activate(association):
        with pytest.raises(ValidationError, match="Give the reason"):
            certificates.certificate_suspend(certificate=certificate, actor=None, reason=" ")
        certificates.certificate_suspend(
            certificate=certificate, actor=None, reason="Fatality under investigation.", on=TODAY
        )
        certificates.certificate_suspend(
            certificate=certificate, actor=None, reason="again", on=TODAY
        )  # idempotent
        certificate.refresh_from_db()
        assert (certificate.status, certificate.status_reason) == (
            "suspended",
            "Fatality under investigation.",
        )
        certificates.certificate_reinstate(certificate=certificate, actor=None, on=TODAY)
        certificate.refresh_from_db()
        actions = list(
            AuditLogEntry.objects.filter(object_id=str(certificate.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )
    assert certificate.status == "valid"
    assert actions == [
        "audits.certificate_issued",
        "audits.certificate_suspended",
        "audits.certificate_valid",
    ]
    titles = [n.title for n in notes_for(association, user)]
    assert titles[-2:] == [
        f"Certificate {certificate.number}: suspended",
        f"Certificate {certificate.number}: valid",
    ]


def test_a_cancelled_certificate_cannot_be_reinstated_or_reissued(association):
    certificate = issue(passed_audit(association))
    with activate(association):
        certificates.certificate_cancel(
            certificate=certificate, actor=None, reason="Requested by the employer."
        )
        with pytest.raises(ValidationError, match="is cancelled: it cannot become valid"):
            certificates.certificate_reinstate(certificate=certificate, actor=None)
        with pytest.raises(ValidationError, match="cannot be re-issued"):
            certificates.certificate_reissue(certificate=certificate, actor=None, reason="x")


def test_recertification_supersedes_the_earlier_certificate(association):
    from audits import services

    from ..training.helpers import verified
    from .factories import audit as make_audit

    passed = passed_audit(association)
    first = issue(passed)
    verified(passed.worker, "SE", date(2022, 2, 1))  # retaken before it ran out
    with activate(association):
        recert = make_audit(
            association,
            employer=first.employer,
            audit_type="recertification",
            data_gathering_start=date(2023, 11, 1),
            data_gathering_end=date(2023, 11, 5),
            year=None,
        )
        services.scores_save(
            audit=recert,
            points=dict.fromkeys(range(1, 11), 90),
            actor=None,
            today=date(2023, 11, 5),
        )
        services.audit_record_outcome(audit=recert, decided_on=date(2023, 11, 20), actor=None)
        recert.refresh_from_db()
        second = certificates.certificate_issue(audit=recert, actor=None, today=date(2023, 12, 1))
        first.refresh_from_db()
    assert recert.cycle.recertification is True
    assert (first.status, first.status_reason) == (
        "superseded",
        f"Superseded by certificate {second.number}.",
    )
    assert second.number == "AMTA-SECOR-2023-00001"
    assert (second.issued_on, second.expires_on) == (date(2023, 11, 5), date(2026, 11, 5))


def test_reissue_keeps_the_number_and_adds_a_revision_with_the_corrected_name(
    association, django_capture_on_commit_callbacks
):
    certificate = issue(passed_audit(association))
    employer = certificate.employer
    with activate(association):
        employer.legal_name = "Prairie Hauling Corp."
        employer.save(update_fields=["legal_name"])
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            revision = certificates.certificate_reissue(
                certificate=certificate, actor=None, reason="Legal name corrected."
            )
        certificate.refresh_from_db()
        printed = list(
            CertificateRevision.objects.filter(certificate=certificate)
            .order_by("revision")
            .values_list("revision", "legal_name")
        )
    assert len(_without_page_cache(callbacks)) == 1
    assert (certificate.number, certificate.revision, revision.revision) == (
        "AMTA-SECOR-2021-00001",
        2,
        2,
    )
    assert printed[0][0] == 1 and printed[0][1] != "Prairie Hauling Corp."
    assert printed[1] == (2, "Prairie Hauling Corp.")


def test_the_daily_job_cancels_an_issued_certificate_for_missed_maintenance(association):
    from audits.jobs import apply_daily_transitions

    certificate = issue(passed_audit(association))
    with activate(association):
        assert selectors.cycle_certificate(certificate.cycle) == certificate
    # No year-2 maintenance audit by 2022-12-31 (AMTA): cancelled the next day.
    applied = apply_daily_transitions(association=association, today=date(2023, 1, 1))
    assert [a.transition.kind for a in applied] == ["cancel"]
    with activate(association):
        certificate.refresh_from_db()
    assert certificate.status == "cancelled"
    assert "No maintenance audit for year 2" in certificate.status_reason
