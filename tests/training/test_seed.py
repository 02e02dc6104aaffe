"""Seeded catalogues: the data migration and the idempotent catalogue_seed service."""

import importlib

import pytest
from django.apps import apps

from secor.models import AuditLogEntry, Program
from training import services
from training.models import Course, CourseEquivalent, CoursePrerequisite, TrainingRequirement

from ..factories import AssociationFactory

pytestmark = pytest.mark.django_db


def codes(association):
    return sorted(Course.objects.for_association(association).values_list("code", flat=True))


def test_scsa_seed_loads_courses_links_and_requirements(scsa):
    assert codes(scsa) == ["CSO", "LSE", "PST", "SAT", "SCOT", "SESM", "SM"]
    sat = Course.objects.for_association(scsa).get(code="SAT")
    assert (sat.validity_months, sat.proficiency_months, sat.maintenance_required) == (36, 8, True)
    prereq = CoursePrerequisite.objects.for_association(scsa).get(course=sat)
    assert prereq.prerequisite.code == "SM"
    scot_equivalents = CourseEquivalent.objects.for_association(scsa).filter(course__code="SCOT")
    assert sorted(e.accepted.code for e in scot_equivalents) == ["CSO", "PST"]
    requirements = TrainingRequirement.objects.for_association(scsa).order_by("position")
    assert [r.code for r in requirements] == ["SM", "SAT", "LSE", "SCOT"]
    assert all(r.province == "SK" for r in requirements)


def test_amta_seed_keeps_tsb_with_its_last_accepted_day(amta):
    tsb = Course.objects.for_association(amta).get(code="TSB")
    assert str(tsb.accepted_until) == "2019-12-31"


def test_catalogue_seed_twice_changes_nothing_and_keeps_admin_edits(scsa):
    sm = Course.objects.for_association(scsa).get(code="SM")
    sm.name = "Safety Management (renamed by admin)"
    sm.save()
    CoursePrerequisite.objects.for_association(scsa).delete()
    logged = AuditLogEntry.objects.for_association(scsa).count()

    created = services.catalogue_seed(association=scsa, seed_key="SCSA")

    assert created == {"courses": 0, "requirements": 0}
    assert Course.objects.for_association(scsa).get(code="SM").name.endswith("(renamed by admin)")
    assert not CoursePrerequisite.objects.for_association(scsa).exists()
    assert AuditLogEntry.objects.for_association(scsa).count() == logged


def test_catalogue_seed_refuses_an_unknown_seed(association):
    with pytest.raises(ValueError, match="Unknown seed"):
        services.catalogue_seed(association=association, seed_key="NOPE")


def test_data_migration_seeds_only_existing_seed_associations():
    acsa = AssociationFactory(slug="acsa")
    Program.objects.create(association=acsa, kind="secor")
    other = AssociationFactory(slug="bccsa")
    migration = importlib.import_module("training.migrations.0002_seed_catalogues")

    migration.seed(apps, None)
    migration.seed(apps, None)  # idempotent

    assert codes(acsa) == ["CSTS", "PHSM", "SEHSM"]
    assert TrainingRequirement.objects.for_association(acsa).count() == 4
    assert codes(other) == []
