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
