"""The audit outcome owned by `audits`: received, passed or failed with stored reasons."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from audits import outcomes, selectors, services
from audits.models import Audit, AuditStatus
from secor.models import AuditLogEntry
from secor.tenancy import activate

from .factories import audit as make_audit
from .factories import certified, enrollment, plannable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def compliant_training(monkeypatch):
    report = SimpleNamespace(compliant=True, verdicts=())
    monkeypatch.setattr(selectors, "training_report", lambda **kw: report)


def scored(association, points, **fields):
    audit = make_audit(association, **fields)
    with activate(association):
        services.scores_save(audit=audit, points=points, actor=None, today=date(2021, 1, 5))
    return audit


def test_the_review_states_are_gone_from_the_audit_status():
    assert AuditStatus.values == ["planned", "received", "passed", "failed", "cancelled"]


def test_a_planned_audit_shows_data_gathering_while_today_is_within_its_dates(association):
    audit = make_audit(association)  # 2021-01-01 to 2021-01-05
    assert audit.display_status(date(2020, 12, 31)) == "planned"
    assert audit.display_status(date(2021, 1, 1)) == "data_gathering"
    assert audit.display_status_label(date(2021, 1, 5)) == "Data gathering"
    assert audit.display_status(date(2021, 1, 6)) == "planned"


def test_mark_received_is_idempotent_and_keeps_the_first_date(association):
    audit = make_audit(association)
    with activate(association):
        services.audit_mark_received(audit=audit, received_on=date(2021, 1, 10), actor=None)
        again = services.audit_mark_received(audit=audit, received_on=date(2021, 2, 1), actor=None)
        assert AuditLogEntry.objects.filter(action="audits.audit_received").count() == 1
    assert (again.status, again.received_on) == ("received", date(2021, 1, 10))


def test_a_received_audit_cannot_change_dates_or_be_cancelled(association):
    audit = make_audit(association)
    with activate(association):
        services.audit_mark_received(audit=audit, received_on=date(2021, 1, 10), actor=None)
        with pytest.raises(ValidationError, match="received on 2021-01-10: its dates can no"):
            services.audit_update_dates(
                audit=audit,
                data_gathering_start=date(2021, 1, 2),
                data_gathering_end=date(2021, 1, 6),
                actor=None,
            )
        with pytest.raises(ValidationError, match="it can no longer be cancelled"):
            services.audit_cancel(audit=audit, actor=None)


def test_scores_cannot_be_entered_before_data_gathering_starts(association):
    audit = make_audit(association)
    with activate(association):
        with pytest.raises(ValidationError, match="Data gathering starts on 2021-01-01"):
            services.scores_save(audit=audit, points={1: 10}, actor=None, today=date(2020, 12, 31))
        services.scores_save(audit=audit, points={1: 10}, actor=None, today=date(2021, 1, 1))


def test_outcome_passes_on_the_final_scores_and_stores_codes_not_sentences(association):
    audit = scored(association, dict.fromkeys(range(1, 11), 85))
    with activate(association):
        services.audit_mark_received(audit=audit, received_on=date(2021, 1, 10), actor=None)
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 2, 1), actor=None)
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 3, 1), actor=None)
        audit.refresh_from_db()
        assert AuditLogEntry.objects.filter(action="audits.audit_decided").count() == 1
    assert (audit.status, audit.decided_on) == ("passed", date(2021, 2, 1))
    assert audit.outcome_reasons == [{"code": "passed", "params": {"overall": "85"}}]
    assert audit.cycle is not None  # ready for a certificate


def test_outcome_fails_with_each_failing_element_as_a_code_and_params(association):
    points = dict.fromkeys(range(1, 11), 90)
    points[3] = 40
    audit = scored(association, points)
    with activate(association):
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 2, 1), actor=None)
        audit.refresh_from_db()
    assert audit.status == "failed"
    assert [r["code"] for r in audit.outcome_reasons] == ["element_below_minimum"]
    assert audit.outcome_reasons[0]["params"]["element"] == 3
    message = outcomes.reason_messages(audit.outcome_reasons)[0]
    assert message.startswith("Element 3 (") and "scored 40 %, below its 50 % minimum" in message
    assert audit.cycle is None


def test_rejection_fails_the_audit_with_the_reviewers_reason_once(association):
    audit = make_audit(association)
    with activate(association):
        services.audit_mark_received(audit=audit, received_on=date(2021, 1, 10), actor=None)
        for _ in range(2):
            services.audit_record_rejection(
                audit=audit,
                decided_on=date(2021, 1, 20),
                actor=None,
                reason_code="sampling_incomplete",
                note="Too few interviews.",
            )
        assert AuditLogEntry.objects.filter(action="audits.audit_rejected").count() == 1
    audit.refresh_from_db()
    assert audit.status == "failed"
    assert outcomes.reason_messages(audit.outcome_reasons) == [
        "The evaluation was rejected (sampling_incomplete). Too few interviews."
    ]


def test_a_passed_audit_cannot_be_rejected_afterwards(association):
    audit = scored(association, dict.fromkeys(range(1, 11), 85))
    with activate(association):
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 2, 1), actor=None)
        with pytest.raises(ValidationError, match="already passed"):
            services.audit_record_rejection(
                audit=audit, decided_on=date(2021, 2, 2), actor=None, reason_code="x"
            )


def test_failed_certification_offers_a_limited_scope_on_the_failing_elements(association):
    points = dict.fromkeys(range(1, 11), 90)
    points[3] = points[7] = 40
    failed = scored(association, points)
    with activate(association):
        services.audit_record_outcome(audit=failed, decided_on=date(2021, 2, 1), actor=None)
        e = failed.enrollment
        rules = selectors.audit_rules_for(e)
        slot, _ = selectors.next_slot(e, rules, date(2021, 3, 1))
        assert (slot.audit_type, slot.follows, slot.failing_elements) == (
            "re_audit",
            failed,
            (3, 7),
        )
        audit = services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2021, 4, 1),
            data_gathering_end=date(2021, 4, 5),
            **plannable(e),
            actor=None,
            today=date(2021, 3, 1),
            limited_scope=True,
        )
        assert (audit.audit_type, audit.scope_elements, audit.follows) == (
            "limited_scope",
            [3, 7],
            failed,
        )
        assert [s.number for s in selectors.audit_specs(audit)] == [3, 7]
        services.scores_save(
            audit=audit, points={3: 80, 7: 80}, actor=None, today=audit.data_gathering_start
        )
        services.audit_record_outcome(audit=audit, decided_on=date(2021, 5, 1), actor=None)
        audit.refresh_from_db()
    assert audit.status == "passed" and audit.cycle.certification_date == date(2021, 4, 5)


def test_limited_scope_is_refused_when_no_failed_audit_precedes_it(association):
    e = enrollment(association)
    with activate(association), pytest.raises(ValidationError, match="follows a failed"):
        services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2021, 4, 1),
            data_gathering_end=date(2021, 4, 5),
            **plannable(e),
            documentation_from=date(2020, 6, 1),
            documentation_to=date(2021, 3, 31),
            actor=None,
            today=date(2021, 3, 1),
            limited_scope=True,
        )


def test_one_reader_says_whether_a_maintenance_audit_counts_for_its_year(association):
    e, cycle = certified(association, date(2021, 1, 5))
    with activate(association):
        audit = services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 10),
            **plannable(e),
            actor=None,
            today=date(2022, 2, 1),
        )
        # Planned, not yet conducted: does not count yet.
        assert not selectors.audit_counts_for_year(cycle, 2, date(2022, 3, 5))
        services.audit_mark_received(audit=audit, received_on=date(2022, 3, 20), actor=None)
        assert selectors.audit_counts_for_year(cycle, 2, date(2022, 3, 21))
        assert not selectors.audit_counts_for_year(cycle, 3, date(2022, 3, 21))
        services.audit_record_rejection(
            audit=audit, decided_on=date(2022, 4, 1), actor=None, reason_code="x"
        )
        assert not selectors.audit_counts_for_year(cycle, 2, date(2022, 4, 2))
        timeline = selectors.enrollment_timeline(e, date(2022, 4, 2))
    maintenance = [d for d in timeline.deadlines if d.kind == "maintenance"]
    assert [d.done for d in maintenance] == [False, False]
    with activate(association):
        assert Audit.objects.get(pk=audit.pk).status == "failed"
