"""Employer pages: deadline and late uploads, links, training warnings, query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from secor.models import Program
from secor.tenancy import activate
from submissions import services
from submissions.models import Submission, SubmissionRule
from tests.audits.factories import seeded

from .helpers import TUS, evaluation_zip, recent_audit, today_in, tus_create_url, tus_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_client(client, employer_user):
    client.force_login(employer_user)
    return client


def _upload_page(association, audit):
    return f"/{association.slug}/submissions/audits/{audit.pk}/upload/"


def test_the_upload_page_shows_the_receipt_deadline_21_days_after_data_gathering(
    employer_client, association, employer_user, django_assert_max_num_queries
):
    audit = recent_audit(association, employer_user.employer)
    with django_assert_max_num_queries(40):
        page = employer_client.get(_upload_page(association, audit))
    assert page.status_code == 200
    deadline = audit.data_gathering_end + timedelta(days=21)
    assert deadline.strftime("%B %-d, %Y") in page.content.decode()
    assert 'data-endpoint="' + tus_create_url(association, audit) in page.content.decode()


def test_amta_refuses_a_late_evaluation_before_any_byte_is_sent(
    employer_client, association, employer_user
):
    today = today_in(association)
    audit = recent_audit(
        association,
        employer_user.employer,
        data_gathering_start=today - timedelta(days=40),
        data_gathering_end=today - timedelta(days=30),
    )
    services.rules_seed(association=association, seed_key="amta")
    page = employer_client.get(_upload_page(association, audit)).content.decode()
    assert "does not accept late evaluations" in page
    assert 'id="upload-file"' not in page
    response = employer_client.post(
        tus_create_url(association, audit), HTTP_UPLOAD_LENGTH="100", **TUS
    )
    assert response.status_code == 403
    assert "does not accept late evaluations" in response.content.decode()


def test_where_late_uploads_are_accepted_they_are_flagged(
    employer_client, association, employer_user, django_capture_on_commit_callbacks
):
    today = today_in(association)
    audit = recent_audit(
        association,
        employer_user.employer,
        data_gathering_start=today - timedelta(days=40),
        data_gathering_end=today - timedelta(days=30),
    )
    page = employer_client.get(_upload_page(association, audit)).content.decode()
    assert "it will be marked late" in page
    tus_upload(
        employer_client,
        association,
        audit,
        evaluation_zip(),
        commit=django_capture_on_commit_callbacks,
    )
    with activate(association):
        submission = Submission.objects.get()
    assert submission.late
    assert submission.deadline == audit.data_gathering_end + timedelta(days=21)


def test_acsa_takes_a_download_link_recorded_and_never_fetched(client, employer_user):
    from tests.conftest import member
    from tests.factories import AssociationFactory

    acsa = AssociationFactory(slug="acsa", short_name="ACSA", name="ACSA")
    seeded(acsa, "acsa")
    services.rules_seed(association=acsa, seed_key="acsa")
    user = member(acsa, "employer")
    client.force_login(user)
    audit = recent_audit(acsa, user.employer)
    url = _upload_page(acsa, audit)
    assert "Or send a download link" in client.get(url).content.decode()
    response = client.post(url, {"link": "https://example.com/share/evaluation"})
    assert response.status_code == 302
    with activate(acsa):
        submission = Submission.objects.get()
    assert submission.download_link == "https://example.com/share/evaluation"
    assert submission.status == "awaiting_review"
    assert not submission.file


def test_amta_has_no_link_form(employer_client, association, employer_user):
    audit = recent_audit(association, employer_user.employer)
    services.rules_seed(association=association, seed_key="amta")
    url = _upload_page(association, audit)
    assert "Or send a download link" not in employer_client.get(url).content.decode()
    assert employer_client.post(url, {"link": "https://example.com/x"}).status_code == 405


def test_training_not_compliant_at_the_audit_dates_is_warned_on_the_upload_page(
    employer_client, association, employer_user
):
    from training import services as training_services

    program = seeded(association)
    training_services.catalogue_seed(association=association, seed_key="AMTA")
    audit = recent_audit(association, employer_user.employer)
    assert program == audit.enrollment.program
    page = employer_client.get(_upload_page(association, audit)).content.decode()
    assert "Training is not compliant at the audit" in page


# The transaction (BEGIN, COMMIT), the user, their memberships (with the unread
# notifications), the submission (with its employer, audit, program and reviewer), its
# notes, its file count, a newer version, its timeline; staff also have their TOTP read.
DETAIL_QUERIES = 9


def test_the_submissions_list_and_detail_stay_within_their_query_budgets(
    client,
    employer_client,
    association,
    employer_user,
    admin_user,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    from .review_helpers import inspected

    audit = recent_audit(association, employer_user.employer)
    result = tus_upload(
        employer_client,
        association,
        audit,
        evaluation_zip(),
        commit=django_capture_on_commit_callbacks,
    )
    staff_client = type(client)()
    staff_client.force_login(admin_user)
    detail = result["submission_url"]
    staff_client.get(detail)  # the session learns the association once

    def exact_counts():
        with django_assert_num_queries(DETAIL_QUERIES):
            assert employer_client.get(detail).status_code == 200
        with django_assert_num_queries(DETAIL_QUERIES + 1):
            assert staff_client.get(detail).status_code == 200

    exact_counts()
    for _i in range(5):  # other employers' submissions: the page reads none of them
        inspected(association)
    exact_counts()
    with django_assert_max_num_queries(25):
        assert employer_client.get(f"/{association.slug}/submissions/").status_code == 200
    with django_assert_max_num_queries(20):
        assert employer_client.get(detail + "files/").status_code == 200


def test_staff_see_the_detail_read_only(
    client, association, admin_user, employer_user, django_capture_on_commit_callbacks
):
    employer_client = client
    employer_client.force_login(employer_user)
    audit = recent_audit(association, employer_user.employer)
    result = tus_upload(
        employer_client,
        association,
        audit,
        evaluation_zip(),
        commit=django_capture_on_commit_callbacks,
    )
    client.force_login(admin_user)
    page = client.get(result["submission_url"]).content.decode()
    assert "Withdraw this version" not in page
    assert "waiting for a reviewer" in page


def test_a_disabled_kind_has_no_upload_page(employer_client, association, employer_user):
    audit = recent_audit(association, employer_user.employer)
    with activate(association):
        SubmissionRule.objects.create(
            association=association,
            program=Program.objects.get(kind="secor"),
            kind="evaluation",
            is_enabled=False,
        )
    assert employer_client.get(_upload_page(association, audit)).status_code == 404
