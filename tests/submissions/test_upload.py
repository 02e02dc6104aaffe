"""The resumable (tus) upload: create, resume, size limits, same file twice, access."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from secor.tenancy import activate
from submissions import services
from submissions.models import Submission, SubmissionEvent, Upload
from tests.conftest import member

from .helpers import (
    TUS,
    evaluation_zip,
    recent_audit,
    today_in,
    tus_create_url,
    tus_patch,
    tus_start,
    tus_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_client(client, employer_user):
    client.force_login(employer_user)
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def audit_for(association, employer_user):
    return recent_audit(association, employer_user.employer)


def test_options_announce_the_tus_version_and_the_associations_size_limit(
    employer_client, association, audit_for
):
    response = employer_client.options(tus_create_url(association, audit_for))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert "creation" in response["Tus-Extension"]
    assert response["Tus-Max-Size"] == str(1024**3)


def test_an_interrupted_upload_resumes_from_the_last_byte_received(
    employer_client, association, audit_for, commit
):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    half = len(data) // 2
    assert tus_patch(employer_client, location, data[:half], 0).status_code == 204

    head = employer_client.head(location, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == str(half)
    assert head["Upload-Length"] == str(len(data))

    with commit(execute=True):
        done = tus_patch(employer_client, location, data[half:], half)
    assert done.status_code == 204
    assert done["Upload-Offset"] == str(len(data))
    result = employer_client.get(location).json()
    assert result["duplicate"] is False
    with activate(association):
        submission = Submission.objects.get()
    assert submission.sha256 == hashlib.sha256(data).hexdigest()
    assert submission.size == len(data)
    with submission.file.open("rb") as fh:
        assert fh.read() == data
    # Inspection ran eagerly on commit: the well-formed zip waits for a reviewer.
    assert submission.status == "awaiting_review"
    assert result["submission_url"].endswith(f"/submissions/{submission.pk}/")


def test_a_patch_at_the_wrong_offset_is_refused_with_the_right_one(
    employer_client, association, audit_for
):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    tus_patch(employer_client, location, data[:100], 0)
    response = tus_patch(employer_client, location, data[200:], 200)
    assert response.status_code == 409
    assert "100" in response.content.decode()


def test_bytes_past_the_declared_length_are_refused(employer_client, association, audit_for):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data[:1000])
    response = tus_patch(employer_client, location, data[:2000], 0)
    assert response.status_code == 413


def test_a_file_over_the_associations_limit_is_refused_before_any_byte(
    employer_client, association, audit_for
):
    with activate(association):
        from submissions.models import SubmissionRule

        SubmissionRule.objects.create(
            association=association,
            program=audit_for.enrollment.program,
            kind="evaluation",
            max_bytes=10_000,
        )
    response = employer_client.post(
        tus_create_url(association, audit_for),
        HTTP_UPLOAD_LENGTH="20000",
        **TUS,
    )
    assert response.status_code == 413
    assert "at most 9.8 KB" in response.content.decode()
    with activate(association):
        assert not Upload.objects.exists()


def test_the_same_file_twice_gives_one_submission_and_says_so(
    employer_client, association, audit_for, commit
):
    data = evaluation_zip()
    first = tus_upload(employer_client, association, audit_for, data, commit=commit)
    # The first version is waiting for review: the same bytes are recognised
    # before "a version is already in review" would refuse them.
    second = tus_upload(
        employer_client, association, audit_for, data, filename="again.zip", commit=commit
    )
    assert first["duplicate"] is False
    assert second["duplicate"] is True
    assert "same file you uploaded on" in second["message"]
    assert second["submission_url"] == first["submission_url"]
    with activate(association):
        assert Submission.objects.count() == 1


def test_a_retried_last_patch_does_not_create_a_second_submission(
    employer_client, association, audit_for
):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    assert tus_patch(employer_client, location, data, 0).status_code == 204
    again = tus_patch(employer_client, location, data, 0)
    assert again.status_code == 204
    assert again["Upload-Offset"] == str(len(data))
    with activate(association):
        assert Submission.objects.count() == 1


def test_a_broken_zip_is_refused_with_readable_problems_and_never_queued(
    employer_client, association, audit_for, commit
):
    data = evaluation_zip(tool=False, elements=["Management leadership"])
    result = tus_upload(employer_client, association, audit_for, data, commit=commit)
    with activate(association):
        submission = Submission.objects.get()
        events = list(SubmissionEvent.objects.values_list("to_status", flat=True))
    assert submission.status == "invalid"
    assert {p["code"] for p in submission.errors} == {"missing_element_folder"}
    assert "missing_tool_document" in {p["code"] for p in submission.problems}
    assert events == ["received", "inspecting", "invalid"]
    page = employer_client.get(result["submission_url"]).content.decode()
    assert "This version will not be reviewed" in page
    assert submission.errors[0]["message"] in page


def test_an_invalid_version_can_be_followed_by_a_corrected_one(
    employer_client, association, audit_for, commit
):
    broken = evaluation_zip(elements=["Management leadership"])
    tus_upload(employer_client, association, audit_for, broken, commit=commit)
    tus_upload(employer_client, association, audit_for, evaluation_zip(), commit=commit)
    with activate(association):
        versions = list(Submission.objects.order_by("version").values_list("version", "status"))
    assert versions == [(1, "invalid"), (2, "awaiting_review")]


def test_other_bytes_while_a_version_is_in_review_are_refused_with_what_to_do(
    employer_client, association, audit_for, commit
):
    tus_upload(employer_client, association, audit_for, evaluation_zip(), commit=commit)
    other = evaluation_zip(extra={"notes.txt": b"more"})
    result = tus_upload(employer_client, association, audit_for, other, commit=commit)
    assert "Withdraw it first" in result["error"]
    assert "submission_url" not in result
    with activate(association):
        assert Submission.objects.count() == 1
        assert Upload.objects.filter(status="abandoned").count() == 1


def test_cancelling_an_upload_drops_its_bytes(employer_client, association, audit_for):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    tus_patch(employer_client, location, data[:500], 0)
    assert employer_client.delete(location, **TUS).status_code == 204
    assert employer_client.head(location, **TUS).status_code == 410
    with activate(association):
        upload = Upload.objects.get()
    from submissions.selectors import upload_temp_path

    assert not upload_temp_path(upload).exists()


def test_abandoned_uploads_expire(employer_client, association, audit_for):
    from datetime import timedelta

    from django.utils import timezone

    data = evaluation_zip()
    tus_start(employer_client, association, audit_for, data)
    assert services.upload_expire(now=timezone.now() + timedelta(days=4)) == 1
    with activate(association):
        assert Upload.objects.get().status == "abandoned"


def test_another_employers_user_cannot_touch_an_upload(
    employer_client, association, audit_for, client
):
    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    intruder = member(association, "employer")
    client.force_login(intruder)
    assert client.head(location, **TUS).status_code == 404
    assert tus_patch(client, location, data, 0).status_code == 404
    assert client.get(location).status_code == 404
    # and cannot create uploads for this employer's audit
    assert (
        client.post(
            tus_create_url(association, audit_for), HTTP_UPLOAD_LENGTH="10", **TUS
        ).status_code
        == 404
    )


def test_staff_cannot_upload_for_an_employer(client, association, audit_for, admin_user):
    client.force_login(admin_user)
    response = client.post(tus_create_url(association, audit_for), HTTP_UPLOAD_LENGTH="10", **TUS)
    assert response.status_code == 404


def test_a_resume_in_another_process_hashes_the_finished_file_once_more(
    employer_client, association, audit_for, commit
):
    from submissions import tus

    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    tus_patch(employer_client, location, data[:700], 0)
    tus._HASHERS.clear()  # the next PATCH lands on a process without the running hash
    with commit(execute=True):
        tus_patch(employer_client, location, data[700:], 700)
    with activate(association):
        assert Submission.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_bytes_counted_but_lost_from_disk_are_asked_for_again(
    employer_client, association, audit_for
):
    from submissions.selectors import upload_temp_path

    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)
    tus_patch(employer_client, location, data[:1000], 0)
    with activate(association):
        upload = Upload.objects.get()
    with open(upload_temp_path(upload), "r+b") as fh:  # a crash lost the last 400 bytes
        fh.truncate(600)
    assert employer_client.head(location, **TUS)["Upload-Offset"] == "600"
    response = tus_patch(employer_client, location, data[1000:], 1000)
    assert response.status_code == 409
    assert tus_patch(employer_client, location, data[600:], 600).status_code == 204


def test_a_connection_dropped_mid_patch_keeps_the_bytes_that_arrived(
    employer_client, association, audit_for
):
    """The client goes away half-way through a PATCH: the next HEAD says where it stopped."""
    import io

    from django.test.client import RequestFactory

    data = evaluation_zip()
    location = tus_start(employer_client, association, audit_for, data)

    class Dropped(io.BytesIO):
        def read(self, n=-1):
            if self.tell() >= 1500:
                raise OSError("connection reset by peer")
            return super().read(min(n if n >= 0 else 500, 500))

    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="PATCH",
        PATH_INFO=location.split("testserver", 1)[-1],
        CONTENT_TYPE="application/offset+octet-stream",
        CONTENT_LENGTH=str(len(data)),
        HTTP_UPLOAD_OFFSET="0",
        HTTP_COOKIE=employer_client.cookies.output(header="", sep=";").strip(),
        **TUS,
    )
    environ["wsgi.input"] = Dropped(data)
    response = employer_client.handler(environ)
    assert response.status_code == 204
    assert response["Upload-Offset"] == "1500"
    assert employer_client.head(location, **TUS)["Upload-Offset"] == "1500"


def test_scsa_employers_upload_their_safety_manual_one_folder_per_section(
    client, other_association, django_capture_on_commit_callbacks
):
    from audits.seeds import SCSA_SECTIONS, SCSA_SUPPLEMENTAL
    from tests.audits.factories import enrollment

    from .helpers import metadata

    user = member(other_association, "employer")
    enrollment(other_association, employer=user.employer, seed="scsa")
    services.rules_seed(association=other_association, seed_key="scsa")
    client.force_login(user)
    listing = client.get(f"/{other_association.slug}/submissions/").content.decode()
    assert "Upload: Health and safety manual" in listing
    page = client.get(f"/{other_association.slug}/submissions/upload/?kind=safety_manual")
    assert page.status_code == 200
    assert "13 sections and 3 supplemental" in page.content.decode()

    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i, name in enumerate(SCSA_SECTIONS + SCSA_SUPPLEMENTAL, start=1):
            zf.writestr(f"Manual/{i:02d} - {name}/{name}.pdf", b"%PDF-1.4 " + bytes([i]) * 50)
    data = buffer.getvalue()
    create = client.post(
        f"/{other_association.slug}/submissions/uploads/?kind=safety_manual",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=metadata(filename="manual.zip"),
        **TUS,
    )
    assert create.status_code == 201, create.content
    with django_capture_on_commit_callbacks(execute=True):
        assert tus_patch(client, create["Location"], data, 0).status_code == 204
    with activate(other_association):
        manual = Submission.objects.get()
    assert manual.kind == "safety_manual" and manual.audit is None
    assert manual.status == "awaiting_review", manual.problems


@pytest.fixture
def acsa_member(db):
    """An ACSA employer user whose registration records its membership (ACSA-1001), and a
    recent audit to send the evaluation for (docs/rules.md#acsa-prerequisites)."""
    from employers import services as employer_services

    from ..audits.factories import enrollment, seeded
    from ..factories import AssociationFactory

    acsa = AssociationFactory(
        name="Alberta Construction Safety Association", short_name="ACSA", slug="acsa"
    )
    seeded(acsa, "acsa")
    employer_services.rules_ensure(association=acsa)
    user = member(acsa, "employer")
    e = enrollment(acsa, employer=user.employer, status="in_progress")
    e.membership_number = "ACSA-1001"
    e.save()
    return user, e, recent_audit(acsa, user.employer)


def _membership_expires(e, day):
    with activate(e.association):
        type(e).objects.filter(pk=e.pk).update(membership_expires_on=day)


def test_an_upload_is_refused_before_any_byte_when_the_membership_is_not_current(
    client, acsa_member
):
    user, e, audit = acsa_member
    _membership_expires(e, today_in(e.association) - timedelta(days=1))
    client.force_login(user)
    data = evaluation_zip()

    response = client.post(
        tus_create_url(e.association, audit),
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA="",
        **TUS,
    )

    assert response.status_code == 403
    expired = today_in(e.association) - timedelta(days=1)
    assert f"Your ACSA membership expired on {expired}; it must be current on " in (
        response.content.decode()
    )
    assert "Renew the membership first." in response.content.decode()
    with activate(e.association):
        assert not Upload.objects.exists() and not Submission.objects.exists()


def test_a_membership_that_lapses_during_the_upload_refuses_it_at_the_end(
    client, acsa_member, django_capture_on_commit_callbacks
):
    user, e, audit = acsa_member
    today = today_in(e.association)
    _membership_expires(e, today + timedelta(days=30))
    client.force_login(user)
    data = evaluation_zip()
    location = tus_start(client, e.association, audit, data)  # current: the upload starts

    _membership_expires(e, today - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tus_patch(client, location, data, 0).status_code == 204
    result = client.get(location).json()

    assert result["status"] == "abandoned"
    assert "membership expired on" in result["error"] and "Renew the membership" in result["error"]
    with activate(e.association):
        upload = Upload.objects.get()
        assert not Submission.objects.exists()
    assert not services.selectors.upload_temp_path(upload).exists()  # the bytes are gone
