"""Audits screens. Thin: forms in, services and selectors out.

Every employer object comes through `employers.access.get_employer` and then a
queryset filtered on that employer, so another employer's (or tenant's) id is
a 404. Staff-only pages answer 403 to employer users before any look-up.
"""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext

from employers.access import get_employer
from employers.imports import MAX_BYTES as EMPLOYER_IMPORT_MAX_BYTES
from employers.models import Enrollment, EnrollmentStatus, WCBAccount
from secor.dates import association_today
from secor.forms import (
    add_once_token,
    add_service_errors,
    bound_data,
    error_summary,
    form_submitted,
    posted_id,
    typed_rows,
    typed_values,
)
from secor.http import refuse_method, require_methods
from secor.models import AuditLogEntry, Program
from secor.permissions import Action, can, require
from secor.tables import paginate, stream_csv
from secor.tenancy import association_view

from . import certificates, holders, issuing, selectors, services
from . import schedule as sched
from .certificate_views import pdf_status_context
from .filters import AuditFilter, CertificateFilter
from .forms import (
    CertificateStatusForm,
    DatesForm,
    ElementFormSet,
    HistoricAuditForm,
    HoldersUploadForm,
    IssueForm,
    LetterForm,
    MilestoneForm,
    MilestoneFormSet,
    PackageFormSet,
    PlanForm,
    ReissueForm,
    RulesForm,
    ToolNameForm,
    milestones_initial,
    milestones_value,
    package_initial,
    package_value,
    points_from,
    score_form_class,
)
from .jobs import holder_preview_path
from .models import (
    Audit,
    AuditStatus,
    AuditTool,
    Certificate,
    CertificateRevision,
    ConductedBy,
    Element,
    ElementScore,
    Milestone,
    MilestoneLetter,
    ProgramRules,
)
from .tables import AuditTable, CertificateTable, MilestoneBoardTable
from .timeline import timeline_chart


def _slug(request) -> str:
    return request.association.slug


# --- Employer pages --------------------------------------------------------------------


def _timeline_title(enrollment) -> str:
    program = enrollment.program.get_kind_display()
    return gettext("%(program)s cycle timeline") % {"program": program}


@association_view(read_only=True)
def timeline(request, employer_id):
    """The cycle as a timeline: three years, each audit, every deadline, today."""
    employer = get_employer(request, employer_id)  # 404 first: a POST learns nothing either
    if refused := refuse_method(request, "GET"):
        return refused
    today = association_today(request.association)
    timelines = []
    for n, tl in enumerate(selectors.employer_timelines(employer, today), start=1):
        chart = timeline_chart(tl, n=n, title=_timeline_title(tl.enrollment))
        timelines.append({"tl": tl, "chart": chart, "geo": chart.extra["geo"]})
    return render(
        request,
        "audits/timeline.html",
        {"employer": employer, "timelines": timelines, "today": today},
    )


