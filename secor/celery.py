"""Celery app, per the official Django recipe: settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")

app = Celery("secor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Every task acts as itself on the audit trail (secor.audit.acting_as): the log
# rows and history rows it writes say "task <name>" instead of nobody.
_actor_tokens: dict[str, object] = {}


@task_prerun.connect
def _act_as_the_task(task_id=None, task=None, **kwargs):
    from secor import audit

    _actor_tokens[task_id] = audit._current.set(audit.task_actor(task.name))


@task_postrun.connect
def _stop_acting_as_the_task(task_id=None, **kwargs):
    from secor import audit

    token = _actor_tokens.pop(task_id, None)
    if token is not None:
        audit._current.reset(token)
