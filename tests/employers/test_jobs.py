"""Import previews never confirmed are swept by the daily fan-out."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from employers.jobs import preview_path, sweep_import_previews
from secor.tasks import run_daily_for_association

pytestmark = pytest.mark.django_db


def _age(path: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(default_storage.path(path), (then, then))


def test_previews_older_than_a_day_are_deleted_and_fresh_ones_kept(association, other_association):
    old = default_storage.save(preview_path(association.pk, "a" * 32), ContentFile(b"x"))
    fresh = default_storage.save(preview_path(association.pk, "b" * 32), ContentFile(b"x"))
    others = default_storage.save(preview_path(other_association.pk, "c" * 32), ContentFile(b"x"))
    _age(old, 25)
    _age(others, 25)

    result = run_daily_for_association(association.pk, "2026-12-01")

    assert result["employers.jobs.sweep_import_previews"] == {"deleted": 1, "failed": 0}
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
    assert default_storage.exists(others)  # another association's preview waits for its run
    assert sweep_import_previews(association.pk) == {"deleted": 0, "failed": 0}


def test_an_association_without_previews_sweeps_nothing(association):
    assert sweep_import_previews(association.pk) == {"deleted": 0, "failed": 0}
