"""Each existing cycle gets a Certificate; review states on audits become "received".

Cycles held the certificate's status and expiry before the `Certificate`
model (docs/adr/0003-certificate-model.md). A cycle has no certificate number,
so one is invented as <SHORT>-<PROGRAM>-<year>-<seq> and the certificate is
marked `imported` with the reason on its first revision; the program's counter
is moved past the invented numbers so later issues never reuse one.

The submission review states (submitted, in review, corrections) belong to
`submissions` now (docs/adr/0002-state-ownership.md): such audits were
received.
"""

from django.db import migrations

REVIEW_STATES = ("submitted", "in_review", "corrections")
LIVE = ("valid", "suspended")


def forwards(apps, schema_editor):
    Audit = apps.get_model("audits", "Audit")
    AuditCycle = apps.get_model("audits", "AuditCycle")
    Certificate = apps.get_model("audits", "Certificate")
    CertificateRevision = apps.get_model("audits", "CertificateRevision")
    CertificateCounter = apps.get_model("audits", "CertificateCounter")
    WCBAccount = apps.get_model("employers", "WCBAccount")

    Audit._base_manager.filter(status__in=REVIEW_STATES).update(status="received")

    counters = {}
    cycles = AuditCycle._base_manager.select_related(
        "association", "employer", "enrollment__program"
    ).order_by("association_id", "certification_date", "pk")
    for cycle in cycles:
        program = cycle.enrollment.program
        year = cycle.certification_date.year
        key = (cycle.association_id, program.pk, year)
        counters[key] = counters.get(key, 0) + 1
        short = (cycle.association.short_name or cycle.association.slug).upper()
        number = f"{short}-{program.kind.upper()}-{year}-{counters[key]:05d}"
        account = (
            WCBAccount._base_manager.filter(employer_id=cycle.employer_id)
            .order_by("-is_active", "pk")
            .first()
        )
        audit = (
            Audit._base_manager.filter(cycle_id=cycle.pk, year=1, status="passed")
            .exclude(audit_type="maintenance")
            .order_by("data_gathering_start")
            .first()
        )
        status = cycle.certificate_status
        certificate = Certificate._base_manager.create(
            association_id=cycle.association_id,
            number=number,
            employer_id=cycle.employer_id,
            enrollment_id=cycle.enrollment_id,
            cycle_id=cycle.pk,
            audit_id=audit.pk if audit else None,
            wcb_account_id=account.pk if account else None,
            program_id=program.pk,
            issued_on=cycle.certification_date,
            expires_on=cycle.expires_on,
            status=status,
            status_changed_on=cycle.status_changed_on,
            imported=True,
            revision=1,
        )
        CertificateRevision._base_manager.create(
            association_id=cycle.association_id,
            certificate_id=certificate.pk,
            revision=1,
            legal_name=cycle.employer.legal_name,
            wcb_account_number=account.account_number if account else "",
            issued_on=cycle.certification_date,
            expires_on=cycle.expires_on,
            reason="Migrated from the audit cycle; the number was assigned by the migration.",
        )
    for (association_id, program_id, year), seq in counters.items():
        CertificateCounter._base_manager.update_or_create(
            association_id=association_id,
            program_id=program_id,
            year=year,
            defaults={"last_seq": seq},
        )


def backwards(apps, schema_editor):
    AuditCycle = apps.get_model("audits", "AuditCycle")
    Certificate = apps.get_model("audits", "Certificate")
    for certificate in Certificate._base_manager.all():
        AuditCycle._base_manager.filter(pk=certificate.cycle_id).update(
            certificate_status="cancelled"
            if certificate.status == "superseded"
            else certificate.status,
            status_changed_on=certificate.status_changed_on,
        )
    apps.get_model("audits", "CertificateRevision")._base_manager.all().delete()
    Certificate._base_manager.all().delete()
    apps.get_model("audits", "CertificateCounter")._base_manager.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0003_certificate_models"),
        ("employers", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
