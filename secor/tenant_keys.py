"""Keys that cannot point across tenants (ADR 0006), derived from the model graph.

Django's foreign keys reference ``id`` alone, so nothing in the database stops a
row of one association from pointing at another association's row. On
PostgreSQL every foreign key between two tenant models (models with an
``association`` key) gets a second, composite constraint:

* the parent table: ``UNIQUE (association_id, id)``;
* the child table: ``FOREIGN KEY (association_id, x_id) REFERENCES parent
  (association_id, id)``, deferrable like Django's own keys, MATCH SIMPLE (a
  null ``x_id`` is not checked, as with the single-column key).

The list of keys is read from the models, never written by hand:
``tenant_foreign_keys(apps)`` walks every model that has an ``association``
foreign key and yields each of its database-enforced foreign keys onto another
such model. Migrations call ``ensure_tenant_keys(app_label)`` (a ``RunPython``
operation) after they add a tenant model or a foreign key between two; it adds
only what is missing, so running it again changes nothing. A test compares the
constraints in the database with the graph and names any key a migration forgot.

SQLite (the embedded default for ``make run``) gets none of this: it has no
``ALTER TABLE … ADD CONSTRAINT``, and the scoped managers still keep tenants apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import migrations

TENANT_FIELD = "association"
MAX_NAME_LENGTH = 63  # PostgreSQL truncates longer identifiers


@dataclass(frozen=True)
class TenantKey:
    """One composite key: ``child (association_id, column) → parent (association_id, id)``."""

    child_table: str
    column: str
    parent_table: str
    parent_column: str
    app_label: str  # the child's app: its migrations own the constraint

    @property
    def name(self) -> str:
        return constraint_name(self.child_table, self.column, "tenant_fk")

    @property
    def parent_unique_name(self) -> str:
        return constraint_name(self.parent_table, self.parent_column, "tenant_key")

    def definition(self) -> str:
        """The constraint as ``pg_get_constraintdef`` prints it."""
        return (
            f"FOREIGN KEY (association_id, {self.column}) REFERENCES "
            f"{self.parent_table}(association_id, {self.parent_column}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def constraint_name(table: str, column: str, suffix: str) -> str:
    """A stable name within PostgreSQL's 63 characters (a hash keeps long ones distinct)."""
    digest = hashlib.sha256(f"{table}.{column}".encode()).hexdigest()[:8]
    prefix = f"{table}_{column}"[: MAX_NAME_LENGTH - len(suffix) - len(digest) - 2]
    return f"{prefix}_{digest}_{suffix}"


def is_tenant_model(model) -> bool:
    try:
        field = model._meta.get_field(TENANT_FIELD)
    except Exception:  # FieldDoesNotExist, without importing it for one except
        return False
    return field.many_to_one and field.concrete


def tenant_foreign_keys(apps, app_label: str | None = None) -> list[TenantKey]:
    """Every database-enforced foreign key from a tenant model onto another.

    ``apps`` is the app registry (``django.apps.apps``) or a migration's
    historical one. Unmanaged and proxy models, and keys with
    ``db_constraint=False`` (django-simple-history's copies), are left out.
    """
    keys = []
    for model in apps.get_models():
        opts = model._meta
        if not opts.managed or opts.proxy or not is_tenant_model(model):
            continue
        if app_label is not None and opts.app_label != app_label:
            continue
        for field in opts.concrete_fields:
            if not field.many_to_one and not field.one_to_one:
                continue
            if field.name == TENANT_FIELD or not field.db_constraint:
                continue
            parent = field.related_model
            if not is_tenant_model(parent) or parent._meta.proxy:
                continue
            keys.append(
                TenantKey(
                    child_table=opts.db_table,
                    column=field.column,
                    parent_table=parent._meta.db_table,
                    parent_column=field.target_field.column,
                    app_label=opts.app_label,
                )
            )
    return sorted(keys, key=lambda k: (k.child_table, k.column))


def _existing_constraints(cursor, names) -> set[str]:
    cursor.execute("SELECT conname FROM pg_constraint WHERE conname = ANY(%s)", [list(names)])
    return {row[0] for row in cursor.fetchall()}


def _cross_tenant_rows(cursor, key: TenantKey) -> int:
    cursor.execute(
        f'SELECT count(*) FROM "{key.child_table}" c JOIN "{key.parent_table}" p '
        f'ON p."{key.parent_column}" = c."{key.column}" '
        "WHERE p.association_id <> c.association_id"
    )
    return cursor.fetchone()[0]


def add_missing(apps, schema_editor, app_label: str | None = None) -> list[str]:
    """Add the tenant keys (and their parents' unique keys) not yet in the database.

    Returns the names added. Existing rows that already point across tenants
    stop the migration with a message naming the table and the count, rather
    than a bare constraint error.
    """
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return []
    keys = tenant_foreign_keys(apps, app_label)
    added = []
    with connection.cursor() as cursor:
        wanted = {k.name for k in keys} | {k.parent_unique_name for k in keys}
        existing = _existing_constraints(cursor, wanted) if wanted else set()
        for key in keys:
            if key.parent_unique_name not in existing:
                cursor.execute(
                    f'ALTER TABLE "{key.parent_table}" ADD CONSTRAINT '
                    f'"{key.parent_unique_name}" UNIQUE (association_id, "{key.parent_column}")'
                )
                existing.add(key.parent_unique_name)
                added.append(key.parent_unique_name)
        for key in keys:
            if key.name in existing:
                continue
            wrong = _cross_tenant_rows(cursor, key)
            if wrong:
                raise RuntimeError(
                    f"{wrong} row(s) of {key.child_table} point through {key.column} at a "
                    f"{key.parent_table} row of another association; correct them before "
                    "migrating (ADR 0006)."
                )
            cursor.execute(
                f'ALTER TABLE "{key.child_table}" ADD CONSTRAINT "{key.name}" '
                f'FOREIGN KEY (association_id, "{key.column}") '
                f'REFERENCES "{key.parent_table}" (association_id, "{key.parent_column}") '
                "DEFERRABLE INITIALLY DEFERRED"
            )
            existing.add(key.name)
            added.append(key.name)
    return added


def drop(apps, schema_editor, app_label: str | None = None) -> None:
    """Undo ``add_missing`` for one app's keys (unique keys still referenced stay)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    keys = tenant_foreign_keys(apps, app_label)
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(
                f'ALTER TABLE "{key.child_table}" DROP CONSTRAINT IF EXISTS "{key.name}"'
            )
        for name, table in {(k.parent_unique_name, k.parent_table) for k in keys}:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE confrelid = %s::regclass AND conname LIKE %s",
                [table, "%_tenant_fk"],
            )
            if cursor.fetchone() is None:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')


def ensure_tenant_keys(app_label: str) -> migrations.RunPython:
    """The migration operation: add ``app_label``'s missing tenant keys (PostgreSQL only)."""

    def forwards(apps, schema_editor):
        add_missing(apps, schema_editor, app_label)

    def backwards(apps, schema_editor):
        drop(apps, schema_editor, app_label)

    return migrations.RunPython(forwards, backwards, elidable=False)


def constraints_in_database(connection) -> dict[str, str]:
    """Name → definition of every composite tenant key the database has (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname LIKE %s OR conname LIKE %s",
            ["%\\_tenant\\_fk", "%\\_tenant\\_key"],
        )
        return dict(cursor.fetchall())
