"""The staff list pages and home figures stay flat as an association grows.

Every list (directory, audits, milestone board, training verification, review queue)
is one page of the shared table component (`secor.tables`) with a streamed CSV of the
whole filtered list; query counts are the same at 5 and at 200 rows of each kind.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit, Milestone
from audits.selectors import staff_audit_counts
from audits.snapshot import rules_snapshot
from employers.filters import EmployerFilter
from employers.models import Employer
from secor.dates import association_today
from secor.models import Role
from secor.tables import PER_PAGE
from secor.tenancy import activate

from ..audits.factories import audit, enrollment, seeded
from ..conftest import member
from ..factories import EmployerFactory, WCBAccountFactory
from ..training.factories import TrainingRecordFactory

PAGES = [
    ("employers:directory", "employers:directory_export"),
    ("audits:list", "audits:list_export"),
    ("audits:milestone_board", "audits:milestone_board_export"),
    ("training:verification_queue", "training:verification_queue_export"),
    ("submissions:review_queue", "submissions:review_queue_export"),
    ("audits:certificate_list", "audits:certificate_export"),
]


def populate(association, count: int) -> None:
    """`count` employers, each with an open enrollment, a planned audit (some overdue,
    some due soon), a milestone and a pending training record."""
    seeded(association)
    today = association_today(association)
    for i in range(count):
        employer = EmployerFactory(association=association, legal_name=f"Employer {i:04d}")
        WCBAccountFactory(association=association, employer=employer)
        e = enrollment(association, employer=employer)
        end = today - timedelta(days=(i % 60))
        audit(association, employer, data_gathering_start=end, data_gathering_end=end)
        with activate(association):
            Milestone.objects.create(
                association=association,
                employer=employer,
                enrollment=e,
                code="manual",
                label="Manual submitted",
                opens_on=today - timedelta(days=90),
                due_on=today + timedelta(days=i % 40 - 20),
            )
        TrainingRecordFactory(employer=employer)


def people(association, count: int) -> None:
    """`count` members of the association: staff and employer users, some inactive."""
    for i in range(count):
        role = [Role.REVIEWER, Role.AUDITOR, Role.EMPLOYER][i % 3]
        user = member(association, role, mfa=False)
        if i % 7 == 0:
            user.membership.is_active = False
            user.membership.save(update_fields=["is_active"])


def url(name, association):
    return reverse(name, kwargs={"association_slug": association.slug})


def captured_sql(client, path) -> list[str]:
    """The SQL of one GET of `path` (a streamed body read to the end)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200, path
        if response.streaming:
            b"".join(response.streaming_content)
    return [q["sql"] for q in captured.captured_queries]


def count_queries(client, path) -> int:
    return len(captured_sql(client, path))


def streamed_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def admin(association):
    return member(association, Role.PROGRAM_ADMIN)


def test_list_pages_and_home_use_the_same_number_of_queries_at_5_and_200_rows(
    client, association, admin
):
    client.force_login(admin)
    paths = [url("association_home", association), url("staff", association)]
    for page, export in PAGES:
        paths += [url(page, association), url(export, association)]
    populate(association, 5)
    people(association, 5)
    for path in paths:
        count_queries(client, path)  # the first visit stores the association in the session
    small = {path: count_queries(client, path) for path in paths}
    populate(association, 195)
    people(association, 195)
    large = {path: count_queries(client, path) for path in paths}
    assert large == small
    print("queries at 5 and 200 rows:", small)  # noqa: T201 - the report reads them


@pytest.mark.parametrize(("page", "export"), PAGES[:4])
def test_a_list_page_renders_one_page_of_rows_and_the_export_every_row(
    client, association, admin, page, export
):
    client.force_login(admin)
    populate(association, PER_PAGE + 5)
    response = client.get(url(page, association))
    table = response.context["table"]
    assert table.paginator.count == PER_PAGE + 5
    assert len(table.page.object_list) == PER_PAGE
    assert response.content.decode().count("<tr") <= PER_PAGE + 1  # the header row
    second = client.get(url(page, association) + "?page=2").context["table"]
    assert len(second.page.object_list) == 5
    exported = client.get(url(export, association))
    assert exported.streaming
    assert len(streamed_rows(exported)) == PER_PAGE + 5 + 1


