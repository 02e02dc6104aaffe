"""The reviewer workspace: queue, workload, tree, previews, scoring, notes, decisions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from secor.models import Role
from secor.tenancy import activate
from submissions import services
from submissions.models import Assignment, ReviewNote, Submission, SubmissionEntry

from ..conftest import member
from .review_helpers import PNG, evaluation_zip, inspected, today_in

pytestmark = pytest.mark.django_db
POLICY = "01 - Management leadership and organizational commitment/evidence 1-0.pdf"


def url(name, association, **kwargs):
    return reverse(f"submissions:{name}", kwargs={"association_slug": association.slug, **kwargs})


def ws(association, submission):
    return url("review", association, submission_id=submission.pk)


def entry(submission, suffix):
    with activate(submission.association):
        return SubmissionEntry.objects.get(submission=submission, path__endswith=suffix)


def test_a_reviewer_sees_their_own_and_unassigned_submissions_an_admin_sees_all(
    client, association, admin_user, reviewer
):
    other = member(association, Role.REVIEWER)
    mine = inspected(association)
    theirs = inspected(association)
    free = inspected(association)
    with activate(association):
        services.submission_assign(submission=mine, assignee=reviewer, actor=admin_user)
        services.submission_assign(submission=theirs, assignee=other, actor=admin_user)
    client.force_login(reviewer)
    page = client.get(url("review_queue", association)).content.decode()
    assert ws(association, mine) in page and ws(association, free) in page
    assert ws(association, theirs) not in page
    assert client.get(ws(association, theirs)).status_code == 404
    client.force_login(admin_user)
    page = client.get(url("review_queue", association)).content.decode()
    assert all(ws(association, s) in page for s in (mine, theirs, free))


def test_the_queue_filters_by_assignee_and_due_date_and_exports_the_filtered_list(
    client, association, admin_user, reviewer
):
    a = inspected(association)
    b = inspected(association)
    with activate(association):
        services.submission_assign(submission=a, assignee=reviewer, actor=admin_user)
        # b was received long ago: its review is overdue.
        Submission.objects.filter(pk=b.pk).update(received_at=a.received_at - timedelta(days=40))
    client.force_login(admin_user)
    page = client.get(url("review_queue", association), {"assignee": "nobody"}).content.decode()
    assert ws(association, b) in page and ws(association, a) not in page
    page = client.get(url("review_queue", association), {"due": "overdue"}).content.decode()
    assert ws(association, b) in page and ws(association, a) not in page
    response = client.get(url("review_queue_export", association), {"due": "overdue"})
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Employer"
    assert [r[0] for r in rows[1:]] == [b.employer.legal_name]


def test_assignments_keep_their_history_and_a_reviewer_cannot_take_anothers(
    client, association, admin_user, reviewer
):
    other = member(association, Role.REVIEWER)
    s = inspected(association)
    client.force_login(admin_user)
    for who in (reviewer, other):
        response = client.post(
            ws(association, s), {"action": "assign", "assign-assignee": who.pk, "assign-note": ""}
        )
        assert response.status_code == 302
    with activate(association):
        assert [a.assigned_to_id for a in Assignment.objects.filter(submission=s)] == [
            reviewer.pk,
            other.pk,
        ]
        s.refresh_from_db()
        assert s.assigned_to_id == other.pk
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.submission_assign(submission=s, assignee=reviewer, actor=reviewer)


def test_the_tree_groups_files_by_element_and_previews_a_pdf_inline(client, association, reviewer):
    s = inspected(association, data=evaluation_zip(extra={"notes.txt": b"hello"}))
    client.force_login(reviewer)
    page = client.get(ws(association, s)).content.decode()
    assert "Element 1. Management leadership" in page
    assert "evidence 1-0.pdf" in page
    pdf = entry(s, "Audit tool.pdf")
    page = client.get(ws(association, s), {"entry": pdf.pk}).content.decode()
    preview = url("review_entry_preview", association, submission_id=s.pk, entry_id=pdf.pk)
    assert f'<iframe class="entry-frame" src="{preview}"' in page
    response = client.get(preview)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    text = entry(s, "notes.txt")
    response = client.get(
        url("review_entry_preview", association, submission_id=s.pk, entry_id=text.pk)
    )
    assert response["Content-Type"].startswith("text/plain")
    assert b"".join(response.streaming_content) == b"hello"


def test_a_file_that_is_not_what_its_name_says_is_not_previewed_but_can_be_downloaded(
    client, association, reviewer
):
    s = inspected(association, data=evaluation_zip(extra={"photo.png": b"not a png at all"}))
    fake = entry(s, "photo.png")
    client.force_login(reviewer)
    preview = url("review_entry_preview", association, submission_id=s.pk, entry_id=fake.pk)
    assert client.get(preview).status_code == 415
    download = client.get(
        url("review_entry_download", association, submission_id=s.pk, entry_id=fake.pk)
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == b"not a png at all"


def test_an_image_is_previewed_in_an_img(client, association, reviewer):
    s = inspected(association, data=evaluation_zip(extra={"site.png": PNG}))
    image = entry(s, "site.png")
    client.force_login(reviewer)
    page = client.get(ws(association, s), {"entry": image.pk}).content.decode()
    assert '<img class="entry-image"' in page
    preview = url("review_entry_preview", association, submission_id=s.pk, entry_id=image.pk)
    assert client.get(preview)["Content-Type"] == "image/png"


def test_another_submissions_entry_is_404(client, association, reviewer):
    a = inspected(association)
    b = inspected(association)
    client.force_login(reviewer)
    foreign = entry(b, "Audit tool.pdf")
    for name in ("review_entry_preview", "review_entry_download"):
        assert (
            client.get(url(name, association, submission_id=a.pk, entry_id=foreign.pk)).status_code
            == 404
        )


def test_the_review_loop_scores_notes_corrections_resubmission_changes_and_acceptance(
    client, association, reviewer, employer_user
):
    v1 = inspected(association)
    client.force_login(reviewer)
    assert client.post(ws(association, v1), {"action": "start"}).status_code == 302
    # Requesting corrections without an actionable note is refused with a message.
    response = client.post(
        ws(association, v1), {"action": "corrections", "corr-due_on": "", "corr-note": ""}
    )
    assert response.status_code == 200
    scores = {"action": "scores"}
    for n in range(1, 11):
        scores[f"element_{n}"] = "8"
        scores[f"comment_{n}"] = f"Element {n} fine"
    scores["element_2"] = "2"
    assert client.post(ws(association, v1), scores).status_code == 302
    response = client.post(
        ws(association, v1),
        {
            "action": "note",
            "note-kind": "actionable",
            "note-element_number": "2",
            "note-text": "Add the hazard assessment for the yard.",
        },
    )
    assert response.status_code == 302
    due = today_in(association) + timedelta(days=15)
    response = client.post(
        ws(association, v1),
        {"action": "corrections", "corr-due_on": due.isoformat(), "corr-note": ""},
    )
    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.status == "corrections_requested" and v1.corrections_due_on == due
    with activate(association):
        note = ReviewNote.objects.get(submission=v1)
        services.note_answer(note=note, actor=employer_user, text="Added it to element 2.")
    v2 = inspected(
        association,
        previous=v1,
        data=evaluation_zip(
            extra={"02 - Hazard identification and assessment/yard.pdf": b"%PDF-1.4 yard"},
            change={POLICY: b"%PDF-1.4 new"},
        ),
    )
    assert v2.status == "resubmitted" and v2.assigned_to_id == reviewer.pk
    v1.refresh_from_db()
    assert v1.status == "superseded"
    page = client.get(url("review_changes", association, submission_id=v2.pk)).content.decode()
    assert "1 added, 1 changed, 0 moved, 0 removed" in page
    assert "yard.pdf" in page and "Answered" in page and "Added it to element 2." in page
    scores["element_2"] = "7"
    assert client.post(ws(association, v2), scores).status_code == 302
    response = client.post(ws(association, v2), {"action": "accept", "accept-note": "Good."})
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.status == "accepted"
    page = client.get(ws(association, v2)).content.decode()
    assert 'id="audit-outcome"' in page
    assert "A reviewer opened it" in page and "Sent back for corrections" in page


def test_accepting_an_evaluation_needs_every_element_scored(client, association, reviewer):
    s = inspected(association)
    client.force_login(reviewer)
    client.post(ws(association, s), {"action": "start"})
    response = client.post(ws(association, s), {"action": "accept", "accept-note": ""})
    assert response.status_code == 200
    assert "Score every element before accepting" in response.content.decode()
    s.refresh_from_db()
    assert s.status == "in_review"


def test_rejecting_needs_a_listed_reason(client, association, reviewer):
    s = inspected(association)
    client.force_login(reviewer)
    client.post(ws(association, s), {"action": "start"})
    response = client.post(ws(association, s), {"action": "reject", "reject-reason": "bogus"})
    assert response.status_code == 200
    response = client.post(
        ws(association, s),
        {"action": "reject", "reject-reason": "disorganised", "reject-note": "No folders."},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "rejected" and s.decision_reason == "disorganised"


def test_an_unknown_action_or_entry_never_500s(client, association, reviewer):
    s = inspected(association)
    client.force_login(reviewer)
    assert client.post(ws(association, s), {"action": "explode"}).status_code == 404
    assert client.get(ws(association, s), {"entry": "99999999"}).status_code == 200
    assert client.get(ws(association, s), {"entry": "x"}).status_code == 200
    assert client.get(url("review_changes", association, submission_id=s.pk)).status_code == 404


def test_the_workload_counts_open_due_and_overdue_per_reviewer(
    client, association, admin_user, reviewer
):
    a = inspected(association)
    inspected(association)
    with activate(association):
        services.submission_assign(submission=a, assignee=reviewer, actor=admin_user)
        Submission.objects.filter(pk=a.pk).update(received_at=a.received_at - timedelta(days=40))
    client.force_login(admin_user)
    response = client.get(url("review_workload", association))
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["rows"]}
    page = response.content.decode()
    # The chart's table links each reviewer to their open submissions in the queue.
    assert f"?status=open&amp;assignee={reviewer.pk}" in page
    assert "?status=open&amp;assignee=nobody" in page
    assert rows[str(reviewer)].open == 1 and rows[str(reviewer)].overdue == 1
    assert rows["Not assigned"].open == 1 and rows["Not assigned"].overdue == 0


def test_employer_users_cannot_open_the_workspace(client, association, employer_user):
    s = inspected(association, employer=employer_user.employer)
    client.force_login(employer_user)
    assert client.get(ws(association, s)).status_code == 403
    assert client.get(url("review_queue", association)).status_code == 403


def _count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The transaction (BEGIN, COMMIT), the user, their memberships (with the unread
# notifications), their TOTP, the staff (assignee choices), the open count (index-only),
# the page of rows, the programs (filter choices).
QUEUE_QUERIES = 9


def test_queue_and_workspace_query_counts_do_not_grow_with_size(
    client, association, admin_user, reviewer, django_assert_num_queries
):
    client.force_login(admin_user)
    small = inspected(association)
    services.submission_start_review(submission=small, actor=reviewer)
    client.get(url("review_queue", association))  # the session learns the association once
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(url("review_queue", association)).status_code == 200
    ws_small = _count(client, ws(association, small))
    for _i in range(25):  # more than a page
        inspected(association)
    big = inspected(association, data=evaluation_zip(files_per_element=5))
    services.submission_start_review(submission=big, actor=reviewer)
    with activate(association):
        for n in range(1, 4):
            services.note_add(
                submission=big, actor=reviewer, kind="actionable", text="x", element_number=n
            )
    with django_assert_num_queries(QUEUE_QUERIES):
        page = client.get(url("review_queue", association))
    assert "27 submissions" in page.content.decode()
    ws_big = _count(client, ws(association, big))
    assert ws_small == ws_big <= 30
