"""Training screens: the employer's matrix and compliance, records and their files,
the staff verification queue, SCSA's chart and the catalogue.

Views are thin. Every employer object comes through ``employers.access.get_employer``
and then ``filter(employer=employer)`` (404 otherwise); every change goes through
``services``.
"""

from __future__ import annotations

from functools import partial

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from employers.access import get_employer
from employers.models import WCBAccount, Worker
from secor.dates import association_today
from secor.forms import add_service_errors, bound_data, form_submitted
from secor.http import refuse_method
from secor.models import Program, ProgramKind
from secor.permissions import Action, can
from secor.storage import private_file_response
from secor.tables import paginate, stream_csv
from secor.tenancy import association_view
from secor.uploads import limit_upload_size

from . import evidence, forms, selectors, services
from .compliance import SEEDED_RULES
from .models import (
    Course,
    RecordStatus,
    TrainedEmployeeDesignation,
    TrainingRecord,
    TrainingRequirement,
)
from .tables import EmployerRecordsTable, VerificationTable


def _kw(request, employer, **extra):
    return {"association_slug": request.association.slug, "employer_id": employer.pk, **extra}


def _record(employer, record_id) -> TrainingRecord:
    return get_object_or_404(
        TrainingRecord.objects.filter(employer=employer).select_related(
            "worker",
            "course",
            "verified_by",
            "added_by",
            "evidence_file",
            "verification",
            "verification__course",
            "verification__evidence_file",
        ),
        pk=record_id,
    )


def _workers(employer):
    return Worker.objects.filter(employer=employer)


def _accounts(employer):
    return WCBAccount.objects.filter(employer=employer, is_active=True)


# --- Employer pages ---------------------------------------------------------------


@association_view(read_only=True)
def employer_training(request, employer_id):
    """The training matrix, the compliance panel today and the records list."""
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "GET"):
        return refused
    today = association_today(request.association)
    context = {
        "employer": employer,
        "today": today,
        "matrix": selectors.training_matrix(
            employer, as_of=today, facts=selectors.employer_facts_today(employer)
        ),
        "report": selectors.compliance_today(employer, today),
        "records": paginate(
            request,
            EmployerRecordsTable(
                TrainingRecord.objects.filter(employer=employer)
                .select_related("worker", "course", "association")
                .order_by("-completed_on", "-id")
            ),
        ),
    }
    return render(request, "training/employer.html", context)


@association_view
def compliance(request, employer_id):
    """The compliance panel with reasons, and "check training for these audit dates"."""
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "GET"):
        return refused
    today = association_today(request.association)
    workers, accounts = _workers(employer), _accounts(employer)
    form = forms.AuditDatesForm(
        request.GET if "start" in request.GET else None, accounts=accounts, workers=workers
    )
    checks = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        days = [("Audit start", data["start"])]
        if data.get("end") and data["end"] != data["start"]:
            days.append(("Audit end", data["end"]))
        for label, day in days:
            report = selectors.compliance_for(
                employer=employer,
                as_of=day,
                wcb_account=data.get("wcb_account"),
                assessor_worker=data.get("assessor"),
            )
            checks.append({"label": label, "report": report})
    context = {
        "employer": employer,
        "today": today,
        "form": form,
        "checks": checks,
        "report": None if checks else selectors.compliance_for(employer=employer, as_of=today),
        "designations": TrainedEmployeeDesignation.objects.filter(employer=employer)
        .select_related("worker", "wcb_account")
        .order_by("wcb_account__account_number", "worker__full_name"),
        "designation_form": forms.DesignationForm(workers=workers, accounts=accounts),
        "needs_designations": any(
            r.one_wcb_account_per_person for r in selectors.employer_facts(employer).requirements
        ),
    }
    return render(request, "training/compliance.html", context)


@association_view(action=Action.EDIT_TRAINING)
def designation_add(request, employer_id):
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "POST"):
        return refused
    form = forms.DesignationForm(
        request.POST, workers=_workers(employer), accounts=_accounts(employer)
    )
    if form.is_valid():
        try:
            services.designation_set(employer=employer, actor=request.user, **form.cleaned_data)
        except services.DesignationMoveNeeded as needed:
            context = {
                "employer": employer,
                "current": needed.designation,
                "worker": form.cleaned_data["worker"],
                "wcb_account": form.cleaned_data["wcb_account"],
                "cancel_url": reverse("training:compliance", kwargs=_kw(request, employer)),
            }
            return render(request, "training/designation_move.html", context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("%(worker)s is the trained employee for %(wcb_account)s.")
                % {
                    "worker": form.cleaned_data["worker"],
                    "wcb_account": form.cleaned_data["wcb_account"],
                },
            )
    else:
        messages.error(request, gettext("Choose a worker and a WCB account."))
    return redirect("training:compliance", **_kw(request, employer))


