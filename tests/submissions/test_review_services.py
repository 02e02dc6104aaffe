"""The QA review through the services: queue, corrections, answers, resubmission, decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audits import services as audit_services
from secor.dates import association_today
from secor.models import AuditLogEntry
from secor.tenancy import activate
from submissions import services
from submissions.models import Assignment, Submission, SubmissionEvent

from .helpers import evaluation_zip, recent_audit, tus_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_client(client, employer_user):
    client.force_login(employer_user)
    return client


@pytest.fixture
def queued(employer_client, association, employer_user, django_capture_on_commit_callbacks):
    """An evaluation v1 that passed inspection and waits for a reviewer."""
    audit = recent_audit(association, employer_user.employer)
    tus_upload(
        employer_client,
        association,
        audit,
        evaluation_zip(),
        commit=django_capture_on_commit_callbacks,
    )
    with activate(association):
        return Submission.objects.get(audit=audit)


def _reload(submission):
    with activate(submission.association):
        return Submission.objects.get(pk=submission.pk)


def test_a_reviewer_takes_it_asks_for_corrections_and_the_employer_answers_and_resubmits(
    queued,
    reviewer,
    employer_user,
    employer_client,
    association,
    django_capture_on_commit_callbacks,
):
    with activate(association):
        services.submission_start_review(submission=queued, actor=reviewer)
        with pytest.raises(ValidationError, match="at least one actionable note"):
            services.submission_request_corrections(submission=queued, actor=reviewer)
        note = services.note_add(
            submission=queued,
            actor=reviewer,
            kind="actionable",
            element_number=3,
            text="Element 3: add the inspection reports for March.",
        )
        info = services.note_add(
            submission=queued, actor=reviewer, kind="informational", text="Nice tool."
        )
        services.submission_request_corrections(submission=queued, actor=reviewer)
    v1 = _reload(queued)
    assert v1.status == "corrections_requested"
    assert v1.assigned_to == reviewer
    assert (v1.corrections_due_on - association_today(association)).days == 15

    page = employer_client.get(f"/{association.slug}/submissions/{v1.pk}/").content.decode()
    assert "add the inspection reports for March" in page
    answer_url = f"/{association.slug}/submissions/{v1.pk}/notes/{note.pk}/answer/"
    refused = employer_client.post(answer_url, {"text": ""})
    assert refused.status_code == 400
    assert "Please correct the problem below." in refused.content.decode()
    response = employer_client.post(
        answer_url, {"text": "Added March reports in 03 - Hazard control."}
    )
    assert response.status_code == 302
    employer_client.post(f"/{association.slug}/submissions/{v1.pk}/notes/{info.pk}/acknowledge/")

    tus_upload(
        employer_client,
        association,
        v1.audit,
        evaluation_zip(extra={"03 - Hazard control/march.pdf": b"%PDF-1.4 m"}),
        commit=django_capture_on_commit_callbacks,
    )
    with activate(association):
        v2 = Submission.objects.get(audit=v1.audit, version=2)
        note.refresh_from_db()
        info.refresh_from_db()
    assert v2.previous_id == v1.pk
    assert v2.status == "resubmitted"
    assert v2.assigned_to == reviewer
    assert _reload(v1).status == "superseded"
    assert note.answered_at is not None and info.acknowledged_at is not None

    with activate(association):
        # Accepting is not passing: the final scores decide the audit's outcome.
        audit_services.scores_save(
            audit=v2.audit,
            points={e.number: 90 for e in v2.audit.tool.elements.all()},
            actor=reviewer,
        )
        services.submission_accept(submission=v2, actor=reviewer, note="All good.")
        log = set(AuditLogEntry.objects.values_list("action", flat=True))
        v2.audit.refresh_from_db()
    assert _reload(v2).status == "accepted"
    assert v2.audit.received_on is not None
    assert {
        "submissions.received",
        "submissions.start_review",
        "submissions.request_corrections",
        "submissions.note_answered",
        "submissions.supersede",
        "submissions.accept",
    } <= log


def test_the_employer_timeline_is_in_plain_words_and_hides_staff_only_events(
    queued, reviewer, employer_client, association
):
    with activate(association):
        services.submission_assign(submission=queued, assignee=reviewer, actor=reviewer)
        services.submission_start_review(submission=queued, actor=reviewer)
    page = employer_client.get(f"/{association.slug}/submissions/{queued.pk}/").content.decode()
    assert "The automatic check passed: waiting for a reviewer" in page
    assert "A reviewer opened it" in page
    assert "Assigned to" not in page


def test_assignments_keep_their_history(queued, reviewer, admin_user, association):
    with activate(association):
        services.submission_assign(submission=queued, assignee=reviewer, actor=admin_user)
        services.submission_assign(submission=queued, assignee=admin_user, actor=admin_user)
        history = list(Assignment.objects.order_by("at").values_list("assigned_to", flat=True))
    assert history == [reviewer.pk, admin_user.pk]
    assert _reload(queued).assigned_to == admin_user


def test_only_association_staff_can_be_assigned(queued, admin_user, employer_user, association):
    with (
        activate(association),
        pytest.raises(ValidationError, match="reviewer of this association"),
    ):
        services.submission_assign(submission=queued, assignee=employer_user, actor=admin_user)


def test_a_rejection_needs_a_reason_and_closes_the_version(queued, reviewer, association):
    with activate(association):
        services.submission_start_review(submission=queued, actor=reviewer)
        with pytest.raises(ValidationError, match="reason"):
            services.submission_reject(submission=queued, actor=reviewer, reason="")
        services.submission_reject(
            submission=queued, actor=reviewer, reason="disorganised", note="No folders."
        )
    rejected = _reload(queued)
    assert rejected.status == "rejected"
    assert rejected.decision_reason == "disorganised"


def test_the_employer_can_withdraw_before_a_decision_and_then_send_the_same_file_again(
    queued, employer_user, employer_client, association, django_capture_on_commit_callbacks
):
    response = employer_client.post(f"/{association.slug}/submissions/{queued.pk}/withdraw/")
    assert response.status_code == 302
    assert _reload(queued).status == "withdrawn"
    result = tus_upload(
        employer_client,
        association,
        queued.audit,
        evaluation_zip(),
        commit=django_capture_on_commit_callbacks,
    )
    assert result["duplicate"] is False
    with activate(association):
        assert Submission.objects.filter(audit=queued.audit).count() == 2


def test_staff_cannot_withdraw_an_employers_submission(queued, admin_user, client, association):
    client.force_login(admin_user)
    assert client.post(f"/{association.slug}/submissions/{queued.pk}/withdraw/").status_code == 403


def test_every_status_change_is_an_event(queued, reviewer, association):
    with activate(association):
        services.submission_start_review(submission=queued, actor=reviewer)
        pairs = list(
            SubmissionEvent.objects.filter(submission=queued)
            .order_by("at", "id")
            .values_list("from_status", "to_status")
        )
    assert pairs == [
        ("", "received"),
        ("received", "inspecting"),
        ("inspecting", "awaiting_review"),
        ("awaiting_review", "in_review"),
    ]
