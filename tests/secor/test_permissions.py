"""The role table (secor/permissions.py), cell by cell, through the real views.

For every action and every role: a member with that role either gets past the
permission check (any answer but 403/404/500) or is refused with 403. The
expected answer comes from the same table the views read, so the test fails if
a view stops consulting the table — or if an action has no page walked here.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled

from secor.models import Membership
from secor.permissions import ALL_ROLES, EMPLOYER_ADMIN, PERMISSIONS, Action

from ..conftest import member
from ..employers.conftest import add_programs
from ..factories import EmployerFactory, EnrollmentFactory
from .test_tenancy import URL_KWARG_BUILDERS, association_url_patterns, url_for

# Each action, and the pages (route name, method) that take it.
PAGES: dict[Action, list[tuple[str, str]]] = {
    Action.MANAGE_STAFF: [
        ("staff", "get"),
        ("staff_member", "post"),
        ("staff_invitation_revoke", "post"),
    ],
    Action.INVITE_EMPLOYER_USER: [("employers:invite", "post")],
    Action.MANAGE_EMPLOYER_USERS: [
        ("employers:user_update", "post"),
        ("employers:invitation_revoke", "post"),
    ],
    Action.VIEW_DIRECTORY: [("employers:directory", "get"), ("employers:directory_export", "get")],
    Action.EDIT_EMPLOYER: [
        ("employers:edit", "get"),
        ("employers:wcb_add", "get"),
        ("employers:wcb_edit", "post"),
        ("employers:membership", "get"),
        ("employers:apply_cor", "get"),
    ],
    Action.EDIT_ROSTER: [
        ("employers:worker_add", "get"),
        ("employers:worker_edit", "post"),
        ("employers:worker_end", "get"),
        ("employers:headcount", "post"),
        ("employers:roster_import", "get"),
    ],
    Action.CONFIRM_REGISTRATION: [("employers:enrollment_confirm", "get")],
    Action.CHANGE_ENROLLMENT_STATUS: [("employers:enrollment_status", "get")],
    Action.EDIT_ELIGIBILITY_RULES: [("employers:rules", "get")],
    Action.IMPORT_EMPLOYERS: [("employers:import", "get"), ("employers:import_confirm", "get")],
    Action.EDIT_TRAINING: [
        ("training:record_add", "get"),
        ("training:designation_add", "post"),
        ("training:designation_remove", "post"),
        ("training:record_withdraw", "post"),
    ],
    Action.UPDATE_TRAINING_RECORD: [("training:record_update", "get")],
    Action.VERIFY_TRAINING: [
        ("training:verification_queue", "get"),
        ("training:verification_queue_export", "get"),
        ("training:verification_detail", "get"),
    ],
    Action.VIEW_CATALOGUE: [("training:courses", "get")],
    Action.EDIT_CATALOGUE: [
        ("training:course_add", "get"),
        ("training:course_edit", "get"),
        ("training:requirement_add", "get"),
        ("training:requirement_edit", "get"),
        ("training:catalogue_seed", "post"),
    ],
    Action.PLAN_AUDIT: [("audits:plan", "post")],
    Action.VIEW_AUDITS: [("audits:list", "get"), ("audits:list_export", "get")],
    Action.VIEW_MILESTONES: [
        ("audits:milestone_board", "get"),
        ("audits:milestone_board_export", "get"),
        ("audits:employer_milestones", "get"),
    ],
    Action.RECORD_MILESTONE: [
        ("audits:milestone_record", "get"),
        ("audits:employer_milestones", "post"),
    ],
    Action.SCORE_AUDIT: [("audits:scores", "get"), ("audits:scores_preview", "post")],
    Action.EDIT_PROGRAM_RULES: [
        ("audits:rules_list", "get"),
        ("audits:rules_edit", "get"),
        ("audits:rules_new", "get"),
    ],
    Action.EDIT_AUDIT_TOOLS: [("audits:tools_list", "get"), ("audits:tool_detail", "get")],
    Action.VIEW_CERTIFICATES: [
        ("audits:certificate_list", "get"),
        ("audits:certificate_export", "get"),
        ("audits:certificate_detail", "get"),
        ("audits:certificate_revision_pdf", "get"),
    ],
    Action.ISSUE_CERTIFICATES: [
        ("audits:certificate_status", "get"),
        ("audits:certificate_reissue", "get"),
        ("audits:certificate_issue", "get"),
        ("audits:certificate_pdf_retry", "post"),
    ],
    Action.IMPORT_HISTORY: [
        ("audits:holders_import", "get"),
        ("audits:holders_import_confirm", "post"),
        ("audits:historic_audit", "get"),
    ],
    Action.REVIEW_SUBMISSIONS: [
        ("submissions:review_queue", "get"),
        ("submissions:review_queue_export", "get"),
        ("submissions:review_workload", "get"),
        ("submissions:review", "get"),
        ("submissions:review_changes", "get"),
        ("submissions:review_entry_preview", "get"),
        ("submissions:review_entry_download", "get"),
    ],
    Action.EDIT_REMINDER_SETTINGS: [("reminder_settings", "get"), ("reminder_settings", "post")],
    Action.VIEW_REMINDER_LOG: [("reminder_log", "get"), ("reminder_log_export", "get")],
    Action.VIEW_DASHBOARD: [
        ("dashboard", "get"),
        ("dashboard_refresh", "post"),
        ("dashboard_export", "get"),
    ],
}
PATTERNS = dict(association_url_patterns())


def _entry_url(name, association, employer):
    """An entry's pages need the entry's own submission (the walk builds each id apart)."""
    from submissions.models import SubmissionEntry

    entry_id = URL_KWARG_BUILDERS["entry_id"](association, employer)
    with scopes_disabled():
        entry = SubmissionEntry.objects.get(pk=entry_id)
    return reverse(
        name,
        kwargs={
            "association_slug": association.slug,
            "submission_id": entry.submission_id,
            "entry_id": entry.pk,
        },
    )


def _ready_revision_url(name, association, employer):
    """An old revision's PDF: the revision needs a built file to be served."""
    from audits.models import CertificateRevision

    from ..audits.certificate_setup import make_certificate

    certificate = make_certificate(association, employer=employer, pdf_status="ready")
    with scopes_disabled():
        row = CertificateRevision.objects.get(certificate=certificate, revision=1)
        row.pdf.save("revision-1.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return reverse(
        name,
        kwargs={
            "association_slug": association.slug,
            "certificate_id": certificate.pk,
            "revision": 1,
        },
    )