@association_view(action=Action.EDIT_TRAINING)
def designation_remove(request, employer_id, designation_id):
    employer = get_employer(request, employer_id)
    designation = get_object_or_404(
        TrainedEmployeeDesignation.objects.filter(employer=employer), pk=designation_id
    )
    if refused := refuse_method(request, "POST"):
        return refused
    services.designation_remove(designation=designation, actor=request.user)
    messages.success(
        request,
        gettext("%(worker)s is no longer a designated trained employee.")
        % {"worker": designation.worker},
    )
    return redirect("training:compliance", **_kw(request, employer))


@association_view(action=Action.EDIT_TRAINING)
@limit_upload_size(evidence.MAX_BYTES)
def record_add(request, employer_id):
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    today = association_today(request.association)
    form = forms.RecordForm(
        bound_data(request),
        request.FILES or None,
        workers=_workers(employer).filter(Q(end_date__isnull=True) | Q(end_date__gte=today)),
        courses=selectors.offered_courses(request.association, today),
        initial={"worker": request.GET.get("worker")},
    )
    if form_submitted(
        request,
        form,
        partial(services.record_add, employer=employer, actor=request.user, today=today),
        once=True,
    ):
        if form.duplicate:
            return redirect("training:employer", **_kw(request, employer))
        data = form.cleaned_data
        messages.success(
            request,
            gettext(
                "%(name)s of %(worker)s saved. It counts once %(short_name)s "
                "staff have verified the certificate."
            )
            % {
                "name": data["course"].name if data.get("course") else data["other_course_title"],
                "worker": data["worker"],
                "short_name": request.association.short_name,
            },
        )
        return redirect("training:employer", **_kw(request, employer))
    return render(
        request, "training/record_form.html", {"employer": employer, "form": form, "today": today}
    )


@association_view(action=Action.UPDATE_TRAINING_RECORD)
@limit_upload_size(evidence.MAX_BYTES)
def record_update(request, employer_id, record_id):
    """Dates that arrive after the course (proficiency, maintenance) and a new file version."""
    employer = get_employer(request, employer_id)
    record = _record(employer, record_id)
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    by_staff = request.membership.is_staff_role
    today = association_today(request.association)
    offered = selectors.offered_courses(request.association, today)
    courses = Course.objects.filter(Q(pk__in=offered) | Q(pk=record.course_id)).order_by("name")
    form = forms.RecordUpdateForm(
        bound_data(request), request.FILES or None, record=record, courses=courses
    )
    if form_submitted(
        request,
        form,
        partial(services.record_update, record=record, actor=request.user, today=today),
    ):
        record.refresh_from_db()
        if record.status == RecordStatus.PENDING and not by_staff:
            messages.success(
                request,
                gettext(
                    "Saved. %(short_name)s staff will verify the change; until "
                    "then the record counts as it was last verified."
                )
                % {"short_name": request.association.short_name},
            )
        else:
            messages.success(request, gettext("Saved."))
        return redirect(record.get_absolute_url())
    return render(
        request,
        "training/record_update.html",
        {
            "employer": employer,
            "record": record,
            "form": form,
            "by_staff": by_staff,
            "has_dates": form.has_dates,
        },
    )