def test_the_audits_list_shows_every_open_audit_past_the_old_cap_of_500(association):
    # The old page silently cut the list at 500; the table counts in SQL and pages.
    populate(association, 3)
    with activate(association):
        audits = list(Audit.objects.all())
    with activate(association):
        Audit.objects.bulk_create(
            [
                Audit(
                    **{
                        f.attname: getattr(audits[0], f.attname)
                        for f in Audit._meta.concrete_fields
                        if f.name != "id"
                    }
                )
                for _ in range(520)
            ]
        )
        from audits.filters import AuditFilter

        assert AuditFilter({}, queryset=Audit.objects.all()).qs.count() == 523


def test_home_figures_count_overdue_and_due_soon_reports_in_sql(association):
    populate(association, 60)
    today = association_today(association)
    with activate(association):
        planned = list(Audit.objects.filter(status="planned"))
        assert all(a.submission_due_on is not None for a in planned)
        expected_overdue = sum(1 for a in planned if a.submission_due_on < today)
        expected_soon = sum(
            1 for a in planned if today <= a.submission_due_on <= today + timedelta(days=30)
        )
        with CaptureQueriesContext(connection) as captured:
            counts = staff_audit_counts(association, today)
    assert counts == {"overdue": expected_overdue, "due_soon": expected_soon}
    assert expected_overdue and expected_soon
    assert len(captured) == 1


def test_moving_an_audits_dates_rewrites_its_stored_report_due_date(association):
    populate(association, 1)
    with activate(association):
        a = Audit.objects.get()
        before = a.submission_due_on
        a.data_gathering_end = a.data_gathering_end + timedelta(days=3)
        a.data_gathering_start = a.data_gathering_end
        a.save(update_fields=["data_gathering_start", "data_gathering_end"])
        a.refresh_from_db()
    assert a.submission_due_on == before + timedelta(days=3)


# --- Directory search ---------------------------------------------------------------------


@pytest.fixture
def searchable(association):
    roofing = EmployerFactory(
        association=association, legal_name="Prairie Roofing Ltd.", operating_name="PR Crew"
    )
    WCBAccountFactory(association=association, employer=roofing, account_number="4815162342")
    paving = EmployerFactory(association=association, legal_name="Big Paving Inc.")
    WCBAccountFactory(association=association, employer=paving, account_number="9999000")
    return roofing, paving


def search(association, q):
    with activate(association):
        qs = EmployerFilter({"q": q}, queryset=Employer.objects.all()).qs
        return sorted(e.legal_name for e in qs)


def test_directory_search_finds_name_fragments_in_any_case(association, searchable):
    assert search(association, "roof") == ["Prairie Roofing Ltd."]
    assert search(association, "AVING") == ["Big Paving Inc."]
    assert search(association, "pr crew") == ["Prairie Roofing Ltd."]
    assert search(association, "nothing like it") == []


def test_directory_search_finds_an_exact_wcb_number_with_spaces_ignored(association, searchable):
    assert search(association, "4815162342") == ["Prairie Roofing Ltd."]
    assert search(association, " 48 1516 2342 ") == ["Prairie Roofing Ltd."]
    assert search(association, "9999000") == ["Big Paving Inc."]
    assert search(association, "1234") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_directory_search_conditions_can_use_the_trigram_and_wcb_number_indexes(
    association, searchable
):
    with activate(association):
        name_sql = str(EmployerFilter({"q": "roof"}, queryset=Employer.objects.all()).qs.query)
    # The conditions Django writes for the two searches, planned on their own tables.
    assert "UPPER(" in name_sql
    plans = {}
    with connection.cursor() as cursor:
        # Tiny test tables are cheaper to scan: forbid that to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for index, sql in {
            "employer_legal_name_trgm": "SELECT id FROM employers_employer "
            "WHERE UPPER(legal_name::text) LIKE UPPER('%roof%')",
            "employer_operating_name_trgm": "SELECT id FROM employers_employer "
            "WHERE UPPER(operating_name::text) LIKE UPPER('%crew%')",
            "wcbaccount_number_upper_idx": "SELECT employer_id FROM employers_wcbaccount "
            "WHERE UPPER(account_number::text) = UPPER('4815162342')",
        }.items():
            cursor.execute("EXPLAIN " + sql)
            plans[index] = "\n".join(row[0] for row in cursor.fetchall())
    for index, plan in plans.items():
        assert index in plan, plan


