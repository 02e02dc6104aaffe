"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py)."""

from secor.tenancy import activate


def _submission_id(association, employer):
    from .review_helpers import inspected, recent_audit

    return inspected(association, audit=recent_audit(association, employer)).pk


def _entry_id(association, employer):
    from submissions.models import SubmissionEntry

    from .review_helpers import inspected, recent_audit

    submission = inspected(association, audit=recent_audit(association, employer))
    with activate(association):
        return SubmissionEntry.objects.filter(submission=submission, is_dir=False)[0].pk


BUILDERS = {
    "submission_id": _submission_id,
    "entry_id": _entry_id,
}
