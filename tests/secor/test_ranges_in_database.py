"""The database itself refuses far dates and huge rule numbers, whatever wrote them.

Forms refuse them first (secor.validators, the models' validators); these
checks prove the CheckConstraints stand behind them for a service, a shell or
an import that skips the forms.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audits.models import Audit, ProgramRules
from secor.models import ReminderSetting
from secor.tenancy import activate
from submissions.models import SubmissionRule
from training.models import Course

from ..audits.factories import audit as make_audit
from ..audits.factories import seeded

pytestmark = pytest.mark.django_db

FAR = date(9999, 12, 31)


def refused(queryset, **values):
    with transaction.atomic(), pytest.raises(IntegrityError):
        queryset.update(**values)


def test_rule_numbers_past_their_maxima_are_refused(association):
    program = seeded(association)
    with activate(association):
        rules = ProgramRules.objects.filter(program=program)
        refused(rules, maintenance_notice_days=731)
        refused(rules, validity_years=11)
        refused(rules, data_gathering_max_days=367)
        refused(rules, reapply_wait_months=121)
        rules.update(maintenance_notice_days=730, validity_years=10)  # the bounds themselves pass


def test_far_dates_are_refused_on_audits(association):
    audit = make_audit(association)
    with activate(association):
        audits = Audit.objects.filter(pk=audit.pk)
        refused(audits, data_gathering_end=FAR)
        refused(audits, received_on=date(1949, 12, 31))


def test_catalogue_and_submission_and_reminder_numbers_are_bounded(association):
    seeded(association)
    with activate(association):
        course = Course.objects.create(association=association, code="X", name="X course")
        refused(Course.objects.filter(pk=course.pk), validity_months=30000)
        refused(Course.objects.filter(pk=course.pk), accepted_until=FAR)
        rule = SubmissionRule.objects.first()
        if rule is not None:
            refused(SubmissionRule.objects.filter(pk=rule.pk), corrections_days=30000)
        setting = ReminderSetting.objects.create(association=association, kind="x", lead_days=[])
        refused(ReminderSetting.objects.filter(pk=setting.pk), threshold_days=1000)


def test_reminder_lead_days_are_checked_by_the_model(association):
    with activate(association):
        setting = ReminderSetting(association=association, kind="x", lead_days=[90, 99_999_999])
        with pytest.raises(ValidationError) as error:
            setting.full_clean()
    assert "lead_days" in error.value.message_dict


def test_far_dates_and_size_rule_numbers_are_refused_on_employers_rows(association):
    from employers.models import EligibilityRule, Enrollment, HeadcountDeclaration, Worker

    from ..factories import EnrollmentFactory, HeadcountDeclarationFactory, WorkerFactory

    worker = WorkerFactory(association=association)
    enrollment = EnrollmentFactory(association=association, employer=worker.employer)
    declaration = HeadcountDeclarationFactory(association=association, employer=worker.employer)
    with activate(association):
        refused(Worker.objects.filter(pk=worker.pk), end_date=FAR)
        refused(Worker.objects.filter(pk=worker.pk), start_date=date(1, 1, 1))
        refused(Enrollment.objects.filter(pk=enrollment.pk), registered_on=FAR)
        refused(Enrollment.objects.filter(pk=enrollment.pk), reapply_on=FAR)
        refused(HeadcountDeclaration.objects.filter(pk=declaration.pk), period_end=FAR)
        rule = EligibilityRule.objects.create(
            association=association, program=enrollment.program, limit=10
        )
        rules = EligibilityRule.objects.filter(pk=rule.pk)
        refused(rules, limit=5000)
        refused(rules, window_months=0)
        refused(rules, full_time_hours=500)
        rules.update(limit=1000, window_months=60, full_time_hours=80)  # the bounds pass
