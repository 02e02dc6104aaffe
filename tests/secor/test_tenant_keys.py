"""Keys that cannot point across tenants (ADR 0006), checked in PostgreSQL itself.

The constraints are derived from the model graph (``secor.tenant_keys``): one
test compares the database with the graph, so a new tenant model or foreign key
whose migration forgot ``ensure_tenant_keys`` fails here; another points one row
of every child table at another association's parent and expects the database,
not the application, to refuse it.
"""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from audits.models import Certificate
from employers.models import Employer, WCBAccount, Worker
from secor import demo, tenant_keys
from secor.models import Association, CalendarFeed, Delivery, Invitation, Program, Reminder
from submissions.models import (
    Assignment,
    ReviewNote,
    Submission,
    SubmissionEntry,
    SubmissionEvent,
    Upload,
)
from training.models import RecordVerification, TrainedEmployeeDesignation, TrainingRecord

from ..factories import EmployerFactory, UserFactory, WCBAccountFactory, WorkerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keys"),
]

KEYS = tenant_keys.tenant_foreign_keys(apps)
FIELDS = {
    (model._meta.db_table, field.column): field
    for model in apps.get_models()
    for field in model._meta.concrete_fields
}


def test_the_graph_holds_the_keys_between_tenant_models_and_only_those():
    by_pair = {(k.child_table, k.column): k.parent_table for k in KEYS}
    designation = TrainedEmployeeDesignation._meta.db_table
    assert by_pair[(designation, "wcb_account_id")] == WCBAccount._meta.db_table
    assert by_pair[(Certificate._meta.db_table, "audit_id")] == "audits_audit"
    assert by_pair[(Submission._meta.db_table, "previous_id")] == Submission._meta.db_table
    assert by_pair[(CalendarFeed._meta.db_table, "employer_id")] == Employer._meta.db_table
    # Not the association key itself, not users, not the history copies (no db constraint).
    assert not any(k.column in ("association_id", "created_by_id") for k in KEYS)
    assert not any("_historical" in k.child_table for k in KEYS)
    # Every model that has an association key and a key onto another such model is covered.
    for model in apps.get_models():
        if not tenant_keys.is_tenant_model(model):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.name != "association"
                and field.db_constraint
                and tenant_keys.is_tenant_model(field.related_model)
            ):
                assert (model._meta.db_table, field.column) in by_pair, (model, field.name)


def test_every_tenant_foreign_key_has_its_composite_constraint_in_the_database():
    in_db = tenant_keys.constraints_in_database(connection)
    missing = [
        f"{k.child_table}.{k.column} → {k.parent_table}: add "
        f'ensure_tenant_keys("{k.app_label}") to a migration of {k.app_label}'
        for k in KEYS
        if in_db.get(k.name) != k.definition()
    ]
    assert missing == []
    for key in KEYS:
        assert in_db[key.parent_unique_name] == f"UNIQUE (association_id, {key.parent_column})"
    assert all(len(name) <= tenant_keys.MAX_NAME_LENGTH for name in in_db)


def _rows_for_the_models_the_demo_leaves_empty(association: Association) -> None:
    """One row of each tenant model the demo builder does not make, in ``association``."""
    a = {"association": association}
    employer = EmployerFactory(association=association)
    worker = WorkerFactory(employer=employer)
    account = WCBAccountFactory(employer=employer)
    user = UserFactory()
    program = Program.objects.filter(**a).first()
    later = timezone.now() + timedelta(days=3)
    Invitation.objects.create(
        **a, email=f"x{employer.pk}@example.com", role="employer", employer=employer,
        token_hash=f"{employer.pk:064d}", expires_at=later,
    )  # fmt: skip
    reminder = Reminder.objects.create(
        **a, kind="k", object_key=f"o:{employer.pk}", deadline=date(2027, 1, 1), lead_days=7,
        send_on=date(2026, 12, 25), title="t", employer=employer,
    )  # fmt: skip
    Delivery.objects.create(**a, reminder=reminder, channel="email")
    CalendarFeed.objects.create(**a, employer=employer, token=f"{employer.pk:064d}")
    TrainedEmployeeDesignation.objects.create(
        **a, employer=employer, worker=worker, wcb_account=account
    )
    first = Submission.objects.create(
        **a, employer=employer, program=program, kind="manual", status="superseded",
        download_link="https://x.example/1",
    )  # fmt: skip
    second = Submission.objects.create(
        **a, employer=employer, program=program, kind="manual", version=2, previous=first,
        download_link="https://x.example/2",
    )  # fmt: skip
    entry = SubmissionEntry.objects.create(
        **a, submission=second, position=1, path="a.pdf", original_name="a.pdf", size=1,
        compressed_size=1, crc=1, header_offset=0,
    )  # fmt: skip
    SubmissionEvent.objects.create(**a, submission=second, action="received", to_status="received")
    ReviewNote.objects.create(**a, submission=second, entry=entry, kind="comment", text="t")
    Assignment.objects.create(**a, submission=second)
    # A verification no record points at yet (a record's current one is one-to-one).
    record = TrainingRecord.objects.filter(**a).exclude(verification=None).first()
    RecordVerification.objects.create(
        **a, record=record, number=99, course=record.course, completed_on=record.completed_on,
        verified_at=timezone.now(),
    )  # fmt: skip
    Upload.objects.create(
        **a, employer=employer, program=program, kind="manual", created_by=user, length=1,
        filename="a.zip", expires_at=later, submission=second,
    )  # fmt: skip


