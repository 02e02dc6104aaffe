"""Who may do what in an association: the one table views, templates and tests read.

Each action maps to the set of roles allowed to take it. The roles are the
membership roles plus one refinement: ``employer_admin``, an employer user whose
membership has ``is_employer_admin`` (the user who registered the company, or the
first to join it, or one promoted by a program admin or another employer admin).
An employer admin is also an ``employer``, so everything an employer user may do,
an employer admin may do too.

Seeing an employer's own pages (its file, roster, training, timeline) is not in
the table: every role may open them, and ``employers.access.get_employer`` already
limits employer users to their own company. What the table decides is who may
*change* things, and which association-wide pages staff roles open.

Program admins run the program: they confirm
registrations, record milestones, invite staff and manage memberships.
Reviewers and program auditors review: they work the verification and audit
queues and score audits, and change nothing on an employer's file.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from .models import Role

PROGRAM_ADMIN = Role.PROGRAM_ADMIN.value
REVIEWER = Role.REVIEWER.value
AUDITOR = Role.AUDITOR.value
EMPLOYER = Role.EMPLOYER.value
EMPLOYER_ADMIN = "employer_admin"

STAFF = frozenset({PROGRAM_ADMIN, REVIEWER, AUDITOR})
ADMIN = frozenset({PROGRAM_ADMIN})
# The roles tests walk: every membership role, and the employer admin refinement.
ALL_ROLES = (PROGRAM_ADMIN, REVIEWER, AUDITOR, EMPLOYER, EMPLOYER_ADMIN)


class Action(StrEnum):
    # People
    MANAGE_STAFF = "staff.manage"  # people page: invite staff, change roles, deactivate
    INVITE_EMPLOYER_USER = "employer.invite_user"
    MANAGE_EMPLOYER_USERS = "employer.manage_users"  # revoke, promote, deactivate
    # Employers
    VIEW_DIRECTORY = "employers.view_directory"  # the directory and its CSV export
    EDIT_EMPLOYER = "employer.edit"  # company profile and WCB accounts
    EDIT_ROSTER = "employer.edit_roster"  # workers and headcount declarations
    CONFIRM_REGISTRATION = "enrollment.confirm"
    CHANGE_ENROLLMENT_STATUS = "enrollment.change_status"
    EDIT_ELIGIBILITY_RULES = "employers.edit_rules"
    IMPORT_EMPLOYERS = "employers.import"
    # Training
    EDIT_TRAINING = "training.edit_records"  # add records, designate trained employees
    # Dates that arrive after the course (proficiency, maintenance), a new file
    # version: the employer sends them, staff record what they accepted.
    UPDATE_TRAINING_RECORD = "training.update_record"
    VERIFY_TRAINING = "training.verify"
    VIEW_CATALOGUE = "training.view_catalogue"
    EDIT_CATALOGUE = "training.edit_catalogue"
    # Audits
    PLAN_AUDIT = "audits.plan"
    VIEW_AUDITS = "audits.view_all"  # the association's audit list
    VIEW_MILESTONES = "audits.view_milestones"
    RECORD_MILESTONE = "audits.record_milestone"  # outcomes, letters, scheduling
    SCORE_AUDIT = "audits.score"
    EDIT_PROGRAM_RULES = "audits.edit_rules"
    EDIT_AUDIT_TOOLS = "audits.edit_tools"
    # Certificates
    VIEW_CERTIFICATES = "certificates.view"  # list, export, one certificate
    ISSUE_CERTIFICATES = "certificates.issue"  # issue, reissue, change status
    IMPORT_HISTORY = "certificates.import_history"  # current holders, historic audits
    # Submissions: the QA review (queue, workload, workspace, files, changes)
    REVIEW_SUBMISSIONS = "submissions.review"
    # Reminders
    EDIT_REMINDER_SETTINGS = "reminders.edit_settings"  # the association's lead times
    VIEW_REMINDER_LOG = "reminders.view_log"  # every reminder sent about one employer
    # Program
    VIEW_DASHBOARD = "program.view_dashboard"  # the program dashboard and its CSV exports


_EMPLOYER_SIDE = frozenset({PROGRAM_ADMIN, EMPLOYER, EMPLOYER_ADMIN})

PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.MANAGE_STAFF: ADMIN,
    Action.INVITE_EMPLOYER_USER: frozenset({PROGRAM_ADMIN, EMPLOYER_ADMIN}),
    Action.MANAGE_EMPLOYER_USERS: frozenset({PROGRAM_ADMIN, EMPLOYER_ADMIN}),
    Action.VIEW_DIRECTORY: STAFF,
    Action.EDIT_EMPLOYER: _EMPLOYER_SIDE,
    Action.EDIT_ROSTER: _EMPLOYER_SIDE,
    Action.CONFIRM_REGISTRATION: ADMIN,
    Action.CHANGE_ENROLLMENT_STATUS: ADMIN,
    Action.EDIT_ELIGIBILITY_RULES: ADMIN,
    Action.IMPORT_EMPLOYERS: ADMIN,
    Action.EDIT_TRAINING: _EMPLOYER_SIDE,
    Action.UPDATE_TRAINING_RECORD: STAFF | _EMPLOYER_SIDE,
    Action.VERIFY_TRAINING: STAFF,
    Action.VIEW_CATALOGUE: STAFF,
    Action.EDIT_CATALOGUE: ADMIN,
    Action.PLAN_AUDIT: _EMPLOYER_SIDE,
    Action.VIEW_AUDITS: STAFF,
    Action.VIEW_MILESTONES: STAFF,
    Action.RECORD_MILESTONE: ADMIN,
    Action.SCORE_AUDIT: STAFF,
    Action.EDIT_PROGRAM_RULES: ADMIN,
    Action.EDIT_AUDIT_TOOLS: ADMIN,
    Action.VIEW_CERTIFICATES: STAFF,
    Action.ISSUE_CERTIFICATES: ADMIN,
    Action.IMPORT_HISTORY: ADMIN,
    Action.REVIEW_SUBMISSIONS: STAFF,
    Action.EDIT_REMINDER_SETTINGS: ADMIN,
    Action.VIEW_REMINDER_LOG: STAFF,
    Action.VIEW_DASHBOARD: STAFF,
}
assert set(PERMISSIONS) == set(Action), "every action needs a row in the table"


def roles_of(membership) -> frozenset[str]:
    """The roles a membership acts with: its role, plus employer_admin where flagged."""
    if membership is None or not membership.is_active:
        return frozenset()
    if membership.role == EMPLOYER and membership.is_employer_admin:
        return frozenset({EMPLOYER, EMPLOYER_ADMIN})
    return frozenset({membership.role})


def can(membership, action: Action | str) -> bool:
    return bool(roles_of(membership) & PERMISSIONS[Action(action)])


def require(request, action: Action | str) -> None:
    """Refuse (403) a member whose role may not take ``action``; call inside association_view."""
    if not can(getattr(request, "membership", None), action):
        raise PermissionDenied("Your role in this association cannot do this.")


def allowed_actions(membership) -> frozenset[str]:
    """Every action the membership may take, for templates (``perms.<name>``)."""
    roles = roles_of(membership)
    return frozenset(a.name for a, allowed in PERMISSIONS.items() if roles & allowed)