@association_view
@require_methods("GET", "POST")
def plan(request, employer_id):
    """Plan this year's audit: the type from the cycle year, dates checked against the rules."""
    employer = get_employer(request, employer_id)
    if request.method == "POST":
        require(request, Action.PLAN_AUDIT)
    today = association_today(request.association)
    enrollments = Enrollment.objects.filter(
        employer=employer, status__in=EnrollmentStatus.open_statuses()
    ).select_related("program", "association")
    by_staff = request.membership.is_staff_role
    slots = []
    for enrollment in enrollments:
        rules = selectors.audit_rules_for(enrollment)
        slot, why_not = (
            (None, None) if rules is None else selectors.next_slot(enrollment, rules, today)
        )
        slots.append({"enrollment": enrollment, "slot": slot, "why_not": why_not, "rules": rules})
    follow_up = any(s["slot"] is not None and s["slot"].failing_elements for s in slots)
    certification = any(
        s["slot"] is not None and s["slot"].audit_type in ("certification", "baseline")
        for s in slots
    )
    first = enrollments[0] if enrollments else None
    form = PlanForm(
        bound_data(request),
        enrollments=enrollments,
        workers=selectors.assessor_choices(employer, first.program if first else None, today),
        external_workers=selectors.external_assessor_choices(employer, today),
        follow_up=follow_up,
        documentation=certification,
    )
    outcome = {}

    def check_and_plan(**data):
        """Refuse with every blocker at once; else plan the audit."""
        by = data["conducted_by"]
        assessor = {
            ConductedBy.TRAINED_ASSESSOR: data.get("assessor_worker"),
            ConductedBy.EXTERNAL_ASSESSOR: data.get("external_assessor"),
        }.get(by)
        args = {
            "enrollment": data["enrollment"],
            "conducted_by": by,
            "assessor_worker": assessor,
            "by_staff": by_staff,
            "documentation_from": data.get("documentation_from"),
            "documentation_to": data.get("documentation_to"),
        }
        check = selectors.plan_check(
            **args, start=data["data_gathering_start"], end=data["data_gathering_end"], today=today
        )
        outcome["check"] = check
        if not check.ok:
            raise ValidationError(
                [ValidationError(r.localized, code=r.code) for r in check.blockers]
            )
        outcome["audit"] = services.audit_plan(
            **args,
            data_gathering_start=data["data_gathering_start"],
            data_gathering_end=data["data_gathering_end"],
            actor=request.user,
            today=today,
            limited_scope=bool(data.get("limited_scope")),
        )

    if form_submitted(request, form, check_and_plan, once=True):
        if form.duplicate:
            return redirect(
                "audits:timeline", association_slug=_slug(request), employer_id=employer.pk
            )
        audit = outcome["audit"]
        messages.success(
            request,
            gettext(
                "%(audit_type)s audit planned for %(data_gathering_start)s "
                "to %(data_gathering_end)s."
            )
            % {
                "audit_type": audit.get_audit_type_display(),
                "data_gathering_start": audit.data_gathering_start,
                "data_gathering_end": audit.data_gathering_end,
            },
        )
        for note in outcome["check"].notes:
            messages.info(request, note)
        return redirect("audits:timeline", association_slug=_slug(request), employer_id=employer.pk)
    # The blockers get their own alert ("This audit cannot be planned yet") rather
    # than the form's error summary; field errors stay on their fields.
    blocked = []
    if form.is_bound:
        blocked = form.errors.as_data().get(NON_FIELD_ERRORS, [])
        form.errors.pop(NON_FIELD_ERRORS, None)
    blockers = [m for error in blocked for m in error.messages]
    codes = {error.code for error in blocked}
    check = outcome.get("check")
    return render(
        request,
        "audits/plan.html",
        {
            "employer": employer,
            "form": form,
            "slots": slots,
            "blockers": blockers,
            "notes": check.notes if check else [],
            "training_blocked": any(e.code and e.code.startswith("training:") for e in blocked),
            "membership_blocked": bool(codes & {"membership_expired", "membership_missing"}),
            "size_blocked": "over_size_limit" in codes,
            "past_blocked": "submission_window_passed" in codes,
            "by_staff": by_staff,
            "today": today,
        },
    )


