"""The program dashboard: aggregates read in SQL, charts with their tables, CSV, access."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import selectors as audit_selectors
from employers import selectors as employer_selectors
from secor.models import Program
from secor.tenancy import activate
from submissions import review
from submissions.models import Submission
from training import selectors as training_selectors

from ..audits.certificate_setup import make_certificate
from ..conftest import member
from ..factories import EmployerFactory, EnrollmentFactory
from ..training.factories import TrainingRecordFactory

TODAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 10, 18, tzinfo=UTC)  # 11:00 in Edmonton, same local day
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


def program(association) -> Program:
    with activate(association):
        return Program.objects.get_or_create(association=association, kind="secor")[0]


def submission(association, *, status, received, decided=None, by=None, corrections_due=None):
    """A submission row as the workflow leaves it (no file: the dashboard reads statuses)."""
    employer = EmployerFactory(association=association)
    with activate(association):
        s = Submission.objects.create(
            association=association,
            employer=employer,
            program=program(association),
            kind="safety_manual",
            file=f"submissions/test/{employer.pk}.zip",
            status=status,
            decided_by=by,
            decided_at=decided,
            corrections_due_on=corrections_due,
        )
        Submission.objects.filter(pk=s.pk).update(received_at=received)
    return s


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def decided_after(association, reviewer, days: float):
    received = at(TODAY - timedelta(days=40))
    return submission(
        association,
        status="accepted",
        received=received,
        decided=received + timedelta(days=days),
        by=reviewer,
    )


def url(association, name="dashboard", **kwargs):
    return reverse(name, kwargs={"association_slug": association.slug, **kwargs})


def export(association, key: str) -> str:
    return url(association, "dashboard_export") + f"?chart={key}"


# --- Selectors, on real rows --------------------------------------------------------------


def test_turnaround_median_and_p90_per_reviewer(association, reviewer, admin_user):
    for days in (1, 2, 3, 4, 10):
        decided_after(association, reviewer, days)
    decided_after(association, admin_user, 2)
    old = at(TODAY - timedelta(days=500))  # decided before the year counted: left out
    submission(association, status="accepted", received=old, decided=old, by=reviewer)

    with activate(association):
        figures = review.dashboard_figures(association, today=TODAY)
    rows = {r.user_id: r for r in figures.turnaround}

    # percentile_cont: the median of 1, 2, 3, 4, 10 is 3; the 90th percentile lies 0.6 of
    # the way from 4 to 10: 7.6.
    assert (rows[reviewer.pk].decided, rows[reviewer.pk].median_days) == (5, 3.0)
    assert rows[reviewer.pk].p90_days == 7.6
    assert (rows[admin_user.pk].median_days, rows[admin_user.pk].p90_days) == (2.0, 2.0)
    assert review.percentile_cont([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)
    assert review.percentile_cont([], 0.5) is None


def test_counts_by_status_and_overdue(association, other_association):
    submission(association, status="awaiting_review", received=at(TODAY - timedelta(days=60)))
    submission(association, status="awaiting_review", received=at(TODAY))
    submission(
        association,
        status="corrections_requested",
        received=at(TODAY - timedelta(days=30)),
        corrections_due=TODAY - timedelta(days=1),
    )
    submission(other_association, status="awaiting_review", received=at(TODAY - timedelta(60)))
    EnrollmentFactory(employer=EmployerFactory(association=association), status="certified")

    with activate(association):
        figures = review.dashboard_figures(association, today=TODAY)
        enrollments = employer_selectors.enrollments_by_status(association)

    assert figures.by_status == {"awaiting_review": 2, "corrections_requested": 1}
    assert figures.overdue == {"awaiting_review": 1, "corrections_requested": 1}
    assert figures.months[-1] == (date(2026, 3, 1), 1) and len(figures.months) == 36
    assert (date(2026, 1, 1), 1) in figures.months and (date(2026, 2, 1), 1) in figures.months
    assert enrollments["certified"] == 1


def test_certificates_expiring_in_the_next_90_days_by_month(association):
    make_certificate(association, expires_on=TODAY + timedelta(days=5))  # March
    make_certificate(association, expires_on=date(2026, 5, 20))  # May
    make_certificate(association, expires_on=TODAY + timedelta(days=91))  # past the window
    make_certificate(association, expires_on=TODAY + timedelta(days=6), status="suspended")

    with activate(association):
        months = audit_selectors.certificates_expiring_by_month(association, today=TODAY)

    assert months == [
        (date(2026, 3, 1), 1),
        (date(2026, 4, 1), 0),
        (date(2026, 5, 1), 1),
        (date(2026, 6, 1), 0),
    ]


def test_training_records_waiting_by_days_waiting(association):
    employer = EmployerFactory(association=association)
    ages = (0, 7, 8, 30, 31, 90)
    for days in ages:
        record = TrainingRecordFactory(employer=employer)
        with activate(association):
            type(record).objects.filter(pk=record.pk).update(
                created_at=at(TODAY - timedelta(days=days))
            )
    TrainingRecordFactory(employer=employer, verified=True)  # not waiting

    with activate(association):
        buckets = training_selectors.pending_by_age(association, today=TODAY)

    assert buckets == [((0, 7), 2), ((8, 30), 2), ((31, None), 2)]


# --- The page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("program_admin", 200), ("reviewer", 200), ("auditor", 200), ("employer", 403)],
)
def test_who_opens_the_dashboard(client, association, role, status):
    employer = EmployerFactory(association=association) if role == "employer" else None
    client.force_login(member(association, role, employer=employer))
    assert client.get(url(association)).status_code == status
    assert client.get(export(association, "surge")).status_code == status


def test_the_dashboard_counts_only_its_own_association(client, association, other_association):
    submission(other_association, status="in_review", received=at(TODAY - timedelta(days=3)))
    EnrollmentFactory(employer=EmployerFactory(association=other_association, legal_name="Hid"))
    client.force_login(member(association, "program_admin"))

    response = client.get(url(association))
    page = response.content.decode()

    charts = {s["key"]: s["chart"] for s in response.context["sections"]}
    assert set(charts) == {
        "enrollments",
        "certificates-expiring",
        "audits",
        "submissions",
        "overdue",
        "turnaround",
        "surge",
        "training-pending",
    }
    in_review = next(r for r in charts["submissions"].table.rows if r[0].text == "In review")
    assert in_review[1].text == "0"
    assert sum(int(r[1].text) for r in charts["enrollments"].table.rows) == 0
    assert "Hid" not in page
    # Staff of the other association do not see this one's dashboard at all.
    client.force_login(member(other_association, "program_admin"))
    assert client.get(url(association)).status_code == 404


def test_each_chart_has_its_table_links_and_csv(client, association):
    submission(association, status="in_review", received=at(TODAY - timedelta(days=3)))
    client.force_login(member(association, "program_admin"))

    page = client.get(url(association)).content.decode()

    for key in ("enrollments", "submissions", "surge", "turnaround", "training-pending"):
        assert export(association, key) in page
    assert page.count('class="table table-sm w-auto chart-table"') == 8
    # A picture whose bars link is hidden from screen readers: its table carries the links.
    submissions = page[page.index('id="section-submissions"') :]
    assert submissions.index('aria-hidden="true" focusable="false"') < submissions.index("<table")
    queue = reverse("submissions:review_queue", kwargs={"association_slug": association.slug})
    assert f'href="{queue}?status=in_review"' in page
    assert f"{queue}?status=&amp;received_from=2026-03-01&amp;received_to=2026-03-31" in page
    assert "style=" not in page


def test_csv_export_of_one_chart(client, association):
    submission(association, status="in_review", received=at(TODAY - timedelta(days=3)))
    submission(association, status="in_review", received=at(date(2025, 11, 2)))
    client.force_login(member(association, "program_admin"))

    response = client.get(export(association, "surge"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="amta-surge-2026-03-10.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Month", "Received"]
    assert len(rows) == 1 + 36
    assert rows[-1] == ["March 2026", "1"] and ["November 2025", "1"] in rows
    assert client.get(export(association, "nothing")).status_code == 404
    unnamed = client.get(url(association, "dashboard_export"))
    assert unnamed.status_code == 400 and b"?chart= one of enrollments," in unnamed.content


def _section_queries(association) -> int:
    """The dashboard's own reads: every section's figures, each read once, as the page does."""
    from secor import dashboard

    with activate(association), CaptureQueriesContext(connection) as ctx:
        read = dashboard.figures(association, TODAY, refresh=True)
        for section in dashboard.sections():
            dashboard.chart(section, association, TODAY, read)
    return len(ctx.captured_queries)


# What every signed-in staff page reads: the transaction (BEGIN, COMMIT), the user, their
# memberships (the page's and the switcher's, with the unread notifications), their TOTP.
PAGE_QUERIES = 5
# One aggregate query per table: enrollments, certificates, audits, submissions, training.
FIGURES_QUERIES = 5


def test_the_dashboard_reads_a_constant_number_of_queries(
    client, association, reviewer, django_assert_num_queries
):
    from secor import dashboard

    client.force_login(member(association, "program_admin"))

    def grow(n):
        for i in range(n):
            decided_after(association, reviewer, 1 + i)
            submission(association, status="awaiting_review", received=at(TODAY - timedelta(i)))
            EnrollmentFactory(employer=EmployerFactory(association=association))
            TrainingRecordFactory(employer=EmployerFactory(association=association))
            make_certificate(association, expires_on=TODAY + timedelta(days=10 + i))

    def cold_and_warm():
        client.get(url(association))  # the session and the menu's cached reads, once
        cache.delete(dashboard._key(association, TODAY))
        with django_assert_num_queries(PAGE_QUERIES + FIGURES_QUERIES):
            cold = client.get(url(association))
        with django_assert_num_queries(PAGE_QUERIES):
            warm = client.get(url(association))
        assert cold.status_code == warm.status_code == 200
        return cold.context["sections"], warm.context["sections"]

    grow(1)
    cold, warm = cold_and_warm()
    assert [s["chart"].table for s in cold] == [s["chart"].table for s in warm]
    assert _section_queries(association) == FIGURES_QUERIES
    grow(8)
    cold, warm = cold_and_warm()
    assert [s["chart"].table for s in cold] == [s["chart"].table for s in warm]
    assert _section_queries(association) == FIGURES_QUERIES


def test_the_figures_are_kept_say_when_they_were_read_and_refresh_on_request(client, association):
    client.force_login(member(association, "program_admin"))

    def in_review(response) -> str:
        charts = {s["key"]: s["chart"] for s in response.context["sections"]}
        return next(r for r in charts["submissions"].table.rows if r[0].text == "In review")[1].text

    first = client.get(url(association))
    # Read at 18:00 UTC: 12:00 in Edmonton (daylight time since March 8), the association's.
    assert 'Figures as of <time datetime="2026-03-10T12:00:00-06:00">12:00</time>' in (
        first.content.decode()
    )
    assert "they are read again after 5 minutes" in first.content.decode()
    assert in_review(first) == "0"
    submission(association, status="in_review", received=at(TODAY - timedelta(days=3)))
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        kept = client.get(url(association))
        export_rows = b"".join(client.get(export(association, "submissions")).streaming_content)
        assert in_review(kept) == "0"  # the kept figures, and the export charts the same
        assert "In review,0" in export_rows.decode("utf-8-sig")
        assert client.get(url(association, "dashboard_refresh")).status_code == 405
        refreshed = client.post(url(association, "dashboard_refresh"))
        assert refreshed.status_code == 302 and refreshed["Location"] == url(association)
        again = client.get(url(association))
    assert in_review(again) == "1"
    assert ">12:02</time>" in again.content.decode()
    # An employer user may not refresh the staff dashboard either.
    client.force_login(
        member(association, "employer", employer=EmployerFactory(association=association))
    )
    assert client.post(url(association, "dashboard_refresh")).status_code == 403


# --- The employer home: next deadlines, the timeline, what blocks certification -------------


def test_the_employer_home_shows_the_next_deadlines_the_timeline_and_what_was_missed(
    client, association
):
    from ..audits.factories import certified

    with time_machine.travel(datetime(2022, 2, 1, 18, tzinfo=UTC), tick=False):
        e, _cycle = certified(association, date(2021, 1, 5))
        other, _c = certified(
            association,
            date(2021, 1, 5),
            employer=EmployerFactory(association=association, legal_name="Other Co"),
        )
        client.force_login(member(association, "employer", employer=e.employer))

        html = client.get(url(association, "association_home")).content.decode()

    assert "Next deadlines:" in html
    assert 'Year 2 maintenance audit due</strong> — <time datetime="2022-12-31">' in html
    assert 'class="cycle-timeline cycle-timeline-wide"' in html  # the shared chart include
    assert "Every date on this timeline" in html  # its table, folded under the chart
    assert "Other Co" not in html
    assert "style=" not in html


def test_a_missed_maintenance_audit_blocks_certification_on_the_employer_home(client, association):
    from ..audits.factories import certified

    with time_machine.travel(datetime(2022, 2, 1, 18, tzinfo=UTC), tick=False):
        e, _cycle = certified(association, date(2020, 1, 5))  # Year 2 was due 2021-12-31
        client.force_login(member(association, "employer", employer=e.employer))
        html = client.get(url(association, "association_home")).content.decode()

    assert "Missed, blocking certification:" in html
    assert 'Year 2 maintenance audit due — <time datetime="2021-12-31">' in html
