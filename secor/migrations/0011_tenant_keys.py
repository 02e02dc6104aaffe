"""Composite keys onto (association_id, id): this app's rows cannot point at another
association's rows (ADR 0006; PostgreSQL only, derived from the models by secor.tenant_keys).
"""

from django.db import migrations

from secor.tenant_keys import ensure_tenant_keys


class Migration(migrations.Migration):
    dependencies = [
        ("secor", "0010_evidence_files_immutable_in_the_database"),
        ("employers", "0006_tenant_keys"),
    ]

    operations = [ensure_tenant_keys("secor")]
