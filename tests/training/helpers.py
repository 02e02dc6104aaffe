from django.urls import reverse

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


def record_url(name, record, **kw):
    """A ``training:`` URL of one record, under its own employer."""
    return reverse(
        f"training:{name}",
        kwargs={
            "association_slug": record.association.slug,
            "employer_id": record.employer_id,
            "record_id": record.pk,
            **kw,
        },
    )
