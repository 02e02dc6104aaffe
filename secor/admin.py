from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Association, AuditLogEntry, Invitation, Membership, Program, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_superuser", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "phone"]}),
        ("Platform", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "jurisdiction", "time_zone", "is_active"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [ProgramInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "association", "role", "is_active"]
    list_filter = ["association", "role", "is_active"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "association", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["association", "role"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "association", "actor", "action", "summary"]
    list_filter = ["association", "action"]

    def has_change_permission(self, request, obj=None):
        return False