@association_view
@require_methods("GET", "POST")
def audit_detail(request, employer_id, audit_id):
    """One audit: its rules and tool version, deadlines, scores; planned audits can move."""
    employer = get_employer(request, employer_id)
    audit = get_object_or_404(
        Audit.objects.filter(employer=employer).select_related("tool", "enrollment__program"),
        pk=audit_id,
    )
    initial = {
        "data_gathering_start": audit.data_gathering_start,
        "data_gathering_end": audit.data_gathering_end,
    }
    form = DatesForm(bound_data(request), initial=initial)
    if request.method == "POST" and audit.status != AuditStatus.PLANNED:
        # The form is no longer shown; a stale page posting anyway learns why.
        status = audit.get_status_display().lower()
        messages.error(
            request,
            (
                gettext("This audit is %(status)s: it can no longer be cancelled.")
                if request.POST.get("action") == "cancel"
                else gettext("This audit is %(status)s: it can no longer be moved.")
            )
            % {"status": status},
        )
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.audit_cancel(audit=audit, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, gettext("The audit was cancelled."))
        return redirect("audits:timeline", association_slug=_slug(request), employer_id=employer.pk)

    def move(**dates):
        services.audit_update_dates(
            audit=audit, **dates, actor=request.user, today=association_today(request.association)
        )

    if form_submitted(request, form, move, success=gettext("The audit's dates were changed.")):
        return redirect(request.path)
    rules = selectors.audit_rules(audit)
    scores = ElementScore.objects.filter(audit=audit).select_related("element")
    result = selectors.score_audit_of(audit)
    context = {
        "employer": employer,
        "audit": audit,
        "form": form,
        "rules": rules,
        "marks": selectors.audit_pass_marks(audit),
        "deadlines": selectors.audit_deadlines(audit),
        "scores": scores,
        "result": result,
        "last_day": sched.last_data_gathering_day(audit.data_gathering_start, rules),
        "today": association_today(request.association),
        "certificate": Certificate.objects.filter(audit=audit).first(),
        "can_issue": can(request.membership, Action.ISSUE_CERTIFICATES)
        and audit.status == AuditStatus.PASSED
        and audit.audit_type in issuing.ISSUABLE_TYPES,
    }
    return render(request, "audits/audit_detail.html", context)


# --- Staff lists -------------------------------------------------------------------------


def _audit_table(request):
    today = association_today(request.association)
    filterset = AuditFilter(
        request.GET, queryset=Audit.objects.select_related("employer", "tool", "association")
    )
    return filterset, AuditTable(filterset.qs, today=today)


@association_view(action=Action.VIEW_AUDITS)
@require_methods("GET")
def audit_list(request):
    """Audits by status and report due date, a page at a time (`secor.tables`)."""
    filterset, table = _audit_table(request)
    paginate(request, table)
    return render(
        request,
        "audits/audit_list.html",
        {"filter": filterset, "table": table, "export_query": request.GET.urlencode()},
    )


@association_view(action=Action.VIEW_AUDITS)
@require_methods("GET")
def audit_list_export(request):
    """The filtered audits list as CSV, every page, streamed."""
    _, table = _audit_table(request)
    name = f"{slugify(request.association.short_name)}-audits.csv"
    return stream_csv(table, name, request=request)


def _board_table(request):
    return MilestoneBoardTable(
        selectors.milestone_board_queryset(request.association),
        association=request.association,
        today=association_today(request.association),
    )


@association_view(action=Action.VIEW_MILESTONES)
@require_methods("GET")
def milestone_board(request):
    """SCSA milestone board: who is at which milestone, letters expiring, de-roll candidates."""
    table = paginate(request, _board_table(request))
    return render(
        request,
        "audits/milestone_board.html",
        {"table": table, "export_query": request.GET.urlencode()},
    )


@association_view(action=Action.VIEW_MILESTONES)
@require_methods("GET")
def milestone_board_export(request):
    name = f"{slugify(request.association.short_name)}-milestone-board.csv"
    return stream_csv(_board_table(request), name, request=request)


