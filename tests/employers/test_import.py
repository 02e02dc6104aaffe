"""CSV import of employers: preview with each row's errors, all or nothing, no duplicates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employers import services
from employers.imports import MAX_ROWS, ImportRefused, decode_upload, parse_employers_csv
from employers.models import Employer, Enrollment, WCBAccount
from secor.tenancy import activate

from ..factories import EmployerFactory, WCBAccountFactory

pytestmark = pytest.mark.django_db

HEADER = "legal_name,wcb_board,wcb_account_number,city,province,program,status\n"
GOOD = (
    HEADER
    + "Prairie Roofing Ltd.,WCB-Alberta,100200,Red Deer,AB,SECOR,registered\n"
    + "Foothills Paving Inc.,WCB-Alberta,100300,Calgary,ab,secor,Certified\n"
)


def import_url(association, name="import"):
    return reverse(f"employers:{name}", kwargs={"association_slug": association.slug})


def upload(client, association, content: bytes, name="employers.csv"):
    return client.post(
        import_url(association), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_preview_then_confirm_imports_every_row(client, staff, amta):
    client.force_login(staff)
    preview = upload(client, amta, GOOD.encode("utf-8-sig"))
    assert preview.status_code == 200
    assert preview.context["preview"].ok
    assert "2 rows are ready: 2 new employers" in preview.content.decode()
    with activate(amta):
        assert not Employer.objects.exists()  # the preview writes nothing
    response = client.post(import_url(amta, "import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302
    with activate(amta):
        assert sorted(Employer.objects.values_list("legal_name", "province")) == [
            ("Foothills Paving Inc.", "AB"),
            ("Prairie Roofing Ltd.", "AB"),
        ]
        assert sorted(Enrollment.objects.values_list("status", flat=True)) == [
            "certified",
            "registered",
        ]
        assert Employer.objects.get(legal_name="Prairie Roofing Ltd.").history.count() == 1


def test_reimporting_the_same_file_creates_no_duplicates(staff, amta):
    services.employers_import(association=amta, actor=staff, text=GOOD)
    changed = GOOD.replace("Red Deer", "Lacombe")
    result = services.employers_import(association=amta, actor=staff, text=changed)
    assert result == {"created": 0, "updated": 1, "rows": 2}
    with activate(amta):
        assert Employer.objects.count() == 2
        assert WCBAccount.objects.count() == 2
        assert Enrollment.objects.count() == 2
        assert Employer.objects.get(legal_name="Prairie Roofing Ltd.").city == "Lacombe"


def test_an_existing_account_updates_its_employer(staff, amta):
    existing = EmployerFactory(association=amta, legal_name="Old Name")
    WCBAccountFactory(employer=existing, board="WCB-Alberta", account_number="100200")
    preview = parse_employers_csv(GOOD, association=amta)
    assert [r.action for r in preview.rows] == ["update", "create"]
    services.employers_import(association=amta, actor=staff, text=GOOD)
    existing.refresh_from_db()
    assert existing.legal_name == "Prairie Roofing Ltd."


def test_each_rows_errors_are_shown_and_nothing_is_imported(client, staff, amta):
    bad = (
        HEADER
        + "Good Co,WCB-Alberta,1,Calgary,AB,SECOR,registered\n"
        + ",WCB-Alberta,2,Calgary,XX,SECOR,registered\n"
        + "Dup Co,WCB-Alberta,1,Calgary,AB,SECOR,registered\n"
        + "Odd Co,WCB-Alberta,3,Calgary,AB,GOLD,maybe\n"
    )
    client.force_login(staff)
    response = upload(client, amta, bad.encode())
    preview = response.context["preview"]
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == []
    assert errors[3] == [
        "legal_name is empty.",
        "province “XX” is not a two-letter code such as AB or SK.",
    ]
    assert errors[4] == ["WCB account 1 (WCB-Alberta) is already on line 2."]
    assert len(errors[5]) == 2
    page = response.content.decode()
    assert "3 rows of 4 have errors; only rows with errors are listed below." in page
    assert "Good Co" not in page
    assert "Import these rows" not in page
    with pytest.raises(ImportRefused):
        services.employers_import(association=amta, actor=staff, text=bad)
    with activate(amta):
        assert not Employer.objects.exists()


def test_a_wrong_header_is_explained(client, staff, amta):
    client.force_login(staff)
    response = upload(client, amta, b"name,board,number\nA,B,C\n")
    message = response.context["form"].errors["file"][0]
    assert "missing column(s): legal_name, wcb_board, wcb_account_number" in message
    assert "unknown column(s): name, board, number" in message


def test_wrong_encoding_is_explained(client, staff, amta):
    client.force_login(staff)
    latin1 = (HEADER + "Café Béton,WCB-Alberta,9,Montréal,QC,SECOR,registered\n").encode("latin-1")
    response = upload(client, amta, latin1)
    assert "not UTF-8 text" in response.context["form"].errors["file"][0]
    assert "CSV UTF-8" in response.context["form"].errors["file"][0]


def test_ten_thousand_rows_are_refused_with_a_clear_message(client, staff, amta):
    rows = "".join(f"Co {i},WCB-Alberta,{i},Calgary,AB,SECOR,registered\n" for i in range(10_000))
    client.force_login(staff)
    response = upload(client, amta, (HEADER + rows).encode())
    message = response.context["form"].errors["file"][0]
    assert f"The file has 10,000 employer rows; at most {MAX_ROWS:,}" in message
    with activate(amta):
        assert not Employer.objects.exists()


def test_an_empty_file_is_explained():
    assert "empty" in parse_employers_csv("", association=None).error


def test_excel_byte_order_mark_is_accepted():
    assert decode_upload("\ufefflegal_name".encode()) == "legal_name"


def test_a_stale_or_foreign_token_imports_nothing(client, staff, amta):
    client.force_login(staff)
    response = client.post(import_url(amta, "import_confirm"), {"token": "../../etc/passwd"})
    assert response.status_code == 302
    assert response.url == import_url(amta)
    with activate(amta):
        assert not Employer.objects.exists()


def test_a_file_with_nul_bytes_is_refused_with_a_clear_message(client, staff, amta):
    client.force_login(staff)
    content = (HEADER + "Nul Co,WCB-Alberta,5,Calgary,AB,SECOR,registered\n").encode()
    content = content.replace(b"Nul Co", b"Nul\x00Co")
    response = upload(client, amta, content)
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert "NUL bytes (the first on line 2)" in message
    with activate(amta):
        assert not Employer.objects.exists()


def test_control_characters_in_a_cell_are_row_errors_and_nothing_is_imported(staff, amta):
    text = HEADER + "Bell\x07 Co,WCB-Alberta,6,Cal\x1bgary,AB,SECOR,registered\n"
    preview = parse_employers_csv(text, association=amta)
    assert preview.rows[0].errors == [
        "legal_name contains an invisible control character (U+0007); remove it and upload "
        "the file again.",
        "city contains an invisible control character (U+001B); remove it and upload the "
        "file again.",
    ]
    with pytest.raises(ImportRefused):
        services.employers_import(association=amta, actor=staff, text=text)
    with activate(amta):
        assert not Employer.objects.exists()


def test_tabs_and_line_breaks_inside_quoted_cells_are_not_control_character_errors(amta):
    text = HEADER + '"Tab\tCo","WCB-Alberta",7,"Red\nDeer",AB,SECOR,registered\n'
    preview = parse_employers_csv(text, association=amta)
    assert not any("control character" in e for e in preview.rows[0].errors)
