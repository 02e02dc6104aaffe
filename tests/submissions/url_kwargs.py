"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py)."""

from datetime import timedelta

from django.utils import timezone

from secor import hooks
from secor.tenancy import activate
from submissions.models import ReviewNote, Submission, Upload

from .helpers import recent_audit


def _submission(association, employer, **fields) -> Submission:
    audit = recent_audit(association, employer)
    with activate(association):
        values = {
            "association": association,
            "employer": audit.employer,
            "audit": audit,
            "program": audit.enrollment.program,
            "kind": "evaluation",
            "file": f"submissions/test/{audit.pk}.zip",
            "original_name": "evaluation.zip",
            "size": 10,
            "sha256": "0" * 64,
            "status": "corrections_requested",
        }
        values.update(fields)
        return Submission.objects.create(**values)


def _submission_id(association, employer):
    return _submission(association, employer).pk


def _note_id(association, employer):
    submission = _submission(association, employer)
    with activate(association):
        return ReviewNote.objects.create(
            association=association, submission=submission, kind="actionable", text="Fix it"
        ).pk


def _upload_id(association, employer):
    from tests.factories import UserFactory

    audit = recent_audit(association, employer)
    with activate(association):
        return Upload.objects.create(
            association=association,
            employer=audit.employer,
            audit=audit,
            program=audit.enrollment.program,
            kind="evaluation",
            created_by=UserFactory(),
            length=100,
            filename="evaluation.zip",
            expires_at=timezone.now() + timedelta(days=1),
        ).pk


def _entry_id(association, employer):
    from submissions.models import SubmissionEntry

    submission = _submission(association, employer, status="in_review")
    with activate(association):
        return SubmissionEntry.objects.create(
            association=association,
            submission=submission,
            position=0,
            path="Audit tool.pdf",
            original_name="Audit tool.pdf",
            size=10,
            compressed_size=10,
            crc=0,
            header_offset=0,
        ).pk


BUILDERS = {
    "submission_id": _submission_id,
    "note_id": _note_id,
    "upload_id": _upload_id,
    "entry_id": _entry_id,
}


@hooks.url_walk_builders.register
def builders() -> dict:
    return BUILDERS
