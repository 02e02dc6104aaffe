"""Audits screens. Thin: forms in, services and selectors out.

Every employer object comes through `employers.access.get_employer` and then a
queryset filtered on that employer, so another employer's (or tenant's) id is
a 404. Staff-only pages answer 403 to employer users before any look-up.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from employers.access import get_employer
from employers.models import Enrollment, EnrollmentStatus, Worker
from secor.forms import add_once_token, bound_data, form_submitted, posted_id
from secor.models import Program
from secor.permissions import Action, require
from secor.tenancy import association_view

from . import schedule as sched
from . import selectors, services
from .forms import (
    DatesForm,
    ElementFormSet,
    LetterForm,
    MilestoneForm,
    PlanForm,
    RulesForm,
    ToolNameForm,
    points_from,
    score_form_class,
)
from .models import (
    Audit,
    AuditStatus,
    AuditTool,
    Element,
    ElementScore,
    Milestone,
    MilestoneLetter,
    ProgramRules,
)
from .timeline import COMPACT, WIDE, geometry


def _today(request) -> date:
    return sched.local_date(timezone.now(), request.association.time_zone)


def _slug(request) -> str:
    return request.association.slug


# --- Employer pages --------------------------------------------------------------------


@association_view
def timeline(request, employer_id):
    """The cycle as a timeline: three years, each audit, every deadline, today."""
    employer = get_employer(request, employer_id)  # 404 first: a POST learns nothing either
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    today = _today(request)
    timelines = []
    for enrollment in selectors.employer_enrollments(employer):
        tl = selectors.enrollment_timeline(enrollment, today)
        timelines.append(
            {"tl": tl, "geo": geometry(tl, WIDE), "geo_compact": geometry(tl, COMPACT)}
        )
    return render(
        request,
        "audits/timeline.html",
        {"employer": employer, "timelines": timelines, "today": today},
    )


@association_view
@require_http_methods(["GET", "POST"])
def plan(request, employer_id):
    """Plan this year's audit: the type from the cycle year, dates checked against the rules."""
    employer = get_employer(request, employer_id)
    if request.method == "POST":
        require(request, Action.PLAN_AUDIT)
    today = _today(request)
    enrollments = Enrollment.objects.filter(
        employer=employer, status__in=EnrollmentStatus.open_statuses()
    ).select_related("program", "association")
    workers = Worker.objects.filter(employer=employer).order_by("full_name")
    form = PlanForm(bound_data(request), enrollments=enrollments, workers=workers)
    slots = []
    for enrollment in enrollments:
        rules = selectors.audit_rules_for(enrollment)
        slot, why_not = (
            (None, None) if rules is None else selectors.next_slot(enrollment, rules, today)
        )
        slots.append({"enrollment": enrollment, "slot": slot, "why_not": why_not, "rules": rules})
    outcome = {}

    def check_and_plan(**data):
        """Refuse with every blocker at once; else plan the audit."""
        args = {
            "enrollment": data["enrollment"],
            "conducted_by": data["conducted_by"],
            "assessor_worker": data.get("assessor_worker"),
            "assessor_name": data.get("assessor_name", ""),
        }
        check = selectors.plan_check(
            **args, start=data["data_gathering_start"], end=data["data_gathering_end"], today=today
        )
        outcome["check"] = check
        if not check.ok:
            raise ValidationError([ValidationError(r.message, code=r.code) for r in check.blockers])
        outcome["audit"] = services.audit_plan(
            **args,
            data_gathering_start=data["data_gathering_start"],
            data_gathering_end=data["data_gathering_end"],
            actor=request.user,
            today=today,
        )

    if form_submitted(request, form, check_and_plan, once=True):
        if form.duplicate:
            return redirect(
                "audits:timeline", association_slug=_slug(request), employer_id=employer.pk
            )
        audit = outcome["audit"]
        messages.success(
            request,
            f"{audit.get_audit_type_display()} audit planned for "
            f"{audit.data_gathering_start} to {audit.data_gathering_end}.",
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
            "today": today,
        },
    )


@association_view
@require_http_methods(["GET", "POST"])
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
    if request.method == "POST":
        if audit.status != AuditStatus.PLANNED:
            raise Http404("Only a planned audit can change.")
        if request.POST.get("action") == "cancel":
            services.audit_cancel(audit=audit, actor=request.user)
            messages.success(request, "The audit was cancelled.")
            return redirect(
                "audits:timeline", association_slug=_slug(request), employer_id=employer.pk
            )

    def move(**dates):
        services.audit_update_dates(audit=audit, **dates, actor=request.user, today=_today(request))

    if form_submitted(request, form, move, success="The audit's dates were changed."):
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
    }
    return render(request, "audits/audit_detail.html", context)


# --- Staff lists -------------------------------------------------------------------------


@association_view(action=Action.VIEW_AUDITS)
@require_http_methods(["GET"])
def audit_list(request):
    """Audits by status and due date."""
    status = request.GET.get("status", "open")
    audits = Audit.objects.select_related("employer", "tool").order_by("data_gathering_end")
    if status == "open":
        audits = audits.filter(status__in=AuditStatus.open_statuses())
    elif status in AuditStatus.values:
        audits = audits.filter(status=status)
    today = _today(request)
    rows = []
    for audit in audits[:500]:
        due = selectors.audit_due_on(audit)
        rows.append({"audit": audit, "due": due, "overdue": due is not None and due < today})
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or date.max))
    choices = [("open", "Open"), *AuditStatus.choices, ("all", "All")]
    return render(
        request,
        "audits/audit_list.html",
        {"rows": rows, "status": status, "choices": choices, "today": today},
    )


