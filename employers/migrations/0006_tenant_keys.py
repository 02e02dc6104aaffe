"""Composite keys onto (association_id, id): this app's rows cannot point at another
association's rows (ADR 0006; PostgreSQL only, derived from the models by secor.tenant_keys).
"""

from django.db import migrations

from secor.tenant_keys import ensure_tenant_keys


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0005_wcb_account_number_unique_any_case"),
    ]

    operations = [ensure_tenant_keys("employers")]
