"""A WCB account number is unique per board whatever its case, in the database too."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from employers.models import WCBAccount

from ..factories import EmployerFactory, WCBAccountFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("employers.migrations.0005_wcb_account_number_unique_any_case")


def test_the_database_refuses_the_same_number_in_another_case(association, other_association):
    with scopes_disabled():
        first, second = EmployerFactory.create_batch(2, association=association)
        WCBAccountFactory(employer=first, board="WCB-Alberta", account_number="AB-12x")
        for board, number in (("WCB-Alberta", "ab-12X"), ("wcb-alberta", "AB-12X")):
            with (
                pytest.raises(IntegrityError, match="wcbaccount_unique_number_any_case"),
                transaction.atomic(),
            ):
                WCBAccount.objects.create(
                    association=association, employer=second, board=board, account_number=number
                )
        # Another board, or another association: a different account.
        WCBAccountFactory(employer=second, board="Saskatchewan WCB", account_number="ab-12x")
        WCBAccountFactory(
            employer=EmployerFactory(association=other_association),
            board="WCB-Alberta",
            account_number="ab-12x",
        )


def test_the_migration_names_the_accounts_that_differ_only_in_case(association):
    with scopes_disabled():
        employer = EmployerFactory(association=association)
        kept = WCBAccountFactory(employer=employer, board="WCB-Alberta", account_number="77a")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # An expression unique constraint is a unique index in PostgreSQL.
        cursor.execute('DROP INDEX "wcbaccount_unique_number_any_case"')
    with scopes_disabled():
        twin = WCBAccountFactory(employer=employer, board="WCB-ALBERTA", account_number="77A")
    with connection.schema_editor() as editor, pytest.raises(RuntimeError) as refused:
        migration.refuse_duplicates(apps, editor)
    message = str(refused.value)
    assert "unique per board regardless of case" in message
    assert f"WCB-ALBERTA 77A: WCB account ids {kept.pk}, {twin.pk}" in message
    with scopes_disabled():
        twin.delete()
    with connection.schema_editor() as editor:
        migration.refuse_duplicates(apps, editor)  # nothing left to refuse