def _copy_row(cursor, table: str, pk: int) -> int:
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields if not f.primary_key)
    cursor.execute(
        f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{table}" WHERE id = %s '
        "RETURNING id",
        [pk],
    )
    return cursor.fetchone()[0]


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def test_the_database_refuses_a_row_pointing_at_another_associations_row_for_every_key():
    with scopes_disabled():
        demo.build_all()
        for association in Association.objects.filter(slug__in=["amta", "acsa"]):
            _rows_for_the_models_the_demo_leaves_empty(association)
    not_refused, no_rows = [], []
    for key in KEYS:
        # A child row (one that already uses the key, where there is one) …
        child = _sql(
            f'SELECT id, association_id FROM "{key.child_table}" '
            f'ORDER BY "{key.column}" IS NULL, id LIMIT 1'
        )
        # … and another association's parent, preferably one no child row points at
        # yet (so a one-to-one or unique key cannot refuse the row first).
        parent = child and _sql(
            f'SELECT p.id, EXISTS (SELECT 1 FROM "{key.child_table}" c '
            f'WHERE c."{key.column}" = p.id) AS used FROM "{key.parent_table}" p '
            "WHERE p.association_id <> %s ORDER BY used, p.id LIMIT 1",
            [child[1]],
        )
        if not child or not parent:
            no_rows.append(f"{key.child_table}.{key.column}")
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if parent[1] and FIELDS[(key.child_table, key.column)].unique:
                    # A one-to-one key: point at a fresh copy of the other association's
                    # parent, which no row uses yet (rolled back with the rest).
                    parent = (_copy_row(cursor, key.parent_table, parent[0]),)
                cursor.execute(
                    f'UPDATE "{key.child_table}" SET "{key.column}" = %s WHERE id = %s',
                    [parent[0], child[0]],
                )
            not_refused.append(f"{key.child_table}.{key.column}")
        except IntegrityError as error:
            refused_by = error.__cause__.diag.constraint_name
            if refused_by != key.name:
                not_refused.append(f"{key.child_table}.{key.column}: refused by {refused_by}")
    assert no_rows == [], "build a row of these in the test"
    assert not_refused == []
    assert len(KEYS) >= 60


def test_adding_the_keys_again_adds_nothing_and_a_cross_tenant_row_stops_the_migration(
    association, other_association
):
    key = next(k for k in KEYS if k.child_table == Worker._meta.db_table)
    with connection.schema_editor() as editor:
        assert tenant_keys.add_missing(apps, editor) == []
    with scopes_disabled():
        worker = WorkerFactory(employer=EmployerFactory(association=association))
        theirs = EmployerFactory(association=other_association)
    with connection.cursor() as cursor:
        # Checked at once, so no deferred check is pending when the table is altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'ALTER TABLE "{key.child_table}" DROP CONSTRAINT "{key.name}"')
        cursor.execute(
            f'UPDATE "{key.child_table}" SET employer_id = %s WHERE id = %s', [theirs.pk, worker.pk]
        )
    refused = r"1 row\(s\) of employers_worker point through"
    with pytest.raises(RuntimeError, match=refused), connection.schema_editor() as editor:
        tenant_keys.add_missing(apps, editor, "employers")
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{key.child_table}" SET employer_id = %s WHERE id = %s',
            [worker.employer_id, worker.pk],
        )
    with connection.schema_editor() as editor:
        assert tenant_keys.add_missing(apps, editor, "employers") == [key.name]