@association_view(action=Action.VIEW_MILESTONES)
@require_methods("GET", "POST")
def employer_milestones(request, employer_id):
    """A registrant's milestones and letters; staff record outcomes and letters here."""
    employer = get_employer(request, employer_id)
    enrollments = list(
        Enrollment.objects.filter(employer=employer).select_related("program", "association")
    )
    letter_form = LetterForm(bound_data(request), prefix="letter")
    add_once_token(letter_form)  # a create form: the same letter sent twice is recorded once
    target = next((e for e in enrollments if e.status in EnrollmentStatus.open_statuses()), None)
    if request.method == "POST":
        require(request, Action.RECORD_MILESTONE)
        if target is None:
            raise Http404("No open enrollment.")
        if request.POST.get("action") == "schedule":
            created = services.milestones_schedule(enrollment=target, actor=request.user)
            messages.success(
                request,
                gettext("%(len)s milestones scheduled from the rules.") % {"len": len(created)},
            )
            return redirect(request.path)

        def record(**letter):
            services.milestone_letter_record(enrollment=target, actor=request.user, **letter)

        if form_submitted(
            request,
            letter_form,
            record,
            success=gettext("Milestone letter recorded."),
            once=True,
        ):
            return redirect(request.path)
    context = {
        "employer": employer,
        "enrollment": target,
        "milestones": Milestone.objects.filter(employer=employer),
        "letters": MilestoneLetter.objects.filter(employer=employer),
        "letter_form": letter_form,
        "today": association_today(request.association),
    }
    return render(request, "audits/employer_milestones.html", context)


@association_view(action=Action.RECORD_MILESTONE)
@require_methods("GET", "POST")
def milestone_record(request, milestone_id):
    """Record a milestone's outcome (proficiency, manual review) or its letter's due date."""
    milestone = get_object_or_404(Milestone.objects.select_related("employer"), pk=milestone_id)
    initial = {"outcome": milestone.outcome, "met_on": milestone.met_on, "notes": milestone.notes}
    form = MilestoneForm(bound_data(request), initial=initial)

    def record(**outcome):
        services.milestone_record(milestone=milestone, actor=request.user, **outcome)

    if form_submitted(
        request, form, record, success=gettext("%(label)s: recorded.") % {"label": milestone.label}
    ):
        return redirect(
            "audits:employer_milestones",
            association_slug=_slug(request),
            employer_id=milestone.employer_id,
        )
    return render(request, "audits/milestone_record.html", {"milestone": milestone, "form": form})


# --- Scoring ---------------------------------------------------------------------------------


def _scoring(request, audit_id):
    audit = get_object_or_404(
        Audit.objects.select_related("employer", "tool", "enrollment__program"), pk=audit_id
    )
    elements = list(Element.objects.filter(tool=audit.tool))
    return audit, elements


@association_view(action=Action.SCORE_AUDIT)
@require_methods("GET", "POST")
def scores(request, audit_id):
    """Element scoring with running totals (htmx) and the pass/fail preview."""
    audit, elements = _scoring(request, audit_id)
    saved = {
        f"element_{s.element.number}": s.points for s in ElementScore.objects.filter(audit=audit)
    }
    form_class = score_form_class(elements)
    form = form_class(bound_data(request), initial=saved)

    def save(**points):
        services.scores_save(audit=audit, points=points_from(points, elements), actor=request.user)

    if form_submitted(request, form, save, success=gettext("Scores saved.")):
        return redirect(request.path)
    source = request.POST if request.method == "POST" else saved
    result = services.score_preview(audit=audit, points=points_from(source, elements))
    context = {
        "audit": audit,
        "form": form,
        "result": result,
        "marks": selectors.audit_pass_marks(audit),
    }
    return render(request, "audits/scores.html", context)


@association_view(action=Action.SCORE_AUDIT)
@require_methods("GET", "POST")
def scores_preview(request, audit_id):
    """The running totals partial: `scoring.score_audit` on the unsaved points."""
    audit, elements = _scoring(request, audit_id)
    result = services.score_preview(audit=audit, points=points_from(request.POST, elements))
    return render(
        request,
        "audits/_score_preview.html",
        {"result": result, "marks": selectors.audit_pass_marks(audit), "audit": audit},
    )


# --- Program admin: rules and tools -----------------------------------------------------------


@association_view(action=Action.EDIT_PROGRAM_RULES)
@require_methods("GET")
def rules_list(request):
    """Each program's rules; a program without rules links to a form of defaults."""
    programs = Program.objects.filter(is_active=True).order_by("kind")
    rules_by_program = {r.program_id: r for r in ProgramRules.objects.all()}
    rows = [{"program": p, "rules": rules_by_program.get(p.pk)} for p in programs]
    return render(request, "audits/rules_list.html", {"rows": rows})