# Pages that answer 404 past the permission check for want of data the walk does not
# build (a stored zip, a second version): an allowed role must not get 403 there.
DATA_404 = {
    "submissions:review_changes",  # first version: nothing to compare
    "submissions:review_entry_preview",  # no stored zip behind the entry
    "submissions:review_entry_download",
    "employers:membership",  # the walk's association requires no membership
}

# Pages whose ids must belong together (the generic builder makes each id on its own).
SPECIAL_URLS = {
    "submissions:review_entry_preview": _entry_url,
    "submissions:review_entry_download": _entry_url,
    "audits:certificate_revision_pdf": _ready_revision_url,
}
CELLS = [(action, name, method) for action, pages in PAGES.items() for name, method in pages]


def test_every_action_in_the_table_is_walked():
    assert set(PAGES) == set(Action)


def test_every_page_guarded_by_an_action_is_walked_under_that_action():
    for name, pattern in PATTERNS.items():
        action = getattr(pattern.callback, "action", None)
        if action is not None:
            assert (name, "get") in PAGES[action] or (name, "post") in PAGES[action], (
                f"{name} is guarded by {action}: walk it"
            )


def _login_as(client, association, role, employer):
    if role == EMPLOYER_ADMIN:
        user = member(association, "employer", employer=employer, employer_admin=True)
    else:
        user = member(association, role, employer=employer if role == "employer" else None)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_cell_of_the_role_table_through_the_views(client, association, role):
    """One role, every action: allowed → past the check; refused → 403.

    One test per role (not per cell) so the objects behind the URLs are built
    once per role; every failing cell is listed, not only the first.
    """
    add_programs(association)
    user = _login_as(client, association, role, EmployerFactory(association=association))
    wrong = []
    for action, name, method in CELLS:
        # A fresh employer per page (the URL builders add enrollments, one open per
        # program); an employer user's membership moves to it.
        employer = EmployerFactory(association=association)
        if user.membership.employer_id:
            with scopes_disabled():
                Membership.objects.filter(pk=user.membership.pk).update(employer=employer)
        if name == "audits:employer_milestones":
            EnrollmentFactory(employer=employer)  # open: milestones can be recorded
        if name in SPECIAL_URLS:
            url = SPECIAL_URLS[name](name, association, employer)
        else:
            url = url_for(name, PATTERNS[name], association, employer=employer)
        status = getattr(client, method)(url, {}).status_code
        allowed = role in PERMISSIONS[action] or (
            role == EMPLOYER_ADMIN and "employer" in PERMISSIONS[action]
        )
        refused_when_allowed = (403,) if name in DATA_404 else (403, 404)
        if (
            (allowed and status in refused_when_allowed)
            or status >= 500
            or (not allowed and status != 403)
        ):
            wrong.append(
                f"{action.name} {name} {method}: {status}, expected "
                f"{'allowed' if allowed else '403'}"
            )
    assert wrong == []


@pytest.mark.django_db
def test_reviewers_and_auditors_no_longer_change_an_employers_file(client, association):
    """The four holes reported: invite, edit profile/roster, confirm, record milestones."""
    add_programs(association)
    for role in ("reviewer", "auditor"):
        client.force_login(member(association, role))
        for name in (
            "employers:invite",
            "employers:edit",
            "employers:worker_add",
            "employers:enrollment_confirm",
            "audits:milestone_record",
        ):
            url = url_for(name, PATTERNS[name], association)
            assert client.post(url, {}).status_code == 403, (role, name)
