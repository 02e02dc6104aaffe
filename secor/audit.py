from .models import AuditLogEntry


def record(*, association, actor, action: str, obj=None, summary: str, **data) -> AuditLogEntry:
    """Write one audit-trail row for a service action (who, what, on which object)."""
    return AuditLogEntry.objects.create(
        association=association,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        data=data,
    )
