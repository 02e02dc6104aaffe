"""secor.dates: the one month/year arithmetic the rules modules share."""

import ast
import sys
from datetime import date
from pathlib import Path

import pytest

from audits import schedule
from employers import eligibility
from secor import dates
from secor.dates import add_months, add_years
from training import compliance


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # to a short month
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # to a leap February
        (date(2025, 3, 31), 1, date(2025, 4, 30)),  # to a 30-day month
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 1, 30), 1, date(2025, 2, 28)),
        (date(2025, 2, 28), 1, date(2025, 3, 28)),  # keeps the day, not "month end"
        (date(2025, 11, 15), 2, date(2026, 1, 15)),  # over the year end
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 6, 15), 0, date(2025, 6, 15)),
        (date(2025, 1, 10), 8, date(2025, 9, 10)),  # SCSA "within 8 months"
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),  # back over the year start
        (date(2021, 1, 15), -13, date(2019, 12, 15)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),  # ACSA window start on a leap day
        (date(2025, 7, 31), -5, date(2025, 2, 28)),
    ],
)
def test_add_months_goes_back_with_negative_months(start, months, expected):
    assert add_months(start, months) == expected


def test_clamping_is_not_reversible_so_add_to_the_original_date():
    # Why callers add k months to the start instead of chaining one month at a time.
    assert add_months(add_months(date(2024, 3, 31), -1), 1) == date(2024, 3, 29)
    assert add_months(date(2024, 1, 31), 2) == date(2024, 3, 31)
    assert add_months(add_months(date(2024, 1, 31), 1), 1) == date(2024, 3, 29)


def test_add_years_turns_feb_29_into_feb_28_only_in_common_years():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert add_years(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert add_years(date(2024, 2, 29), -4) == date(2020, 2, 29)


def test_amta_certificate_of_2021_01_05_expires_2024_01_05():
    # docs/rules.md#amta-anniversary-date: issued with January 5, 2024 as the expiration.
    assert add_years(date(2021, 1, 5), 3) == date(2024, 1, 5)


def test_the_rules_modules_use_this_one_implementation():
    assert schedule.add_months is add_months
    assert schedule.add_years is add_years
    assert compliance.add_months is add_months
    assert eligibility.add_months is add_months
    assert not hasattr(eligibility, "_add_months")


def test_it_imports_only_the_standard_library():
    tree = ast.parse(Path(dates.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        )
    }
    assert imported, "no imports found: the check itself is broken"
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_adding_months_past_the_calendars_ends_clamps_instead_of_raising():
    from datetime import date

    from secor.dates import add_months, add_years

    assert add_years(date(9999, 12, 31), 3) == date.max
    assert add_months(date(1, 1, 1), -1) == date.min
