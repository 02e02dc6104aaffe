"""secor.aggregates: a row with its child rows in one query, each child as the ORM reads it."""

from datetime import date
from decimal import Decimal

import pytest

from employers.models import Employer, Worker
from employers.selectors import WORKER_FIELDS
from secor.aggregates import related_rows, rows_of
from secor.request_memo import once, request_memo
from secor.tenancy import activate

from ..factories import EmployerFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_child_rows_read_in_one_query_equal_the_querysets(association, django_assert_num_queries):
    employer = EmployerFactory(association=association)
    WorkerFactory(employer=employer, fte=Decimal("0.75"), weekly_hours=Decimal("37.5"))
    WorkerFactory(employer=employer, end_date=date(2024, 2, 29), fte=Decimal("1"))
    with activate(association):
        expected = {w.pk: w for w in Worker.objects.filter(employer=employer)}
        with django_assert_num_queries(1):
            (rows,) = (
                Employer.objects.filter(pk=employer.pk)
                .annotate(rows=related_rows(Worker.objects.all(), "employer", WORKER_FIELDS))
                .values_list("rows", flat=True)
            )
            workers = rows_of(Worker, rows)
        assert {w.pk for w in workers} == set(expected)
        for worker in workers:
            for attname in (Worker._meta.get_field(name).attname for name in WORKER_FIELDS):
                value, read = getattr(worker, attname), getattr(expected[worker.pk], attname)
                assert (value, str(value)) == (read, str(read))  # Decimal("1.00"), not 1.0


def test_a_field_whose_type_json_does_not_keep_is_refused():
    with pytest.raises(TypeError):  # a timestamp would come back as text
        related_rows(Employer.objects.none(), "association", ["created_at"])


def test_once_answers_once_per_request_and_never_outside_one():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert (once("k", compute), once("k", compute)) == (1, 2)  # no request: each call reads
    with request_memo():
        assert (once("k", compute), once("k", compute)) == (3, 3)
    with request_memo():
        assert once("k", compute) == 4  # the next request reads afresh
