"""The roster as CSV: two columns for role and employment status, the old one still read."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employers.roster_csv import parse_roster_csv
from secor.tenancy import activate

from ..factories import WorkerFactory

HEADER = "full_name,role,employment_status,province,start_date,end_date,fte,weekly_hours,email\n"


def test_two_columns_in_people_words_or_codes():
    text = HEADER + (
        "Mo Manager,Manager,Full-time permanent,AB,2024-01-15,,,,mo@example.com\n"
        "Kim Kin,family_member,part-time,AB,2024-02-01,2024-08-31,0.5,,\n"
        "Sam Sub,,Subcontractor,AB,2024-03-01,,,20,\n"
    )

    parsed = parse_roster_csv(text)

    assert parsed.ok, parsed.row_errors
    assert [(w["full_name"], w["role"], w["employment_status"]) for w in parsed.workers] == [
        ("Mo Manager", "manager", "full_time_permanent"),
        ("Kim Kin", "family_member", "part_time"),
        ("Sam Sub", "other", "subcontractor"),
    ]
    assert parsed.workers[1]["fte"] == Decimal("0.50")
    assert parsed.workers[1]["end_date"] == date(2024, 8, 31)
    assert parsed.workers[2]["weekly_hours"] == Decimal("20.0")


def test_the_old_single_column_is_still_accepted_and_mapped():
    text = (
        "full_name,employment_type,province,start_date\n"
        "Olive Owner,owner,AB,2019-04-01\n"
        "Mara Manager,Manager,AB,2020-01-01\n"
        "Fay Family,Family member,AB,2021-01-01\n"
        "Pat Part,part_time,AB,2022-01-01\n"
    )

    parsed = parse_roster_csv(text)

    assert parsed.ok, parsed.row_errors
    assert [(w["role"], w["employment_status"]) for w in parsed.workers] == [
        ("owner", "full_time_permanent"),
        ("manager", "full_time_permanent"),
        ("family_member", "volunteer"),
        ("other", "part_time"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Ann,Boss,Full-time permanent,AB,2024-01-01,,,,", "role “Boss” is not one of"),
        ("Ann,Owner,Sometimes,AB,2024-01-01,,,,", "employment_status “Sometimes” is not one of"),
        ("Ann,Owner,,AB,2024-01-01,,,,", "employment_status is empty."),
        ("Ann,Owner,Casual,AB,2024-13-01,,,,", "start_date “2024-13-01” is not a date"),
        ("Ann,Owner,Casual,AB,2024-05-01,2024-04-01,,,", "is before start_date"),
        ("Ann,Owner,Casual,AB,2024-05-01,,3,,", "fte 3 is not between 0 and 2"),
        ("Ann,Owner,Casual,XX,2024-05-01,,,,", "province “XX”"),
    ],
)
def test_each_wrong_row_says_what_is_wrong(row, message):
    parsed = parse_roster_csv(HEADER + row + "\n")

    assert not parsed.ok
    [(line, errors)] = parsed.row_errors
    assert line == 2 and any(message in e for e in errors), errors


def test_a_file_without_the_status_or_the_old_column_is_refused_at_the_header():
    parsed = parse_roster_csv("full_name,role,start_date\nAnn,Owner,2024-01-01\n")

    assert "missing column(s): employment_status" in parsed.error


def test_a_person_already_on_the_roster_or_twice_in_the_file_is_refused():
    text = HEADER + (
        "Ann Lee,Owner,Full-time permanent,AB,2024-01-01,,,,\n"
        "Bo Kim,Other,Casual,AB,2024-01-01,,,,\n"
        "bo kim,Other,Casual,AB,2024-01-01,,,,\n"
    )

    parsed = parse_roster_csv(text, existing=[("Ann Lee", date(2024, 1, 1))])

    assert [line for line, _ in parsed.row_errors] == [2, 4]
    assert "already on your roster" in parsed.row_errors[0][1][0]
    assert "already on line 3" in parsed.row_errors[1][1][0]


# --- Through the pages ------------------------------------------------------------


def url(name, employer):
    return reverse(
        f"employers:{name}",
        kwargs={"association_slug": employer.association.slug, "employer_id": employer.pk},
    )


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")


@pytest.mark.django_db
def test_export_then_import_round_trips_both_columns(client, alice, employer):
    WorkerFactory(
        employer=employer, full_name="Mo Manager", role="manager", start_date=date(2024, 1, 15)
    )
    WorkerFactory(
        employer=employer,
        full_name="Kim Kin",
        role="family_member",
        employment_status="part_time",
        fte=Decimal("0.5"),
        start_date=date(2024, 2, 1),
    )
    client.force_login(alice)

    response = client.get(url("roster_export", employer))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["full_name", "role", "employment_status"]
    assert rows[1][:3] == ["Kim Kin", "Family member", "Part-time"] and rows[1][6] == "0.5"
    assert rows[2][:3] == ["Mo Manager", "Manager", "Full-time permanent"]
    assert rows[2][5:] == ["", "", "", ""]  # empty cells stay empty
    assert "full_time_permanent" not in body and "family_member" not in body

    with activate(employer.association):
        employer.workers.all().delete()
    response = client.post(url("roster_import", employer), {"file": upload(body)})

    assert response.status_code == 302
    with activate(employer.association):
        got = sorted(employer.workers.values_list("full_name", "role", "employment_status", "fte"))
    assert got == [
        ("Kim Kin", "family_member", "part_time", Decimal("0.50")),
        ("Mo Manager", "manager", "full_time_permanent", None),
    ]


@pytest.mark.django_db
def test_an_import_with_a_wrong_row_adds_nobody_and_lists_the_row(client, alice, employer):
    client.force_login(alice)
    text = HEADER + (
        "Ann Lee,Owner,Full-time permanent,AB,2024-01-01,,,,\n"
        "Bo Kim,Boss,Casual,AB,2024-01-01,,,,\n"
    )

    response = client.post(url("roster_import", employer), {"file": upload(text)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was added" in page and "role “Boss” is not one of" in page
    with activate(employer.association):
        assert not employer.workers.exists()


@pytest.mark.django_db
def test_another_employers_roster_cannot_be_exported_or_imported(client, alice, amta):
    from ..factories import EmployerFactory

    other = EmployerFactory(association=amta)
    WorkerFactory(employer=other, full_name="Secret Person")
    client.force_login(alice)

    assert client.get(url("roster_export", other)).status_code == 404
    assert client.post(url("roster_import", other), {"file": upload(HEADER)}).status_code == 404


@pytest.mark.django_db
def test_export_and_import_queries_do_not_grow_with_the_roster(client, alice, employer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)

    def run(count: int, offset: int) -> tuple[int, int]:
        rows = "".join(f"P{offset + n},Other,Casual,AB,2024-01-01,,,,\n" for n in range(count))
        with CaptureQueriesContext(connection) as imported:
            response = client.post(url("roster_import", employer), {"file": upload(HEADER + rows)})
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as exported:
            b"".join(client.get(url("roster_export", employer)).streaming_content)
        return len(imported), len(exported)

    small_import, small_export = run(2, 0)
    big_import, big_export = run(40, 100)
    assert big_export == small_export
    # Each added person gets one audit-trail row; everything else is per file.
    assert big_import - small_import <= 38


@pytest.mark.django_db
def test_the_export_leaves_empty_cells_empty_and_neutralises_formulas(client, alice, employer):
    for n, name in enumerate(("=HYPERLINK(1)", "+Plus", "-Minus", "@At")):
        WorkerFactory(employer=employer, full_name=name, start_date=date(2024, 1, 1 + n))
    client.force_login(alice)

    response = client.get(url("roster_export", employer))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == ["'+Plus", "'-Minus", "'=HYPERLINK(1)", "'@At"]
    assert all(row[5:] == ["", "", "", ""] for row in rows[1:])  # no end date, fte, hours, email


def test_a_header_in_spreadsheet_words_is_read():
    parsed = parse_roster_csv(
        "Full Name,Role,Employment-Status,Start Date\nAnn Lee,Owner,Casual,2024-01-01\n"
    )

    assert parsed.ok, parsed.error or parsed.row_errors
    assert parsed.workers[0]["full_name"] == "Ann Lee"


def test_a_file_over_the_limit_says_how_many_people_it_has():
    from employers.roster_csv import MAX_ROWS

    rows = "".join(f"P{n},Other,Casual,AB,2024-01-01,,,,\n" for n in range(MAX_ROWS + 1))

    parsed = parse_roster_csv(HEADER + rows)

    assert parsed.error.startswith(f"The file has {MAX_ROWS + 1:,} people; at most {MAX_ROWS:,}")
