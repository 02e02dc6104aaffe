"""The audit trail: who did what, for both of its halves (docs/adr/0008).

* The **action log** (``AuditLogEntry``): one row per service action, written by
  ``record``.
* **Row history** (django-simple-history) on every tenant model a user edits:
  each save keeps a copy of the row (``tests/secor/test_history_coverage.py``).

Both carry the actor. A person acting through a request is the user (the history
middleware gives simple-history the request's user). Work no person does — a
Celery task, a management command — runs inside ``acting_as(Actor(...))``:
every action-log row it writes gets ``actor_label`` ("task secor.x"), and every
history row gets the same words as its ``history_change_reason`` when the code
gave none. ``secor.celery`` wraps every task this way, so no task can forget.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass

from .models import AuditLogEntry


@dataclass(frozen=True)
class Actor:
    """Who acts when it is not (only) a person: a task or a command, maybe for a user."""

    label: str
    user: object | None = None


def task_actor(name: str) -> Actor:
    return Actor(f"task {name}")


def command_actor(name: str) -> Actor:
    return Actor(f"command {name}")


_current: ContextVar[Actor | None] = ContextVar("secor_audit_actor", default=None)


def current_actor() -> Actor | None:
    """The actor set by the innermost ``acting_as`` (None in a plain request)."""
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor):
    """Run a block as ``actor``: its log rows and history rows say who did it."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def actor_or_none(actor):
    """The user to store as "who did it": None for a task, a command or a visitor."""
    if isinstance(actor, Actor):
        actor = actor.user
    if actor is None:
        context = _current.get()
        actor = context.user if context is not None else None
    return actor if actor is not None and actor.is_authenticated else None


def actor_label(actor) -> str:
    """Words for an actor that is not a signed-in user ("task …"), else ""."""
    if isinstance(actor, Actor):
        return actor.label
    if actor is not None and getattr(actor, "is_authenticated", False):
        return ""
    context = _current.get()
    return context.label if context is not None else ""


def record(*, association, actor, action: str, obj=None, summary: str, **data) -> AuditLogEntry:
    """Write one audit-trail row for a service action (who, what, on which object)."""
    return AuditLogEntry.objects.create(
        association=association,
        actor=actor_or_none(actor),
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        data=data,
    )


def label_history_row(sender, history_instance, **kwargs) -> None:
    """``pre_create_historical_record``: a row written with no person gets the actor's words."""
    context = _current.get()
    if context is None or history_instance.history_user_id is not None:
        return
    if context.user is not None and context.user.is_authenticated:
        history_instance.history_user = context.user
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = context.label[:100]
