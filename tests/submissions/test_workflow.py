"""The QA workflow's transitions and refusals (pure)."""

from datetime import date

from submissions import workflow
from submissions.workflow import Action, RefusalCode, Status


def test_a_valid_first_version_waits_for_review_and_a_resubmission_is_marked():
    assert workflow.target("inspecting", "pass_inspection") is Status.AWAITING_REVIEW
    assert (
        workflow.target("inspecting", "pass_inspection", is_resubmission=True) is Status.RESUBMITTED
    )


def test_corrections_and_resubmission_go_back_and_forth_until_a_decision():
    assert workflow.target("in_review", "request_corrections") is Status.CORRECTIONS_REQUESTED
    assert workflow.target("corrections_requested", "supersede") is Status.SUPERSEDED
    assert workflow.target("resubmitted", "request_corrections") is Status.CORRECTIONS_REQUESTED
    assert workflow.target("resubmitted", "accept") is Status.ACCEPTED
    assert workflow.target("resubmitted", "reject") is Status.REJECTED


def test_an_invalid_upload_never_reaches_review():
    refusal = workflow.check("invalid", "start_review")
    assert refusal.code is RefusalCode.NOT_FROM_STATUS
    assert "refused by the automatic check" in refusal.message


def test_decided_versions_cannot_be_withdrawn():
    for status in ("accepted", "rejected", "superseded", "invalid"):
        assert workflow.check(status, Action.WITHDRAW) is not None


def test_requesting_corrections_needs_an_actionable_note_and_a_future_due_date():
    today = date(2026, 12, 1)
    assert (
        workflow.check("in_review", "request_corrections", actionable_notes=0).code
        is RefusalCode.NEEDS_ACTIONABLE_NOTE
    )
    assert (
        workflow.check(
            "in_review", "request_corrections", actionable_notes=1, due_on=today, today=today
        ).code
        is RefusalCode.DUE_DATE_PASSED
    )
    assert (
        workflow.check(
            "in_review",
            "request_corrections",
            actionable_notes=1,
            due_on=date(2026, 12, 16),
            today=today,
        )
        is None
    )


def test_rejecting_needs_a_reason():
    assert workflow.check("in_review", "reject").code is RefusalCode.REASON_MISSING
    assert workflow.check("in_review", "reject", reason="late") is None


def test_a_new_version_is_taken_after_invalid_withdrawn_or_corrections_only():
    assert workflow.can_upload(None).refusal is None
    assert workflow.can_upload("invalid").refusal is None
    assert workflow.can_upload("withdrawn").refusal is None
    verdict = workflow.can_upload("corrections_requested")
    assert verdict.refusal is None and verdict.is_resubmission
    assert workflow.can_upload("in_review").refusal.code is RefusalCode.UPLOAD_IN_PROGRESS
    assert workflow.can_upload("accepted").refusal.code is RefusalCode.ALREADY_DECIDED
