from .models import AuditLogEntry


def actor_or_none(actor):
    """The user to store as "who did it": None for a task, a command or a visitor."""
    return actor if actor is not None and actor.is_authenticated else None


def record(*, association, actor, action: str, obj=None, summary: str, **data) -> AuditLogEntry:
    """Write one audit-trail row for a service action (who, what, on which object)."""
    return AuditLogEntry.objects.create(
        association=association,
        actor=actor_or_none(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        data=data,
    )
