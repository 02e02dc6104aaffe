"""Celery app, per the official Django recipe: settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")

app = Celery("secor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