@association_view(action=Action.EDIT_TRAINING)
def record_withdraw(request, employer_id, record_id):
    """The employer withdraws a record not yet verified, or the correction waiting on one."""
    employer = get_employer(request, employer_id)
    record = _record(employer, record_id)
    if refused := refuse_method(request, "POST"):
        return refused
    try:
        record = services.record_withdraw(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if record.status == RecordStatus.WITHDRAWN:
            messages.success(request, gettext("The record was withdrawn; it does not count."))
        else:
            messages.success(
                request,
                gettext("Your correction was withdrawn; the record is back as staff verified it."),
            )
    return redirect(record.get_absolute_url())


@association_view
def record_detail(request, employer_id, record_id):
    employer = get_employer(request, employer_id)
    record = _record(employer, record_id)
    if refused := refuse_method(request, "GET"):
        return refused
    return render(
        request,
        "training/record_detail.html",
        {
            "employer": employer,
            "record": record,
            "earlier_files": selectors.earlier_evidence(record),
            "changes": selectors.changes_since_verified(record)[1]
            if record.status == RecordStatus.PENDING
            else (),
            "can_withdraw": can(request.membership, Action.EDIT_TRAINING)
            and record.status in (RecordStatus.PENDING, RecordStatus.REJECTED),
        },
    )


@association_view
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})
def record_evidence(request, employer_id, record_id):
    """Stream a certificate file to someone allowed to see the employer; never a public URL.

    Inline (for the preview frame) unless ``?download=1``; ``?version=`` opens an
    earlier version of the file (``secor.EvidenceFile``). The file's type was
    found from its content on upload; ``nosniff`` stops the browser guessing
    another. Framing is allowed from this site only, for the preview.
    """
    employer = get_employer(request, employer_id)
    record = _record(employer, record_id)
    if refused := refuse_method(request, "GET"):
        return refused
    # ?version=<n>: an earlier version of this record's file, kept when it was replaced.
    version = request.GET.get("version", "")
    stored = record.evidence_file
    if version:
        stored = selectors.evidence_version(record, int(version)) if version.isdigit() else None
        if stored is None:
            raise Http404("No such version of the certificate file.")
    try:
        return private_file_response(
            stored.file,
            download_name=stored.original_name or stored.file.name.rsplit("/", 1)[-1],
            inline=not request.GET.get("download"),
            content_type=stored.content_type,
            storage=stored.file.storage,
        )
    except FileNotFoundError as error:
        raise Http404("The certificate file is missing.") from error


@association_view
def chart(request, employer_id):
    """SCSA's training chart: course × trained employee #1/#2 × certificate number/date."""
    return _chart(request, employer_id, "training/chart.html")


@association_view
def chart_print(request, employer_id):
    return _chart(request, employer_id, "training/chart_print.html")


def _chart(request, employer_id, template):
    employer = get_employer(request, employer_id)
    if refused := refuse_method(request, "GET"):
        return refused
    today = association_today(request.association)
    chart = selectors.chart_for(employer, as_of=today)
    rows = []
    for row in chart.rows:
        entries = list(row.entries) + [None] * (row.slots - len(row.entries))
        rows.append({"row": row, "lines": [(i + 1, e) for i, e in enumerate(entries)]})
    return render(
        request,
        template,
        {
            "employer": employer,
            "today": today,
            "rows": rows,
            "report": chart.report,
            "accounts": _accounts(employer),
            "designations": TrainedEmployeeDesignation.objects.filter(
                employer=employer
            ).select_related("worker", "wcb_account"),
        },
    )


# --- Staff verification queue --------------------------------------------------


def _verification_table(request):
    return VerificationTable(selectors.pending_records(request.association))


@association_view(action=Action.VERIFY_TRAINING)
def verification_queue(request):
    if refused := refuse_method(request, "GET"):
        return refused
    table = paginate(request, _verification_table(request))
    return render(
        request,
        "training/verification_queue.html",
        {"table": table, "export_query": request.GET.urlencode()},
    )


@association_view(action=Action.VERIFY_TRAINING)
def verification_queue_export(request):
    """Every pending record as CSV, oldest first (or the URL's sort), streamed."""
    if refused := refuse_method(request, "GET"):
        return refused
    name = f"{slugify(request.association.short_name)}-training-to-verify.csv"
    return stream_csv(_verification_table(request), name, request=request)


