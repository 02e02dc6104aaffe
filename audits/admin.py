"""Audits in the operators' admin: read-mostly lists, filtered by association.

Rules, tools, cycles, audits and milestones change through the services (which
snapshot the rules, freeze tool versions and write the audit log) on the
association's own screens; the admin only shows them, and lets an operator
delete a row created by mistake.
"""

from django.contrib import admin

from .models import (
    Audit,
    AuditCycle,
    AuditTool,
    Certificate,
    CertificateRevision,
    Element,
    ElementScore,
    Milestone,
    MilestoneLetter,
    ProgramRules,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_filter = ["association"]
    list_select_related = ["association"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgramRules)
class ProgramRulesAdmin(ReadOnlyAdmin):
    list_display = [
        "program",
        "association",
        "validity_years",
        "maintenance_deadline_kind",
        "data_gathering_max_days",
        "submission_within_days",
        "full_overall_min_percent",
        "maintenance_overall_min_percent",
        "updated_at",
    ]
    list_filter = ["association", "program__kind", "maintenance_deadline_kind"]
    list_select_related = ["association", "program"]


class ElementInline(ReadOnlyInline):
    model = Element
    fields = ["number", "name", "max_points", "min_percent", "supplemental"]


@admin.register(AuditTool)
class AuditToolAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "program", "association", "status", "published_at"]
    list_filter = ["association", "program__kind", "status"]
    list_select_related = ["association", "program"]
    search_fields = ["name"]
    inlines = [ElementInline]


@admin.register(AuditCycle)
class AuditCycleAdmin(ReadOnlyAdmin):
    list_display = [
        "employer",
        "association",
        "certification_date",
        "ends_on",
        "recertification",
    ]
    list_filter = ["association", "recertification"]
    list_select_related = ["association", "employer"]
    search_fields = ["employer__legal_name"]
    date_hierarchy = "ends_on"


class CertificateRevisionInline(ReadOnlyInline):
    model = CertificateRevision
    fields = ["revision", "legal_name", "wcb_account_number", "issued_on", "expires_on"]
    fields += ["pdf_status", "built_at"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "employer", "association", "issued_on", "expires_on", "status"]
    list_filter = ["association", "status", "imported"]
    list_select_related = ["association", "employer"]
    search_fields = ["number", "employer__legal_name"]
    date_hierarchy = "expires_on"
    inlines = [CertificateRevisionInline]


class ElementScoreInline(ReadOnlyInline):
    model = ElementScore
    fields = ["element", "points", "max_points", "comment", "scored_by", "scored_at"]
    readonly_fields = ["scored_at"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = [
        "employer",
        "association",
        "audit_type",
        "year",
        "status",
        "data_gathering_start",
        "data_gathering_end",
        "received_on",
        "overall_percent",
    ]
    list_filter = ["association", "status", "audit_type", "conducted_by"]
    list_select_related = ["association", "employer"]
    search_fields = ["employer__legal_name", "assessor_name"]
    date_hierarchy = "data_gathering_end"
    inlines = [ElementScoreInline]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["label", "employer", "association", "opens_on", "due_on", "outcome", "met_on"]
    list_filter = ["association", "outcome", "code"]
    list_select_related = ["association", "employer"]
    search_fields = ["employer__legal_name", "label"]


@admin.register(MilestoneLetter)
class MilestoneLetterAdmin(ReadOnlyAdmin):
    list_display = ["employer", "number", "association", "issued_on", "expires_on"]
    list_filter = ["association", "number"]
    list_select_related = ["association", "employer"]
    search_fields = ["employer__legal_name"]
