"""The project's settings with the bench URLconf (the app's URLs plus `/bench/minimal/`).

Static files: plain storage, so the bench needs no `collectstatic` (the pages'
`{% static %}` URLs cost the same to build; no static file is requested).
"""

from secor.settings import *  # noqa: F403
from secor.settings import STORAGES

ROOT_URLCONF = "bench.site.urls"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