@association_view(action=Action.VERIFY_TRAINING)
def verification_detail(request, record_id):
    """One record with its file previewed; verify it or reject it with a reason."""
    record = get_object_or_404(
        TrainingRecord.objects.select_related(
            "employer",
            "worker",
            "course",
            "verified_by",
            "evidence_file",
            "verification",
            "verification__course",
            "verification__evidence_file",
        ),
        pk=record_id,
    )
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    reject_form = forms.RejectForm(request.POST if "reject" in request.POST else None)
    if request.method == "POST":
        try:
            if "verify" in request.POST:
                services.record_verify(record=record, actor=request.user)
                messages.success(
                    request,
                    gettext("%(name)s of %(worker)s verified.")
                    % {"name": record.course_name, "worker": record.worker},
                )
                return redirect("training:verification_queue", request.association.slug)
            if reject_form.is_valid():
                services.record_reject(
                    record=record, actor=request.user, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    gettext("%(name)s of %(worker)s rejected.")
                    % {"name": record.course_name, "worker": record.worker},
                )
                return redirect("training:verification_queue", request.association.slug)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                add_service_errors(reject_form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("training:verification_detail", request.association.slug, record.pk)
    last_verified, changes = selectors.changes_since_verified(record)
    others = (
        TrainingRecord.objects.filter(worker=record.worker)
        .exclude(pk=record.pk)
        .select_related("course")
    )
    return render(
        request,
        "training/verification_detail.html",
        {
            "record": record,
            "employer": record.employer,
            "reject_form": reject_form,
            "others": others,
            "pending": RecordStatus.PENDING,
            "last_verified": last_verified,
            "changes": changes,
            "earlier_files": selectors.earlier_evidence(record),
        },
    )


# --- Catalogue admin -------------------------------------------------------------


@association_view(action=Action.VIEW_CATALOGUE)
def courses(request):
    """The catalogue and each program's requirements; program admins edit them."""
    if refused := refuse_method(request, "GET"):
        return refused
    programs = Program.objects.order_by("kind")
    requirements = {
        p: TrainingRequirement.objects.filter(program=p).prefetch_related("courses")
        for p in programs
    }
    return render(
        request,
        "training/courses.html",
        {
            "courses": Course.objects.prefetch_related("prerequisites", "accepted_prior"),
            "requirements": requirements,
            "can_edit": can(request.membership, Action.EDIT_CATALOGUE),
            "seeds": sorted(SEEDED_RULES),
            "suggested_seed": request.association.seed,
        },
    )


def _course_form_page(request, course=None):
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    form = forms.CourseForm(
        bound_data(request), instance=course, courses=Course.objects.order_by("code")
    )
    save = partial(
        services.course_save, association=request.association, actor=request.user, course=course
    )
    if form_submitted(request, form, save, once=course is None):
        if not form.duplicate:
            data = form.cleaned_data
            messages.success(
                request,
                gettext("%(name)s (%(code)s) saved.")
                % {"name": data["name"], "code": data["code"].strip().upper()},
            )
        return redirect("training:courses", request.association.slug)
    title = f"Edit {course}" if course else "Add a course"
    return render(
        request, "training/catalogue_form.html", {"form": form, "title": title, "object": course}
    )


@association_view(action=Action.EDIT_CATALOGUE)
def course_add(request):
    return _course_form_page(request)


@association_view(action=Action.EDIT_CATALOGUE)
def course_edit(request, course_id):
    return _course_form_page(request, get_object_or_404(Course.objects.all(), pk=course_id))


def _requirement_form_page(request, program, requirement=None):
    if refused := refuse_method(request, "GET", "POST"):
        return refused
    form = forms.RequirementForm(
        bound_data(request), instance=requirement, courses=Course.objects.order_by("code")
    )
    save = partial(
        services.requirement_save, program=program, actor=request.user, requirement=requirement
    )
    if form_submitted(request, form, save, once=requirement is None):
        if not form.duplicate:
            messages.success(
                request,
                gettext("Requirement “%(label)s” saved.") % {"label": form.cleaned_data["label"]},
            )
        return redirect("training:courses", request.association.slug)
    title = (
        f"Edit requirement “{requirement}”" if requirement else f"Add a requirement to {program}"
    )
    return render(
        request,
        "training/catalogue_form.html",
        {"form": form, "title": title, "object": requirement},
    )


@association_view(action=Action.EDIT_CATALOGUE)
def requirement_add(request):
    """A requirement for the program named by ``?program=`` (SECOR by default, or COR)."""
    kind = request.GET.get("program", ProgramKind.SECOR)
    program = (
        Program.objects.for_association(request.association).filter(kind=kind).first()
        if kind in ProgramKind.values
        else None
    )
    if program is None:
        raise Http404("This association runs no such program.")
    return _requirement_form_page(request, program)


@association_view(action=Action.EDIT_CATALOGUE)
def requirement_edit(request, requirement_id):
    requirement = get_object_or_404(
        TrainingRequirement.objects.select_related("program"), pk=requirement_id
    )
    return _requirement_form_page(request, requirement.program, requirement)


@association_view(action=Action.EDIT_CATALOGUE)
def catalogue_seed(request):
    if refused := refuse_method(request, "POST"):
        return refused
    seed_key = request.POST.get("seed", "").lower()
    if seed_key not in SEEDED_RULES:
        messages.error(request, gettext("Choose one of the seeded catalogues."))
    else:
        created = services.catalogue_seed(
            association=request.association, seed_key=seed_key, actor=request.user
        )
        messages.success(
            request,
            gettext(
                "%(courses)s courses and %(requirements)s requirements added "
                "from the %(seed_key)s catalogue."
            )
            % {
                "courses": created["courses"],
                "requirements": created["requirements"],
                "seed_key": seed_key.upper(),
            },
        )
    return redirect("training:courses", request.association.slug)
