"""SQL aggregates the ORM lacks, written once for PostgreSQL and SQLite alike."""

from __future__ import annotations

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
