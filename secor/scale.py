"""Scale data for `manage.py seed_scale`: many employers on the demo associations.

Each app registers a builder on ``hooks.scale_builders`` (like the demo builders)
and writes its rows with `copy_insert` — PostgreSQL ``COPY`` with ids drawn from
the table's sequence up front, so a builder knows the ids of what it wrote and
half a million rows take seconds, not minutes. Builders run in ``INSTALLED_APPS``
order and pass what the next one needs through `ScalePlan.made`.

Scale rows are recognisable, so a rerun first removes its own previous data (and
never the demo data): every scale employer's legal name starts with `PREFIX`,
every scale user's address ends with `USER_DOMAIN`, and `wipe` deletes them with
every row that points at them, at any depth. Evidence files are immutable and never
deleted (the database refuses): scale ones are named by position under
`EVIDENCE_PREFIX`, and a rerun points its records at the ones already stored.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

PREFIX = "Scale employer "
USER_DOMAIN = "@scale.example"
NOTIFICATION_KEY = "scale:"
EVIDENCE_PREFIX = "scale/"  # the stored name of every scale evidence file


@dataclass
class ScalePlan:
    """What to build: employers per association, the day the data is "as of", the randomness."""

    associations: list
    employers: dict[int, int]  # association id → employers to build
    today: date
    rng: random.Random
    made: dict = field(default_factory=dict)  # what builders hand to later ones
    counts: dict[str, int] = field(default_factory=dict)  # rows written, per model label

    def count(self, model, n: int) -> None:
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n


def reserve_ids(model, n: int) -> list[int]:
    """`n` fresh primary keys from the table's identity sequence."""
    if n == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, n],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model, objs: Sequence[models.Model], plan: ScalePlan | None = None) -> list:
    """Write `objs` with one COPY; each gets its id (and its auto_now dates) first.

    The values are Django's own database values (`get_db_prep_save`), so JSON,
    dates and choices are written exactly as `save()` would write them. No
    signal runs and no history row is written: scale data has no past edits.
    """
    if not objs:
        return []
    meta = model._meta
    fields = list(meta.concrete_fields)
    now = timezone.now()
    fresh = [obj for obj in objs if obj.pk is None]  # a row may come with a reserved id
    for obj, pk in zip(fresh, reserve_ids(model, len(fresh)), strict=True):
        obj.pk = pk
    for obj in objs:
        for f in fields:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if auto and getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row(
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            )
    if plan is not None:
        plan.count(model, len(objs))
    return list(objs)


def _referencing(target) -> Iterable[tuple]:
    """(model, column) pairs of every concrete foreign key with a constraint to `target`."""
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is target and f.db_constraint:
                yield model, f.column


def wipe() -> dict[str, int]:
    """Delete the scale employers and users and every row that points at them, at any depth.

    The ids to delete are gathered first, table by table (parents before
    children, into temporary tables), then deleted: PostgreSQL checks the
    foreign keys at commit, so the order of the deletes does not matter. Run
    inside a transaction.
    """
    employer_model = apps.get_model("employers", "Employer")
    user_model = apps.get_model(*_user_label())
    notification = apps.get_model("secor", "Notification")
    q = connection.ops.quote_name
    deleted: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {q(notification._meta.db_table)} WHERE key LIKE %s",
            [NOTIFICATION_KEY + "%"],
        )
        deleted[notification._meta.label] = cursor.rowcount
        marked: dict = {}  # model → temporary tables of its ids to delete
        queue = []
        made = iter(range(10**6))

        def mark(model, select_sql: str, params) -> None:
            temp = f"scale_wipe_{next(made)}"
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS {select_sql}", params)
            cursor.execute(f"SELECT count(*) FROM {temp}")
            if cursor.fetchone()[0]:
                marked.setdefault(model, []).append(temp)
                queue.append((model, temp))
            else:
                cursor.execute(f"DROP TABLE {temp}")

        pk = q(employer_model._meta.pk.column)
        mark(
            employer_model,
            f"SELECT {pk} AS id FROM {q(employer_model._meta.db_table)} WHERE legal_name LIKE %s",
            [PREFIX + "%"],
        )
        mark(
            user_model,
            f"SELECT {q(user_model._meta.pk.column)} AS id FROM {q(user_model._meta.db_table)} "
            "WHERE email LIKE %s",
            ["%" + USER_DOMAIN],
        )
        while queue:
            target, temp = queue.pop(0)
            for model, column in _referencing(target):
                if model is target:
                    continue  # a row pointing at its own kind (a follow-up audit) is marked already
                table, model_pk = q(model._meta.db_table), q(model._meta.pk.column)
                seen = "".join(
                    f" AND {model_pk} NOT IN (SELECT id FROM {t})" for t in marked.get(model, [])
                )
                mark(
                    model,
                    f"SELECT {model_pk} AS id FROM {table} WHERE {q(column)} IN "
                    f"(SELECT id FROM {temp}){seen}",
                    [],
                )
        for model, temps in marked.items():
            table, model_pk = q(model._meta.db_table), q(model._meta.pk.column)
            union = " UNION ".join(f"SELECT id FROM {t}" for t in temps)
            cursor.execute(f"DELETE FROM {table} WHERE {model_pk} IN ({union})")
            deleted[model._meta.label] = cursor.rowcount
        for temps in marked.values():
            for t in temps:
                cursor.execute(f"DROP TABLE {t}")  # a second wipe in one transaction reuses names
    return {k: v for k, v in deleted.items() if v}


def _user_label() -> tuple[str, str]:
    from django.conf import settings

    return tuple(settings.AUTH_USER_MODEL.split("."))  # type: ignore[return-value]


def build(plan: ScalePlan) -> ScalePlan:
    """Run every app's scale builder in app order (`hooks.scale_builders`)."""
    from . import hooks

    hooks.scale_builders.call(plan)
    return plan