def _rules_page(request, *, rules: ProgramRules, program: Program, save):
    """The rules form and its two row lists; ``save(data)`` runs the service.

    "Add a row" re-renders what was typed (unsaved, unvalidated) with one blank
    row more in that list; "Save rules" validates everything and saves.
    """
    post = request.POST if request.method == "POST" else None
    adding = post.get("add") if post else None
    if adding in ("package", "milestones"):
        form = RulesForm(instance=rules, initial=typed_values(RulesForm, post))
        package = PackageFormSet(
            initial=typed_rows(PackageFormSet, post, "package"), prefix="package"
        )
        milestones = MilestoneFormSet(
            initial=typed_rows(MilestoneFormSet, post, "milestones"), prefix="milestones"
        )
        added = package if adding == "package" else milestones
        added.extra = 1
    else:
        form = RulesForm(post, instance=rules)
        package = PackageFormSet(post, initial=package_initial(rules), prefix="package")
        milestones = MilestoneFormSet(post, initial=milestones_initial(rules), prefix="milestones")
        if post is not None and all([form.is_valid(), package.is_valid(), milestones.is_valid()]):
            data = {
                **form.cleaned_data,
                "maintenance_package": package_value(package),
                "milestones": milestones_value(milestones),
            }
            try:
                save(data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "Rules saved. Audits already started keep the rules they started under."
                    ),
                )
                return redirect("audits:rules_list", association_slug=_slug(request))
    kind = form["maintenance_deadline_kind"].value()
    context = {
        "rules": rules,
        "program": program,
        "form": form,
        "package": package,
        "milestones": milestones,
        "fixed_fields": RulesForm.FIXED_FIELDS,
        "fixed_shown": kind == "fixed_month_day",
        "problems": error_summary(form, package, milestones),
        "history": rules.history.all()[:10] if rules.pk else [],
    }
    return render(request, "audits/rules_edit.html", context)


@association_view(action=Action.EDIT_PROGRAM_RULES)
@require_methods("GET", "POST")
def rules_new(request, program_id):
    """First rules of a program: the defaults are shown, and saved only when the admin saves."""
    program = get_object_or_404(Program.objects.filter(is_active=True), pk=program_id)
    existing = ProgramRules.objects.filter(program=program).first()
    if existing is not None:
        return redirect("audits:rules_edit", association_slug=_slug(request), rules_id=existing.pk)
    rules = ProgramRules(
        association=request.association,
        program=program,
        maintenance_deadline_kind="calendar_year_end",
    )

    def save(data):
        services.rules_create(program=program, actor=request.user, data=data)

    return _rules_page(request, rules=rules, program=program, save=save)


@association_view(action=Action.EDIT_PROGRAM_RULES)
@require_methods("GET", "POST")
def rules_edit(request, rules_id):
    rules = get_object_or_404(ProgramRules.objects.select_related("program"), pk=rules_id)

    def save(data):
        services.rules_update(rules=rules, actor=request.user, data=data)

    return _rules_page(request, rules=rules, program=rules.program, save=save)


