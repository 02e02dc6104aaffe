"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py)."""

from secor import hooks
from secor.models import Program

from .factories import CourseFactory, TrainingRecordFactory


def _record(association, employer):
    return TrainingRecordFactory(employer=employer).pk


def _course(association, employer):
    return CourseFactory(association=association).pk


def _requirement(association, employer):
    from training.models import RequirementCourse, TrainingRequirement

    program, _ = Program.objects.for_association(association).get_or_create(
        association=association, kind="secor"
    )
    requirement = TrainingRequirement.objects.for_association(association).create(
        association=association, program=program, code="walk", label="Walk", kind="at_least_one"
    )
    RequirementCourse.objects.for_association(association).create(
        association=association,
        requirement=requirement,
        course=CourseFactory(association=association),
    )
    return requirement.pk


def _designation(association, employer):
    from training.models import TrainedEmployeeDesignation

    from ..factories import WCBAccountFactory, WorkerFactory

    return (
        TrainedEmployeeDesignation.objects.for_association(association)
        .create(
            association=association,
            employer=employer,
            worker=WorkerFactory(employer=employer),
            wcb_account=WCBAccountFactory(employer=employer),
        )
        .pk
    )


BUILDERS = {
    "designation_id": _designation,
    "record_id": _record,
    "course_id": _course,
    "requirement_id": _requirement,
}


@hooks.url_walk_builders.register
def builders() -> dict:
    return BUILDERS
