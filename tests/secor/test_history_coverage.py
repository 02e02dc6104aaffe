"""The audit-trail policy (docs/adr/0008): row history on every tenant model a user edits.

Walks every tenant-owned model of the project's apps. Each has
django-simple-history registered, or is on the allow-list below with the reason
it needs none. A new tenant model fails here until one of the two is decided.
"""

import pytest
from django.apps import apps
from simple_history.models import registered_models

from secor.models import TenantModel

from .test_tenancy import PROJECT_APPS

# label -> why it has no row history. Each is append-only, immutable, derived,
# or machinery no user edits; what users do to them is in the action log.
WITHOUT_HISTORY = {
    "secor.auditlogentry": "the action log itself: append-only",
    "secor.notification": "written by the system; reading one is not an edit",
    "secor.reminder": "reminder machinery: claimed and sent by tasks",
    "secor.delivery": "reminder machinery: one row per message sent",
    "secor.remindersweep": "reminder machinery: a task's progress marker",
    "secor.evidencefile": "immutable: a new version is a new row, never an update",
    "training.recordverification": "immutable: each verification is a new row",
    "audits.certificatecounter": "a number sequence, advanced by issuing",
    "submissions.submissionentry": "derived from the zip's manifest, never edited",
    "submissions.submissionevent": "append-only event log of a submission",
    "submissions.upload": "resumable-upload progress of one file; the submission has history",
}


def tenant_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS
        and issubclass(m, TenantModel)
        and not m.__name__.startswith("Historical")
    ]


def has_history(model) -> bool:
    return any(registered is model for registered in registered_models.values())


def test_every_tenant_model_has_history_or_a_reason_not_to():
    missing = [
        m._meta.label_lower
        for m in tenant_models()
        if not has_history(m) and m._meta.label_lower not in WITHOUT_HISTORY
    ]
    assert missing == [], (
        f"add `history = HistoricalRecords()` to {missing}, or put them on WITHOUT_HISTORY "
        "with the reason (docs/adr/0008)"
    )


def test_the_allow_list_names_only_models_that_exist_and_lack_history():
    by_label = {m._meta.label_lower: m for m in tenant_models()}
    stale = [label for label in WITHOUT_HISTORY if label not in by_label]
    assert stale == [], f"no such tenant models: {stale}"
    both = [label for label in WITHOUT_HISTORY if has_history(by_label[label])]
    assert both == [], f"these have history now; take them off the allow-list: {both}"


@pytest.mark.parametrize(
    "label",
    [
        "secor.membership",
        "audits.elementscore",
        "audits.milestone",
        "audits.milestoneletter",
        "training.trainingrequirement",
        "training.trainedemployeedesignation",
    ],
)
def test_the_models_the_policy_named_have_history(label):
    assert has_history(apps.get_model(label))


@pytest.mark.django_db
def test_an_evidence_file_cannot_be_changed_or_deleted_even_by_raw_sql(association):
    from django.db import DatabaseError, connection, transaction

    from secor.models import EvidenceFile

    from ..factories import UserFactory
    from ..training.factories import EvidenceFileFactory

    stored = EvidenceFileFactory(association=association, stored_by=UserFactory())
    with pytest.raises(TypeError, match="immutable"):
        stored.save()
    with pytest.raises(TypeError, match="immutable"):
        stored.delete()
    with pytest.raises(TypeError, match="immutable"):
        EvidenceFile.objects.for_association(association).update(sha256="0" * 64)
    if connection.vendor != "postgresql":
        return
    for sql in (
        "UPDATE secor_evidencefile SET sha256 = repeat('0', 64) WHERE id = %s",
        "DELETE FROM secor_evidencefile WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [stored.pk])
    # A deleted user's files stay, without the user (the one update allowed).
    stored.stored_by.delete()
    kept = EvidenceFile.objects.for_association(association).get(pk=stored.pk)
    assert (kept.stored_by, kept.sha256) == (None, stored.sha256)
