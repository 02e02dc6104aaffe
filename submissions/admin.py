from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, ReviewNote, Submission, SubmissionEvent, SubmissionRule, Upload


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]


class NoteInline(ReadOnlyInline):
    model = ReviewNote
    fields = ["kind", "element_number", "text", "answer_text", "acknowledged_at"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["at", "assigned_to", "assigned_by", "note"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    """Operators look; every change goes through the services (and their audit trail)."""

    list_display = ["__str__", "association", "status", "version", "late", "received_at"]
    list_filter = ["association", "kind", "status", "late"]
    search_fields = ["employer__legal_name", "original_name", "sha256"]
    inlines = [EventInline, NoteInline, AssignmentInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SubmissionRule)
class SubmissionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "association", "is_enabled", "max_bytes", "allow_link"]
    list_filter = ["association", "kind"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["filename", "association", "status", "offset", "length", "expires_at"]
    list_filter = ["association", "status"]
    readonly_fields = [f.name for f in Upload._meta.fields]
