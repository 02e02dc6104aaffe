"""Every audit-trail row names its actor, tasks included (docs/adr/0008)."""

from datetime import date

import pytest

from employers.models import Enrollment
from secor import audit
from secor.models import AuditLogEntry, Membership, Role
from secor.tasks import run_daily_for_association
from secor.tenancy import activate

from ..audits.factories import certified
from ..conftest import member
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
TASK = "task secor.run_daily_for_association"


def test_a_celery_task_names_itself_on_the_log_rows_and_history_rows_it_writes(association):
    e, _ = certified(association, date(2021, 1, 5))

    # Through Celery (the task's tracer, as a worker runs it), not a plain call.
    result = run_daily_for_association.apply(args=[association.pk, "2023-01-01"]).get()

    assert result["audits.jobs.daily_transitions_job"]["applied"] == 1
    with activate(association):
        entry = AuditLogEntry.objects.get(action="audits.transition_cancel")
        latest = Enrollment.history.filter(id=e.pk).order_by("-history_date").first()
    assert (entry.actor, entry.actor_label) == (None, TASK)
    assert latest.status == "cancelled"
    assert (latest.history_user, latest.history_change_reason) == (None, TASK)
    assert audit.current_actor() is None  # the task's actor ends with the task


def test_a_person_is_the_actor_and_needs_no_label(association):
    user = UserFactory()
    entry = audit.record(association=association, actor=user, action="x.y", summary="done")
    assert (entry.actor, entry.actor_label) == (user, "")


def test_acting_as_a_command_labels_rows_and_can_act_for_a_user(association):
    admin = member(association, Role.PROGRAM_ADMIN)
    membership = Membership.objects.for_association(association).get(user=admin)
    with audit.acting_as(audit.command_actor("import_employers")):
        entry = audit.record(association=association, actor=None, action="x.y", summary="s")
        membership.is_employer_admin = False
        membership.save()
    assert entry.actor_label == "command import_employers"
    row = membership.history.order_by("-history_date").first()
    assert row.history_change_reason == "command import_employers"

    with audit.acting_as(audit.Actor("task audits.build_pdf", user=admin)):
        entry = audit.record(association=association, actor=None, action="x.z", summary="s")
        membership.save()
    assert (entry.actor, entry.actor_label) == (admin, "task audits.build_pdf")
    assert membership.history.order_by("-history_date").first().history_user == admin


def test_a_reason_the_code_gave_is_kept(association):
    admin = member(association, Role.PROGRAM_ADMIN)
    membership = Membership.objects.for_association(association).get(user=admin)
    with audit.acting_as(audit.task_actor("t")):
        membership._change_reason = "role reviewed"
        membership.save()
    assert membership.history.order_by("-history_date").first().history_change_reason == (
        "role reviewed"
    )
