"""training/demo.py: catalogues for every association, records where workers exist."""

import pytest

from secor.dates import association_today
from secor.models import Program, Role
from training import demo, selectors
from training.models import Course, TrainingRecord

from ..conftest import member
from ..factories import EmployerFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_demo_gives_valid_expiring_expired_and_pending_records_once(other_association):
    scsa = other_association
    Program.objects.create(association=scsa, kind="secor")
    member(scsa, Role.PROGRAM_ADMIN)
    employer = EmployerFactory(association=scsa, province="SK")
    for name in ("Ann", "Bo", "Cy"):
        WorkerFactory(employer=employer, province="SK", full_name=name)

    demo.build([scsa])
    counts = TrainingRecord.objects.for_association(scsa).count()
    demo.build([scsa])

    assert TrainingRecord.objects.for_association(scsa).count() == counts
    today = association_today(scsa)
    states = {
        (row.worker.full_name, cell.state)
        for row in selectors.training_matrix(employer, as_of=today).rows
        for cell in row.cells
    }
    assert {("Bo", "expiring"), ("Cy", "expired")} <= states
    assert TrainingRecord.objects.for_association(scsa).filter(status="pending").count() == 1
    report = selectors.compliance_for(employer=employer, as_of=today)
    assert report.verdict("SAT").met and report.verdict("LSE").met


def test_demo_without_workers_seeds_the_catalogue_only(association):
    demo.build([association])
    assert Course.objects.for_association(association).filter(code="TSB").exists()
    assert not TrainingRecord.objects.for_association(association).exists()
