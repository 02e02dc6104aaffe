"""The list pages' shared table component: one page of rows, filters and sort in the URL,
and the whole filtered list as CSV, streamed.

Every staff list (directory, verification queue, audits, milestone board, review queue)
is a `ListTable` (django-tables2) over a django-filter queryset:

    table = MyTable(filterset.qs)
    paginate(request, table)                    # the page: never more than PER_PAGE rows
    return stream_csv(table, "acsa-audits.csv")  # the export: every row, chunk by chunk

A table whose rows need related data the queryset can't select (milestones of an
enrollment…) overrides `prepare(records)`: it is called once per page, and once per
chunk of the export, so the query count doesn't grow with the rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django_scopes import get_scope, scope
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow


def _keep_signatures() -> None:
    """django-tables2 reads a render method's signature (``inspect.signature``) for
    every cell it renders, to pass only the arguments the method takes: a list page of
    25 rows and 7 columns reads the same few signatures 175 times. The answer depends
    on the function alone, so it is read once per function."""
    from django_tables2 import utils

    if getattr(utils.signature, "kept", False):
        return
    read = utils.signature
    known: dict = {}

    def signature(fn):
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        try:
            return known[key]
        except KeyError:
            known[key] = found = read(fn)
            return found
        except TypeError:  # an unhashable callable
            return read(fn)

    signature.kept = True
    utils.signature = signature


_keep_signatures()

PER_PAGE = 25
CHUNK = 2000
# django-tables2's Bootstrap 5 layout with the rows written by `ListTable.body_html`.
TEMPLATE = "includes/list_table.html"
ATTRS = {"class": "table table-sm table-hover align-middle"}


class ListTable(tables.Table):
    """A django-tables2 table with a per-page (and per-export-chunk) bulk load hook."""

    class Meta:
        template_name = TEMPLATE
        attrs = ATTRS

    def prepare(self, records: list) -> None:
        """Load what the rows of `records` need, in a fixed number of queries."""

    def body_html(self):
        """The page's rows, the cells django-tables2 renders, written here, not by its template.

        Its template works out each column's ``<td>`` attributes and localisation for
        every cell of every row: most of a list page's time, growing with the rows
        shown. They are per column here (worked out once per page), unless a column's
        attributes are callables of the cell, which then get their cell as usual.
        """
        columns = list(self.columns)
        fixed = {}
        for column in columns:
            if not any(callable(v) for v in column.column.attrs.get("td", {}).values()):
                fixed[column.name] = column.attrs["td"].as_html()
        out = []
        for row in self.paginated_rows:
            cells = []
            for column, cell in row.items():  # sets the cell on the column, for callables
                attrs = fixed.get(column.name)
                if attrs is None:
                    attrs = column.attrs["td"].as_html()
                if column.localize is not False:
                    cell = formats.localize(cell, use_l10n=column.localize)
                # ``as_html`` is escaped already; the cell is escaped unless it is safe.
                cells.append(f"<td {attrs}>{conditional_escape(cell)}</td>")
            out.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
        return mark_safe("\n".join(out))


def paginate(request, table: tables.Table, *, per_page: int = PER_PAGE) -> tables.Table:
    """Sort and paginate from the URL (`?sort=…&page=…`); an out-of-range page shows the last."""
    RequestConfig(request, paginate={"per_page": per_page, "orphans": 0}).configure(table)
    if isinstance(table, ListTable):
        table.prepare([row.record for row in table.page.object_list])
    return table


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    # ``value[:1] in "…"`` is true for "" (the empty string is in every string),
    # so the first character is tested only when there is one.
    return "'" + value if isinstance(value, str) and value and value[0] in "=+-@\t\r" else value


class _Echo:
    def write(self, value):
        return value


def _records(data) -> Iterator[list]:
    # A queryset is read with `.iterator()`: the whole list is never held in memory.
    if isinstance(data, QuerySet):
        chunk: list = []
        for record in data.iterator(chunk_size=CHUNK):
            chunk.append(record)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    else:
        yield list(data)


def csv_rows(table: tables.Table) -> Iterator[list]:
    """The header, then each record's export values (`value_<column>` where defined)."""
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    yield [force_str(c.header, strings_only=True) for c in columns]
    for chunk in _records(table.data.data):
        if isinstance(table, ListTable):
            table.prepare(chunk)
        for record in chunk:
            row = BoundRow(record, table=table)
            yield [force_str(row.get_cell_value(c.name), strings_only=True) for c in columns]


def stream_csv(
    table: tables.Table | None,
    filename: str,
    *,
    request=None,
    rows: Iterable[list] | None = None,
) -> StreamingHttpResponse:
    """The whole filtered, sorted table as a streamed CSV download.

    Pass `request` to apply the URL's sort (`?sort=`) first; or no table and
    `rows` (the header, then each row, produced lazily) for a list of its own.
    """
    if request is not None and table is not None:
        RequestConfig(request, paginate=False).configure(table)
    writer = csv.writer(_Echo())
    # The body is read after the view has returned: the association's scope and time
    # zone are re-entered around it, or the first related query would fail closed.
    tenant = get_scope().get("association")
    zone = timezone.get_current_timezone()

    def body():
        with scope(association=tenant), timezone.override(zone):
            yield "\ufeff"  # Excel opens UTF-8 correctly with a byte-order mark.
            for row in rows if rows is not None else csv_rows(table):
                yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
