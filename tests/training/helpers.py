from training.models import Course

from .factories import TrainingRecordFactory


def course(association, code):
    return Course.objects.for_association(association).get(code=code)


def verified(worker, code, completed_on, **kw):
    """A staff-verified record of ``worker`` for the catalogue course ``code``."""
    return TrainingRecordFactory(
        employer=worker.employer,
        worker=worker,
        course=course(worker.association, code),
        completed_on=completed_on,
        verified=True,
        **kw,
    )
