"""Bringing in today's certificate holders from CSV, and one past audit entered by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audits import certificates, selectors, services
from audits.holders import MAX_ROWS, HoldersRefused, parse_holders_csv
from audits.models import Audit, AuditCycle, Certificate
from employers.models import Employer, Enrollment, WCBAccount
from secor.models import AuditLogEntry
from secor.tenancy import activate

from .factories import enrollment, seeded

pytestmark = pytest.mark.django_db
TODAY = date(2022, 6, 1)
HEADER = "legal_name,wcb_account_number,program,certificate_number,issued_on"
FULL_HEADER = HEADER + ",last_audit_type,last_audit_start,last_audit_end,last_audit_result"


def run(association, text, today=TODAY):
    with activate(association):
        return certificates.holders_import(
            association=association, actor=None, text=text, today=today
        )


def preview(association, text, today=TODAY):
    with activate(association):
        return parse_holders_csv(text, association=association, today=today)


def counts(association):
    with activate(association):
        return tuple(
            m.objects.count()
            for m in (Employer, WCBAccount, Enrollment, AuditCycle, Certificate, Audit)
        )


def test_the_2021_01_05_holder_gets_its_cycle_anniversary_deadlines_and_certificate(association):
    seeded(association)
    text = (
        FULL_HEADER
        + "\nPrairie Hauling Ltd.,1234567,SECOR,AMTA-2021-0042,2021-01-05,"
        + "certification,2020-12-28,2021-01-05,passed\n"
    )
    result = run(association, text)
    assert result == {"rows": 1, "created": 1, "unchanged": 0}
    with activate(association):
        certificate = Certificate.objects.select_related("cycle", "enrollment").get()
        cycle = certificate.cycle
        schedule = selectors.cycle_schedule_for(
            cycle, selectors.audit_rules_for(certificate.enrollment)
        )
        audit = Audit.objects.get()
        next_deadline = selectors.employer_next_deadline(certificate.employer, TODAY)
    assert (certificate.number, certificate.imported) == ("AMTA-2021-0042", True)
    assert (certificate.issued_on, certificate.expires_on) == (date(2021, 1, 5), date(2024, 1, 5))
    assert (cycle.certification_date, cycle.ends_on) == (date(2021, 1, 5), date(2024, 1, 5))
    assert [y.period_start for y in schedule.years] == [
        date(2021, 1, 5),
        date(2022, 1, 5),
        date(2023, 1, 5),
    ]
    assert [y.maintenance_due for y in schedule.years[1:]] == [
        date(2022, 12, 31),
        date(2023, 12, 31),
    ]
    assert (next_deadline.on, next_deadline.label) == (
        date(2022, 12, 31),
        "Year 2 maintenance audit due",
    )
    assert certificate.enrollment.status == "certified"
    assert (audit.recorded_after_the_fact, audit.status, audit.cycle_id) == (
        True,
        "passed",
        cycle.pk,
    )
    assert certificate.audit_id == audit.pk


def test_reimporting_the_same_file_changes_nothing(association):
    seeded(association)
    text = HEADER + "\nPrairie Hauling Ltd.,1234567,SECOR,AMTA-2021-0042,2021-01-05\n"
    run(association, text)
    before = counts(association)
    with activate(association):
        log = AuditLogEntry.objects.count()
    assert run(association, text) == {"rows": 1, "created": 0, "unchanged": 1}
    assert counts(association) == before
    with activate(association):
        assert AuditLogEntry.objects.count() == log + 1  # only the import's own row


def test_a_holder_already_here_keeps_its_employer_and_enrollment_and_one_live_certificate(
    association,
):
    from ..factories import WCBAccountFactory

    e = enrollment(association, status="in_progress")
    WCBAccountFactory(
        association=association,
        employer=e.employer,
        board=association.wcb_board,
        account_number="AB-77",
    )
    before = counts(association)
    text = HEADER + f"\n{e.employer.legal_name},ab-77,SECOR,H-1,2021-01-05\n"
    assert run(association, text)["created"] == 1
    with activate(association):
        e.refresh_from_db()
        certificate = Certificate.objects.get(number="H-1")
    assert (e.status, e.status_changed_on) == ("certified", date(2021, 1, 5))
    assert (certificate.employer_id, certificate.enrollment_id) == (e.employer_id, e.pk)
    assert counts(association)[:3] == before[:3]  # no new employer, account or enrollment
    # A second certificate for the same holder, in another file or twice in one: refused.
    after = counts(association)
    for text in (
        HEADER + f"\n{e.employer.legal_name},AB-77,SECOR,H-2,2021-01-05\n",
        HEADER + "\nNew Ltd.,555,SECOR,N-1,2021-01-05\nNew Ltd.,555,SECOR,N-2,2021-01-05\n",
    ):
        with pytest.raises(HoldersRefused) as refused:
            run(association, text)
        errors = [error for r in refused.value.preview.rows for error in r.errors]
        assert len(errors) == 1 and "already holds certificate" in errors[0], errors
        assert counts(association) == after


def test_a_maintenance_audit_in_the_file_counts_for_its_year(association):
    seeded(association)
    text = (
        FULL_HEADER
        + "\nPrairie Hauling Ltd.,1234567,SECOR,C-1,2021-01-05,maintenance,2022-03-01,"
        + "2022-03-05,passed\n"
    )
    run(association, text, today=date(2023, 2, 1))
    with activate(association):
        cycle = AuditCycle.objects.get()
        assert selectors.audit_counts_for_year(cycle, 2, date(2023, 2, 1))
        assert not selectors.audit_counts_for_year(cycle, 3, date(2023, 2, 1))


def test_a_wrong_header_is_refused_with_the_columns_to_use(association):
    seeded(association)
    result = preview(association, "name,number\nX,1\n")
    assert result.error.startswith("The header row is wrong: missing column(s): legal_name")
    assert "unknown column(s): name, number" in result.error
    with pytest.raises(HoldersRefused):
        run(association, "name,number\nX,1\n")


def test_bad_dates_and_values_are_reported_per_row_and_nothing_is_saved(association):
    seeded(association)
    before = counts(association)
    text = (
        FULL_HEADER
        + "\nGood Ltd.,1000001,SECOR,C-1,2021-01-05,,,,"
        + "\nBad Date Ltd.,1000002,SECOR,C-2,2021-13-01,,,,"
        + "\nOld Ltd.,1000003,SECOR,C-3,2018-01-05,,,,"
        + "\nFuture Ltd.,1000004,SECOR,C-4,2030-01-05,,,,"
        + "\nWrong Program Ltd.,1000005,ISO,C-5,2021-01-05,,,,"
        + "\nHalf Audit Ltd.,1000006,SECOR,C-6,2021-01-05,maintenance,,,"
        + "\nOff Day Ltd.,1000007,SECOR,C-7,2021-01-05,certification,2020-12-01,2020-12-05,passed"
        + "\n"
    )
    result = preview(association, text)
    errors = {row.line: row.errors for row in result.rows}
    assert errors[2] == []
    assert errors[3] == ["issued_on “2021-13-01” is not a date like 2021-01-05."]
    assert errors[4] == [
        "The certificate expired on 2021-01-05: only current holders are imported."
    ]
    assert errors[5] == ["issued_on 2030-01-05 is in the future."]
    assert errors[6] == ["program “ISO” is not SECOR or COR."]
    assert errors[7] == [
        "The last audit needs last_audit_start, last_audit_end, last_audit_result as well."
    ]
    assert "is the last day on site of its certification audit" in errors[8][0]
    with pytest.raises(HoldersRefused) as refused:
        run(association, text)
    assert refused.value.preview.error_count == 6
    assert counts(association) == before


def test_duplicate_numbers_in_the_file_or_already_used_are_refused(association):
    seeded(association)
    run(association, HEADER + "\nFirst Ltd.,1000001,SECOR,C-1,2021-01-05\n")
    text = (
        HEADER
        + "\nSecond Ltd.,1000002,SECOR,C-2,2021-01-05"
        + "\nThird Ltd.,1000003,SECOR,C-2,2021-01-05"
        + "\nFourth Ltd.,1000004,SECOR,C-1,2021-01-05\n"
    )
    errors = {row.line: row.errors for row in preview(association, text).rows}
    assert errors[3] == ["Certificate number C-2 is already on line 2."]
    assert errors[4] == ["Certificate number C-1 is already used for another WCB account."]
    before = counts(association)
    with pytest.raises(HoldersRefused):
        run(association, text)
    assert counts(association) == before


def test_ten_thousand_rows_are_checked_and_one_bad_row_saves_nothing(association):
    seeded(association)
    lines = [f"Employer {i} Ltd.,{2000000 + i},SECOR,C-{i},2021-01-05" for i in range(MAX_ROWS)]
    lines[-1] = "Last Ltd.,2999999,SECOR,C-last,not-a-date"
    text = HEADER + "\n" + "\n".join(lines) + "\n"
    result = preview(association, text)
    assert len(result.rows) == MAX_ROWS
    assert [r.line for r in result.rows if r.errors] == [MAX_ROWS + 1]
    before = counts(association)
    with pytest.raises(HoldersRefused):
        run(association, text)
    assert counts(association) == before
    too_many = HEADER + "\n" + "\n".join(lines + ["One More Ltd.,3000000,SECOR,X,2021-01-05"])
    assert preview(association, too_many).error == (
        "The file has 10,001 rows; at most 10,000 can be imported at once. "
        "Split it into smaller files."
    )


def _big_file(n, *, offset=0):
    """n holders; every other one with its certification audit (passed, ending on issue)."""
    lines = []
    for i in range(offset, offset + n):
        audit = ",certification,2020-12-28,2021-01-05,passed" if i % 2 else ",,,,"
        lines.append(f"Employer {i} Ltd.,{2000000 + i},SECOR,C-{i},2021-01-05{audit}")
    return FULL_HEADER + "\n" + "\n".join(lines) + "\n"


def _import_counting(association, text):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = run(association, text)
    return result, len(queries)


def test_ten_thousand_rows_import_in_bulk_all_or_nothing_and_idempotent(association):
    """The confirm step on PostgreSQL: 10,000 rows in as many queries as 20 rows (bulk
    inserts), a bad last row saves nothing, and importing the same file again is a no-op."""
    import time

    seeded(association)
    small, small_queries = _import_counting(association, _big_file(20, offset=900_000))
    assert small == {"rows": 20, "created": 20, "unchanged": 0}
    before = counts(association)

    text = _big_file(MAX_ROWS)
    broken = text.rstrip("\n").rsplit("\n", 1)[0] + "\nLast Ltd.,2999999,SECOR,C-x,2021-02-30\n"
    with pytest.raises(HoldersRefused) as refused:
        run(association, broken)
    assert [r.line for r in refused.value.preview.rows if r.errors] == [MAX_ROWS + 1]
    assert counts(association) == before

    started = time.perf_counter()
    result, big_queries = _import_counting(association, text)
    seconds = time.perf_counter() - started
    assert result == {"rows": MAX_ROWS, "created": MAX_ROWS, "unchanged": 0}
    assert big_queries == small_queries, (small_queries, big_queries)
    employers, accounts, enrollments_, cycles, certs, audits = counts(association)
    assert (employers, accounts, enrollments_, cycles, certs) == tuple(
        b + MAX_ROWS for b in before[:5]
    )
    assert audits == before[5] + MAX_ROWS // 2
    with activate(association):
        sample = Certificate.objects.select_related("cycle", "enrollment", "audit").get(
            number="C-4321"
        )
        assert (sample.imported, sample.issued_on, sample.expires_on) == (
            True,
            date(2021, 1, 5),
            date(2024, 1, 5),
        )
        assert sample.cycle.certification_date == date(2021, 1, 5)
        assert sample.enrollment.status == "certified"
        assert sample.audit.recorded_after_the_fact
        assert AuditLogEntry.objects.filter(action="audits.certificate_imported").count() == (
            MAX_ROWS + 20
        )
    print(f"\n10,000 holders imported in {seconds:.1f} s, {big_queries} queries")

    again, again_queries = _import_counting(association, text)
    assert again == {"rows": MAX_ROWS, "created": 0, "unchanged": MAX_ROWS}
    assert counts(association) == (employers, accounts, enrollments_, cycles, certs, audits)
    assert again_queries <= small_queries


# --- One past audit by hand ----------------------------------------------------------------


def test_a_past_certification_entered_by_hand_opens_its_cycle_flagged(association):
    e = enrollment(association, status="in_progress")
    with activate(association):
        audit = services.audit_record_historic(
            enrollment=e,
            audit_type="certification",
            data_gathering_start=date(2020, 12, 28),
            data_gathering_end=date(2021, 1, 5),
            passed=True,
            actor=None,
            today=TODAY,
        )
        audit.refresh_from_db()
        e.refresh_from_db()
    assert audit.recorded_after_the_fact and audit.status == "passed"
    assert audit.cycle.certification_date == date(2021, 1, 5)
    assert e.status == "certified"


def test_a_past_maintenance_outside_every_window_or_twice_is_refused(association):
    from .factories import certified

    e, _ = certified(association, date(2021, 1, 5))
    args = {"enrollment": e, "audit_type": "maintenance", "passed": True, "actor": None}
    with activate(association):
        with pytest.raises(ValidationError, match="falls in no maintenance year"):
            services.audit_record_historic(
                **args,
                data_gathering_start=date(2021, 2, 1),
                data_gathering_end=date(2021, 2, 5),
                today=TODAY,
            )
        services.audit_record_historic(
            **args,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 5),
            today=TODAY,
        )
        with pytest.raises(ValidationError, match="Year 2 already has its maintenance audit"):
            services.audit_record_historic(
                **args,
                data_gathering_start=date(2022, 4, 1),
                data_gathering_end=date(2022, 4, 5),
                today=TODAY,
            )
        with pytest.raises(ValidationError, match="must have ended before today"):
            services.audit_record_historic(
                **args,
                data_gathering_start=date(2022, 5, 25),
                data_gathering_end=date(2022, 6, 1),
                today=TODAY,
            )
