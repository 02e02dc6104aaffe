"""Background housekeeping of the employers app, run per association by the daily fan-out."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

PREVIEW_DIR = "employer-imports"
# A preview is confirmed within minutes; a day covers a lunch break and more.
PREVIEW_MAX_AGE = timedelta(hours=24)


def preview_path(association_id: int, token: str) -> str:
    """Where an import preview's CSV waits for its confirmation."""
    return f"{PREVIEW_DIR}/{association_id}/{token}.csv"


def sweep_import_previews(
    association_id: int, local_date: date | None = None, *, max_age: timedelta = PREVIEW_MAX_AGE
) -> dict[str, int]:
    """Delete the association's employer-import previews never confirmed within `max_age`."""
    return sweep_previews(PREVIEW_DIR, association_id, max_age=max_age)


def sweep_previews(
    root: str, association_id: int, *, max_age: timedelta = PREVIEW_MAX_AGE
) -> dict[str, int]:
    """Delete the files under `<root>/<association_id>/` older than `max_age`.

    Any import with a confirm step keeps its preview there. Idempotent; a file
    that vanishes meanwhile (confirmed at that moment) is skipped.
    """
    folder = f"{root}/{association_id}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return {"deleted": 0, "failed": 0}
    cutoff = timezone.now() - max_age
    deleted = failed = 0
    for name in files:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue
        except OSError:
            logger.exception("could not sweep import preview %s", path)
            failed += 1
    return {"deleted": deleted, "failed": failed}


def refresh_eligibility(association_id: int, local_date: date | None = None) -> dict[str, int]:
    """The `daily_jobs` entry: redo the verdicts that went stale at local midnight.

    The 12-month window moves every day; the fan-out runs this just after the
    association's midnight, so pages only ever read verdicts (a missed run shows
    yesterday's verdict with its date, never a recomputation on a GET).
    Idempotent: a second run the same day finds nothing stale.
    """
    from django_scopes import scopes_disabled

    from secor.models import Association

    from .services import eligibility_refresh

    with scopes_disabled():
        association = Association.objects.get(pk=association_id)
    return {"refreshed": eligibility_refresh(association=association, stale_only=True)}
