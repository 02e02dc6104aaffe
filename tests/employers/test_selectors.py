"""Reads: the verdict from rows, in the association's time zone; chart; checklist."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from employers import selectors, services
from secor.dates import association_today
from secor.tenancy import activate

from ..factories import EmployerFactory, HeadcountDeclarationFactory, WorkerFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def sk_crew(employer, day, size=10):
    """``size`` Saskatchewan full-time workers on one day only (SCSA limit is 9)."""
    for i in range(size):
        WorkerFactory(
            employer=employer,
            full_name=f"Crew {i}",
            province="SK",
            start_date=day,
            end_date=day,
        )


@pytest.fixture
def regina_employer(scsa):
    employer = EmployerFactory(association=scsa, province="SK")
    sk_crew(employer, date(2024, 6, 1))
    # An owner still working, so the verdict has data once the crew leaves the window.
    WorkerFactory(
        employer=employer, employment_type="owner", province="SK", start_date=date(2020, 1, 1)
    )
    return employer


def verdict_at(employer, moment):
    with time_machine.travel(moment, tick=False), activate(employer.association):
        return selectors.employer_eligibility(employer=employer)


def test_a_peak_exactly_12_months_ago_still_counts(regina_employer):
    verdict = verdict_at(regina_employer, datetime(2025, 6, 1, 12, tzinfo=UTC))
    assert not verdict.eligible
    assert (verdict.peak_count, verdict.peak_date) == (11, date(2024, 6, 1))  # crew + owner
    assert verdict.window_start == date(2024, 6, 1)


def test_a_peak_12_months_and_a_day_ago_no_longer_counts(regina_employer):
    verdict = verdict_at(regina_employer, datetime(2025, 6, 2, 12, tzinfo=UTC))
    assert verdict.eligible
    assert verdict.peak_count == 1


def test_today_is_the_associations_local_date_not_utc(regina_employer):
    # 03:00 UTC on June 2 is still June 1 in Regina (UTC-6, no daylight time): the
    # peak of 2024-06-01 is exactly 12 months back and still counts.
    verdict = verdict_at(regina_employer, datetime(2025, 6, 2, 3, tzinfo=UTC))
    assert verdict.window_end == date(2025, 6, 1)
    assert not verdict.eligible
    # 07:00 UTC is 01:00 on June 2 in Regina: the peak has left the window.
    verdict = verdict_at(regina_employer, datetime(2025, 6, 2, 7, tzinfo=UTC))
    assert verdict.window_end == date(2025, 6, 2)
    assert verdict.eligible


def test_edmonton_and_regina_can_be_on_different_days(amta, scsa):
    # In winter Edmonton is UTC-7 and Regina UTC-6: 06:30 UTC on January 1 is still
    # December 31 in Edmonton but already January 1 in Regina.
    with time_machine.travel(datetime(2025, 1, 1, 6, 30, tzinfo=UTC), tick=False):
        assert association_today(amta) == date(2024, 12, 31)
        assert association_today(scsa) == date(2025, 1, 1)


def test_scsa_counts_only_saskatchewan_workers(scsa):
    employer = EmployerFactory(association=scsa)
    for i in range(10):
        WorkerFactory(employer=employer, province="AB" if i < 2 else "SK")
    with activate(scsa):
        verdict = selectors.employer_eligibility(employer=employer)
    assert verdict.eligible and verdict.peak_count == 8
    assert verdict.outside_province_at_peak == 2


def test_scsa_general_contractor_expecting_more_than_9_does_not_qualify(scsa):
    employer = EmployerFactory(association=scsa, is_general_contractor=True, expected_workers=12)
    WorkerFactory(employer=employer, province="SK")
    with activate(scsa):
        verdict = selectors.employer_eligibility(employer=employer)
    assert not verdict.eligible
    assert "general_contractor_over_limit" in verdict.reason_codes
    assert "Apply for COR instead." in verdict.next_steps


@time_machine.travel(datetime(2025, 3, 15, 18, tzinfo=UTC), tick=False)
def test_monthly_chart_marks_the_months_over_the_limit(amta):
    employer = EmployerFactory(association=amta)
    HeadcountDeclarationFactory(
        employer=employer,
        period_start=date(2024, 7, 10),
        period_end=date(2024, 7, 20),
        owner=1,
        full_time_permanent=11,
    )
    with activate(amta):
        chart = selectors.monthly_peaks(
            rule=selectors.secor_rule(amta),
            today=date(2025, 3, 15),
            workers=[],
            declarations=list(employer.headcount_declarations.all()),
        )
    assert [b.start for b in chart.bars][:2] == [date(2024, 3, 15), date(2024, 4, 1)]
    assert chart.bars[-1].end == date(2025, 3, 15)
    over = [(b.start, b.count) for b in chart.bars if b.over]
    assert over == [(date(2024, 7, 1), 12)]
    assert chart.limit == 10


def test_checklist_shows_what_is_done_and_what_is_next(amta, employer):
    services.wcb_account_add(employer=employer, actor=None, board="WCB-Alberta", account_number="1")
    with activate(amta):
        items = {i.text: i.done for i in selectors.employer_page(employer)["checklist"]}
    assert items["Add your active WCB account"] is True
    listed = "List everyone who worked for you in the past 12 months"
    assert items[listed] is False
    assert items["Stay within the SECOR size limit (10)"] is False  # no data yet
    today = association_today(amta)
    HeadcountDeclarationFactory(employer=employer, period_start=today, period_end=today, owner=1)
    with activate(amta):
        items = {i.text: i.done for i in selectors.employer_page(employer)["checklist"]}
    # A declaration is enough: nobody has to keep a roster as well.
    assert items[listed] is True
    assert items["Stay within the SECOR size limit (10)"] is True