@association_view(action=Action.EDIT_AUDIT_TOOLS)
@require_methods("GET", "POST")
def tools_list(request):
    programs = Program.objects.filter(is_active=True).order_by("kind")
    if request.method == "POST":
        program = get_object_or_404(programs, pk=posted_id(request.POST.get("program")))
        try:
            tool = services.tool_create_draft(program=program, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("audits:tools_list", association_slug=_slug(request))
        return redirect("audits:tool_detail", association_slug=_slug(request), tool_id=tool.pk)
    tools = AuditTool.objects.select_related("program").order_by("program__kind", "-version")
    rows = []
    for program in programs:
        versions = [t for t in tools if t.program_id == program.pk]
        current = next((t for t in versions if not t.is_draft), None)
        rows.append({"program": program, "tools": versions, "current": current})
    return render(request, "audits/tools_list.html", {"rows": rows})


@association_view(action=Action.EDIT_AUDIT_TOOLS)
@require_methods("GET", "POST")
def tool_detail(request, tool_id):
    """A tool version; a draft's elements are edited here and the draft published.

    Buttons of the draft's form: "Add element" (re-renders what was typed with
    one blank row more, saves nothing), "Save draft", and "Publish…", which
    saves the rows as typed (or refuses with their errors) and then asks for a
    confirmation: publishing cannot be undone.
    """
    tool = get_object_or_404(AuditTool.objects.select_related("program"), pk=tool_id)
    elements = list(Element.objects.filter(tool=tool))
    action = ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("add", "save", "publish", "confirm_publish"):
            action = "save"
    errors = []
    if action and not tool.is_draft:
        errors = [
            gettext("Version %(version)s is published and cannot change; start a new draft.")
            % {"version": tool.version}
        ]
        action = ""
    if action == "add":
        formset = ElementFormSet(
            initial=typed_rows(ElementFormSet, request.POST, "el"), prefix="el"
        )
        formset.extra = 1
        name_form = ToolNameForm(initial=typed_values(ToolNameForm, request.POST))
    else:
        initial = [
            {
                "number": e.number,
                "name": e.name,
                "max_points": e.max_points,
                "min_percent": e.min_percent,
                "supplemental": e.supplemental,
            }
            for e in elements
        ]
        saving = action in ("save", "publish")
        formset = ElementFormSet(request.POST if saving else None, initial=initial, prefix="el")
        if not elements and not saving:
            formset.extra = 1  # an empty tool starts with one row to fill in
        name_form = ToolNameForm(request.POST if saving else None, initial={"name": tool.name})
    if action == "confirm_publish":
        try:
            services.tool_publish_version(tool=tool, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, gettext("Version %(version)s published.") % {"version": tool.version}
            )
            return redirect(request.path)
    elif action in ("save", "publish") and formset.is_valid() and name_form.is_valid():
        rows = [f for f in formset.cleaned_data if f and not f.get("DELETE")]
        try:
            services.tool_update_elements(
                tool=tool, actor=request.user, elements=rows, name=name_form.cleaned_data["name"]
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if action == "publish":
                return redirect(f"{request.path}?confirm=publish")
            messages.success(request, gettext("Draft saved."))
            return redirect(request.path)
    confirming = (
        tool.is_draft and request.method == "GET" and request.GET.get("confirm") == "publish"
    )
    context = {
        "tool": tool,
        "elements": elements,
        "formset": formset,
        "name_form": name_form,
        "errors": errors,
        "problems": error_summary(name_form if name_form.is_bound else None, formset),
        "confirming": confirming,
        "audit_count": Audit.objects.filter(tool=tool).count(),
    }
    return render(request, "audits/tool_detail.html", context)


# --- Certificates ------------------------------------------------------------------------


@association_view
def employer_certificates(request, employer_id):
    """The employer's certificates, newest first, with each one's revisions."""
    employer = get_employer(request, employer_id)  # 404 first: a POST learns nothing either
    if refused := refuse_method(request, "GET"):
        return refused
    certificates = (
        Certificate.objects.filter(employer=employer)
        .select_related("program", "wcb_account")
        .prefetch_related("revisions")
        .order_by("-issued_on", "-pk")
    )
    return render(
        request,
        "audits/employer_certificates.html",
        {
            "employer": employer,
            "certificates": certificates,
            "today": association_today(request.association),
        },
    )


def _certificate_table(request):
    queryset = Certificate.objects.select_related(
        "association", "employer", "wcb_account", "program"
    )
    filterset = CertificateFilter(request.GET, queryset=queryset)
    return filterset, CertificateTable(filterset.qs)


@association_view(action=Action.VIEW_CERTIFICATES)
@require_methods("GET")
def certificate_list(request):
    """The association's certificates: search, filters, pages, and the same list as CSV."""
    filterset, table = _certificate_table(request)
    paginate(request, table)
    return render(
        request,
        "audits/certificate_list.html",
        {"filter": filterset, "table": table, "export_query": request.GET.urlencode()},
    )


@association_view(action=Action.VIEW_CERTIFICATES)
@require_methods("GET")
def certificate_export(request):
    """The certificate list as CSV: same search, filters and order, every page, streamed."""
    _, table = _certificate_table(request)
    name = f"{slugify(request.association.short_name)}-certificates.csv"
    return stream_csv(table, name, request=request)


def _staff_certificate(request, certificate_id) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related(
            "employer", "wcb_account", "program", "audit", "cycle", "enrollment"
        ),
        pk=certificate_id,
    )


@association_view(action=Action.VIEW_CERTIFICATES)
def certificate_detail(request, certificate_id):
    """One certificate: its dates and status, every revision (with its PDF) and its history."""
    certificate = _staff_certificate(request, certificate_id)  # 404 before the method check
    if refused := refuse_method(request, "GET"):
        return refused
    revisions = CertificateRevision.objects.filter(certificate=certificate).order_by("-revision")
    log = AuditLogEntry.objects.filter(
        object_type=certificate._meta.label_lower, object_id=str(certificate.pk)
    ).select_related("actor")[:100]
    context = {
        **pdf_status_context(request, certificate),
        "certificate": certificate,
        "revisions": revisions,
        "log": log,
        "actions": certificates.status_actions(certificate),
        "is_admin": can(request.membership, Action.ISSUE_CERTIFICATES),
    }
    return render(request, "audits/certificate_detail.html", context)


@association_view(action=Action.ISSUE_CERTIFICATES)
def certificate_status(request, certificate_id):
    """Suspend, reinstate or cancel a certificate, with the reason the employer is told."""
    certificate = _staff_certificate(request, certificate_id)
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    actions = certificates.status_actions(certificate)
    form = CertificateStatusForm(bound_data(request), actions=actions)

    def change(*, action, reason):
        certificates.ACTION_SERVICES[action](
            certificate=certificate, actor=request.user, reason=reason
        )

    if actions and form_submitted(request, form, change, success="Certificate status changed."):
        return redirect(
            "audits:certificate_detail",
            association_slug=_slug(request),
            certificate_id=certificate.pk,
        )
    return render(
        request,
        "audits/certificate_status.html",
        {"certificate": certificate, "form": form, "actions": actions},
    )


@association_view(action=Action.ISSUE_CERTIFICATES)
def certificate_reissue(request, certificate_id):
    """Print the certificate again (same number, new revision), e.g. for a corrected name."""
    certificate = _staff_certificate(request, certificate_id)
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    form = ReissueForm(bound_data(request))

    def reissue(*, reason):
        certificates.certificate_reissue(certificate=certificate, actor=request.user, reason=reason)

    if certificate.is_live and form_submitted(
        request, form, reissue, success="A new revision is being printed."
    ):
        return redirect(
            "audits:certificate_detail",
            association_slug=_slug(request),
            certificate_id=certificate.pk,
        )
    return render(
        request, "audits/certificate_reissue.html", {"certificate": certificate, "form": form}
    )


@association_view(action=Action.ISSUE_CERTIFICATES)
def certificate_issue(request, audit_id):
    """The pre-issue checklist of a passed audit, and issuing its certificate."""
    audit = get_object_or_404(
        Audit.objects.select_related(
            "employer", "enrollment__program", "cycle", "tool", "assessor_worker"
        ),
        pk=audit_id,
    )
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    existing = Certificate.objects.filter(audit=audit).first()
    if existing is not None:
        return redirect(
            "audits:certificate_detail", association_slug=_slug(request), certificate_id=existing.pk
        )
    today = association_today(request.association)
    accounts = WCBAccount.objects.filter(employer=audit.employer).order_by("-is_active", "pk")
    form = IssueForm(
        bound_data(request),
        accounts=accounts,
        initial={"wcb_account": certificates.default_wcb_account(audit.employer)},
    )
    chosen = form.cleaned_data["wcb_account"] if form.is_bound and form.is_valid() else None
    wcb_account = chosen or certificates.default_wcb_account(audit.employer)
    checklist = issuing.issue_checklist(audit, today=today, wcb_account=wcb_account)
    issued = {}

    def issue(*, wcb_account):
        issued["certificate"] = certificates.certificate_issue(
            audit=audit, actor=request.user, wcb_account=wcb_account, today=today
        )

    if all(c.ok for c in checklist) and form_submitted(request, form, issue):
        certificate = issued["certificate"]
        messages.success(
            request,
            gettext("Certificate %(number)s issued; its PDF is building.")
            % {"number": certificate.number},
        )
        return redirect(
            "audits:certificate_detail",
            association_slug=_slug(request),
            certificate_id=certificate.pk,
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "audits/certificate_issue.html",
        {
            "audit": audit,
            "form": form,
            "checklist": checklist,
            "blocked": not all(c.ok for c in checklist),
        },
        status=status,
    )


# --- Bringing in today's certificate holders ---------------------------------------------

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@association_view(action=Action.IMPORT_HISTORY)
@require_methods("GET", "POST")
def holders_import(request):
    """Upload a CSV of current certificate holders and see each row's errors before importing."""
    form = HoldersUploadForm(bound_data(request), request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = holders.decode_upload(upload.read(EMPLOYER_IMPORT_MAX_BYTES + 1))
        except ValidationError as error:
            form.add_error("file", error)
        else:
            preview = holders.parse_holders_csv(
                text, association=request.association, today=association_today(request.association)
            )
            if preview.error:
                form.add_error("file", preview.error)
            else:
                token = uuid.uuid4().hex
                if preview.ok and preview.creates:
                    default_storage.save(
                        holder_preview_path(request.association.pk, token),
                        ContentFile(text.encode()),
                    )
                context.update(preview=preview, token=token)
    return render(request, "audits/holders_import.html", context)


@association_view(action=Action.IMPORT_HISTORY)
@require_methods("POST")
def holders_import_confirm(request):
    token = request.POST.get("token", "")
    path = holder_preview_path(request.association.pk, token)
    if not _TOKEN.match(token) or not default_storage.exists(path):
        messages.error(request, gettext("That preview has expired. Upload the file again."))
        return redirect("audits:holders_import", association_slug=_slug(request))
    with default_storage.open(path) as stored:
        text = stored.read().decode("utf-8")
    try:
        result = certificates.holders_import(
            association=request.association,
            actor=request.user,
            text=text,
            today=association_today(request.association),
        )
    except holders.HoldersRefused as refused:
        return render(
            request,
            "audits/holders_import.html",
            {"form": HoldersUploadForm(), "preview": refused.preview, "refused": True},
            status=400,
        )
    default_storage.delete(path)
    messages.success(
        request,
        gettext("Imported %(created)s certificate holders; %(unchanged)s were already here.")
        % {"created": result["created"], "unchanged": result["unchanged"]},
    )
    return redirect("audits:certificate_list", association_slug=_slug(request))


@association_view(action=Action.IMPORT_HISTORY)
def historic_audit(request, employer_id):
    """Enter one past audit and its outcome, flagged as recorded after the fact."""
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    enrollments = Enrollment.objects.filter(
        employer=employer, status__in=EnrollmentStatus.open_statuses()
    ).select_related("program", "association")
    form = HistoricAuditForm(bound_data(request), enrollments=enrollments)
    done = {}

    def record_it(**data):
        done["audit"] = services.audit_record_historic(
            **data, actor=request.user, today=association_today(request.association)
        )

    if form_submitted(request, form, record_it, success="Audit recorded after the fact."):
        return redirect(
            "audits:audit_detail",
            association_slug=_slug(request),
            employer_id=employer.pk,
            audit_id=done["audit"].pk,
        )
    return render(
        request,
        "audits/historic_audit.html",
        {"employer": employer, "form": form, "enrollments": enrollments},
    )