@association_view(action=Action.VIEW_MILESTONES)
@require_http_methods(["GET"])
def milestone_board(request):
    """SCSA milestone board: who is at which milestone, letters expiring, de-roll candidates."""
    today = _today(request)
    rows = selectors.milestone_board(request.association, today)
    return render(request, "audits/milestone_board.html", {"rows": rows, "today": today})


@association_view(action=Action.VIEW_MILESTONES)
@require_http_methods(["GET", "POST"])
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
            messages.success(request, f"{len(created)} milestones scheduled from the rules.")
            return redirect(request.path)

        def record(**letter):
            services.milestone_letter_record(enrollment=target, actor=request.user, **letter)

        if form_submitted(
            request, letter_form, record, success="Milestone letter recorded.", once=True
        ):
            return redirect(request.path)
    context = {
        "employer": employer,
        "enrollment": target,
        "milestones": Milestone.objects.filter(employer=employer),
        "letters": MilestoneLetter.objects.filter(employer=employer),
        "letter_form": letter_form,
        "today": _today(request),
    }
    return render(request, "audits/employer_milestones.html", context)


@association_view(action=Action.RECORD_MILESTONE)
@require_http_methods(["GET", "POST"])
def milestone_record(request, milestone_id):
    """Record a milestone's outcome (proficiency, manual review) or its letter's due date."""
    milestone = get_object_or_404(Milestone.objects.select_related("employer"), pk=milestone_id)
    initial = {"outcome": milestone.outcome, "met_on": milestone.met_on, "notes": milestone.notes}
    form = MilestoneForm(bound_data(request), initial=initial)

    def record(**outcome):
        services.milestone_record(milestone=milestone, actor=request.user, **outcome)

    if form_submitted(request, form, record, success=f"{milestone.label}: recorded."):
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
@require_http_methods(["GET", "POST"])
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

    if form_submitted(request, form, save, success="Scores saved."):
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
@require_http_methods(["GET", "POST"])
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
@require_http_methods(["GET", "POST"])
def rules_list(request):
    """Each program's rules; a program without rules can start from the defaults."""
    programs = Program.objects.filter(is_active=True).order_by("kind")
    rules_by_program = {r.program_id: r for r in ProgramRules.objects.all()}
    if request.method == "POST":
        program = get_object_or_404(programs, pk=posted_id(request.POST.get("program")))
        if program.pk in rules_by_program:
            raise Http404("These rules already exist.")
        rules = services.rules_create(
            program=program,
            actor=request.user,
            data={"maintenance_deadline_kind": "calendar_year_end"},
        )
        messages.info(request, "Default rules created: review every value.")
        return redirect("audits:rules_edit", association_slug=_slug(request), rules_id=rules.pk)
    rows = [{"program": p, "rules": rules_by_program.get(p.pk)} for p in programs]
    return render(request, "audits/rules_list.html", {"rows": rows})


@association_view(action=Action.EDIT_PROGRAM_RULES)
@require_http_methods(["GET", "POST"])
def rules_edit(request, rules_id):
    rules = get_object_or_404(ProgramRules.objects.select_related("program"), pk=rules_id)
    form = RulesForm(bound_data(request), instance=rules)

    def save(**data):
        services.rules_update(rules=rules, actor=request.user, data=data)

    saved = "Rules saved. Audits already started keep the rules they started under."
    if form_submitted(request, form, save, success=saved):
        return redirect("audits:rules_list", association_slug=_slug(request))
    history = rules.history.all()[:10]
    return render(
        request, "audits/rules_edit.html", {"rules": rules, "form": form, "history": history}
    )


@association_view(action=Action.EDIT_AUDIT_TOOLS)
@require_http_methods(["GET", "POST"])
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
@require_http_methods(["GET", "POST"])
def tool_detail(request, tool_id):
    """A tool version; a draft's elements are edited here and the draft published."""
    tool = get_object_or_404(AuditTool.objects.select_related("program"), pk=tool_id)
    elements = list(Element.objects.filter(tool=tool))
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
    formset = ElementFormSet(request.POST or None, initial=initial, prefix="el")
    name_form = ToolNameForm(request.POST or None, initial={"name": tool.name})
    errors = []
    if request.method == "POST":
        if not tool.is_draft:
            errors = [f"Version {tool.version} is published and cannot change; start a new draft."]
        elif request.POST.get("action") == "publish":
            try:
                services.tool_publish_version(tool=tool, actor=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"Version {tool.version} published.")
                return redirect(request.path)
        elif formset.is_valid() and name_form.is_valid():
            rows = [f for f in formset.cleaned_data if f and not f.get("DELETE")]
            try:
                services.tool_update_elements(
                    tool=tool,
                    actor=request.user,
                    elements=rows,
                    name=name_form.cleaned_data["name"],
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, "Draft saved.")
                return redirect(request.path)
    context = {
        "tool": tool,
        "elements": elements,
        "formset": formset,
        "name_form": name_form,
        "errors": errors,
        "audit_count": Audit.objects.filter(tool=tool).count(),
    }
    return render(request, "audits/tool_detail.html", context)
