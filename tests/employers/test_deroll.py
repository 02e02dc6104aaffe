"""De-roll: the 6-month wait is applied, not just shown (docs/rules.md#reading-de-roll-reapply)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from employers import services
from secor.tenancy import activate

from ..audits.factories import enrollment
from ..factories import UserFactory, WCBAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def march_2024():
    with time_machine.travel(datetime(2024, 3, 1, 18, 0, tzinfo=UTC), tick=False):
        yield date(2024, 3, 1)


def deroll(e, **kwargs):
    with activate(e.association):
        return services.enrollment_set_status(enrollment=e, actor=None, status="derolled", **kwargs)


def test_reapply_date_defaults_to_six_months_after_the_deroll(other_association, march_2024):
    e = deroll(enrollment(other_association))
    assert e.reapply_on == date(2024, 9, 1)


def test_reapply_date_earlier_than_six_months_is_refused(other_association, march_2024):
    with pytest.raises(ValidationError) as error:
        deroll(enrollment(other_association), reapply_on=date(2024, 8, 31))
    assert "may apply again from 2024-09-01, not 2024-08-31" in str(error.value)


def test_derolled_employer_cannot_be_set_back_to_registered_before_the_date(
    other_association, march_2024
):
    e = deroll(enrollment(other_association))
    with activate(other_association), pytest.raises(ValidationError) as error:
        services.enrollment_set_status(enrollment=e, actor=None, status="registered")
    assert "may apply again from 2024-09-01" in str(error.value)
    with (
        time_machine.travel(datetime(2024, 9, 1, 18, 0, tzinfo=UTC), tick=False),
        activate(other_association),
    ):
        e = services.enrollment_set_status(enrollment=e, actor=None, status="registered")
    assert e.status == "registered"


def test_reregistration_with_the_same_wcb_account_during_the_wait_says_when(
    other_association, march_2024
):
    e = enrollment(other_association)
    account = WCBAccountFactory(
        employer=e.employer, association=other_association, board="Saskatchewan WCB"
    )
    deroll(e)
    with pytest.raises(ValidationError) as error:
        services.employer_register(
            user=UserFactory(),
            association=other_association,
            legal_name="Same Co again",
            board=account.board,
            account_number=account.account_number,
        )
    assert "de-rolled and may apply again from 2024-09-01" in str(error.value)
    assert "cannot register again before then" in str(error.value)
