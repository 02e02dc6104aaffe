"""SQL aggregates the ORM lacks, written once for PostgreSQL and SQLite alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject


class JSONList(Aggregate):
    """The aggregated values as one JSON array (PostgreSQL ``JSONB_AGG``, SQLite
    ``JSON_GROUP_ARRAY``), read back as a Python list. No order is promised: sort
    the list in Python."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def related_values(queryset, parent: str, **fields) -> Subquery:
    """A subquery giving, for each outer row, its ``queryset`` rows as a list of dicts.

    ``parent`` is the field of ``queryset``'s model that points at the outer row;
    ``fields`` name each dict's keys and the expressions read (as ``JSONObject``).
    The outer row gets None when it has no such row. One query reads a parent with
    its small lists of children (a course and its prerequisites), where
    ``prefetch_related`` would read each list with a query of its own.
    """
    return Subquery(
        queryset.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(_rows=JSONList(JSONObject(**fields)))
        .values("_rows"),
        output_field=JSONField(),
    )


# Field types a JSON row carries faithfully (a number, a string, a boolean, a date).
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def related_rows(queryset, parent: str, fields: list[str]) -> Subquery:
    """``related_values`` of model fields, for ``rows_of`` to make instances of."""
    model = queryset.model
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, _PLAIN) or isinstance(field, models.DateTimeField):
            raise TypeError(f"{model.__name__}.{name}: a JSON row does not keep its type.")
    return related_values(
        queryset, parent, **{model._meta.get_field(n).attname: n for n in ["id", *fields]}
    )


def _python(field, value):
    if value is None:
        return None
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return bool(value)  # SQLite says 1 or 0
    if isinstance(field, models.DecimalField):
        # A JSON number: the column's own decimal places, as the database gives them.
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def rows_of(model, rows) -> list:
    """Instances of ``model`` from ``related_rows`` dicts, as if read by a queryset.

    Only the fields read are loaded; any other loads on access (one query), as
    with ``QuerySet.only``.
    """
    found = []
    for row in rows or ():
        # `from_db` takes the values in the model's field order.
        fields = [f for f in model._meta.concrete_fields if f.attname in row]
        names = [f.attname for f in fields]
        values = [_python(f, row[f.attname]) for f in fields]
        found.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
    return found