def test_the_people_page_renders_one_page_of_members(client, association, admin):
    client.force_login(admin)
    people(association, PER_PAGE + 5)
    response = client.get(url("staff", association))
    table = response.context["table"]
    assert table.paginator.count == PER_PAGE + 6  # and the admin
    assert len(table.page.object_list) == PER_PAGE
    body = response.content.decode()
    assert body.count("<tr") <= PER_PAGE + 1
    assert body.count('name="change" value="role"') + body.count('value="reactivate"') >= 20
    second = client.get(url("staff", association) + "?page=2").context["table"]
    assert len(second.page.object_list) == 6


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_get_of_a_list_page_writes_nothing(client, association, admin):
    """Directory, queues, audits, board, certificates, people, home and every export:
    reads only (the session is stored on the first visit, before the check)."""
    client.force_login(admin)
    populate(association, 5)
    people(association, 5)
    paths = [url("association_home", association), url("staff", association)]
    for page, export in PAGES:
        paths += [url(page, association), url(export, association)]
    for path in paths:
        captured_sql(client, path)
    wrote = {
        path: [sql[:60] for sql in captured_sql(client, path) if sql.lstrip().startswith(WRITES)]
        for path in paths
    }
    assert {path: sql for path, sql in wrote.items() if sql} == {}


def test_the_public_registry_csv_streams_every_row_in_the_same_queries(client, association):
    from ..audits.certificate_setup import make_certificate

    association.public_registry = True
    association.save(update_fields=["public_registry"])
    today = association_today(association)
    path = reverse("verify_registry_csv", kwargs={"association_slug": association.slug})

    def certify(n):
        for _ in range(n):
            make_certificate(
                association,
                issued_on=today - timedelta(days=30),
                expires_on=today + timedelta(days=700),
            )

    certify(2)
    small = captured_sql(client, path)
    certify(28)
    response = client.get(path)
    assert response.streaming
    assert len(streamed_rows(response)) == 30 + 1
    large = captured_sql(client, path)
    assert len(large) == len(small)
    assert not [sql for sql in large if sql.lstrip().startswith(WRITES)]


def test_an_employers_training_records_are_paged_in_the_same_queries(client, association, admin):
    """The employer's training page lists one page of records, whatever their number."""
    client.force_login(admin)
    employer = EmployerFactory(association=association)
    first = TrainingRecordFactory(employer=employer)
    path = reverse(
        "training:employer",
        kwargs={"association_slug": association.slug, "employer_id": employer.pk},
    )
    for _ in range(4):
        TrainingRecordFactory(employer=employer, worker=first.worker)
    captured_sql(client, path)
    small = count_queries(client, path)
    for _ in range(PER_PAGE + 5):
        TrainingRecordFactory(employer=employer, worker=first.worker)
    assert count_queries(client, path) == small
    table = client.get(path).context["records"]
    assert table.paginator.count == PER_PAGE + 10
    assert len(table.page.object_list) == PER_PAGE


def test_stored_report_due_dates_follow_the_pure_schedule_through_a_rule_change(association):
    """The column is `schedule.submission_deadline` of the audit's own frozen rules: a rule
    change leaves a planned audit's date (it keeps its snapshot) and sets the next one's."""
    from audits import services
    from audits.schedule import submission_deadline
    from audits.snapshot import rules_from_snapshot

    def pure(a):
        return submission_deadline(a.data_gathering_end, rules_from_snapshot(a.rules_snapshot))

    populate(association, 1)
    with activate(association):
        before = Audit.objects.get()
        assert before.submission_due_on == pure(before)
        rules = services.selectors.program_rules(before.enrollment.program)
        days = rules.submission_within_days
        services.rules_update(rules=rules, actor=None, data={"submission_within_days": days + 9})
        before.refresh_from_db()
        assert before.submission_due_on == pure(before)
        later = audit(
            association,
            data_gathering_start=date(2026, 3, 1),
            data_gathering_end=date(2026, 3, 5),
            rules_snapshot=rules_snapshot(rules),
        )
        later.refresh_from_db()
        assert later.submission_due_on == pure(later)
        old_rules = rules_from_snapshot(before.rules_snapshot)
        assert later.submission_due_on != submission_deadline(later.data_gathering_end, old_rules)
