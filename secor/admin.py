from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy

from .models import Association, AuditLogEntry, Invitation, Membership, Program, Role, User
from .services import invitation_create


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


class TenantInlineFormSet(forms.BaseInlineFormSet):
    """Tenant keys have no reverse accessor (related_name="+"), which would leave
    inline formsets with an empty prefix; name it after the model instead."""

    @classmethod
    def get_default_prefix(cls):
        return cls.model._meta.model_name


class ProgramInline(admin.TabularInline):
    model = Program
    formset = TenantInlineFormSet
    extra = 1


class AssociationAddForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    first_admin_email = forms.EmailField(
        help_text=gettext_lazy(
            "We email this person an invitation to become the first program admin."
        )
    )

    class Meta:
        model = Association
        fields = [
            "name",
            "short_name",
            "slug",
            "jurisdiction",
            "wcb_board",
            "time_zone",
            "logo",
            "contact_email",
            "contact_phone",
            "address",
            "website",
            "is_active",
        ]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "jurisdiction", "time_zone", "is_active"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [ProgramInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AssociationAddForm
        return super().get_form(request, obj, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            f"{obj} was created and an invitation to be its program admin was emailed to "
            f"{request.POST.get('first_admin_email', '')}.",
        )
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            invitation_create(
                association=form.instance,
                email=form.cleaned_data["first_admin_email"],
                role=Role.PROGRAM_ADMIN,
                invited_by=request.user,
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "association", "role", "is_active"]
    list_filter = ["association", "role", "is_active"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are created by services, which email the link."""

    list_display = ["email", "association", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["association", "role"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "association", "actor", "action", "summary"]
    list_filter = ["association", "action"]

    def has_change_permission(self, request, obj=None):
        return False
