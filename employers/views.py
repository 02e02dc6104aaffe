"""Employer screens: the employer portal, the staff directory, import, rules, registration.

Views are thin: every object comes through ``access.get_employer`` (404 for another
employer or tenant) and then the employer's own related managers; every change goes
through ``services``.
"""

from __future__ import annotations

import csv
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST
from django_scopes import scopes_disabled
from django_tables2 import RequestConfig

from secor.models import Association, Membership, Role
from secor.tenancy import association_view

from . import forms, selectors, services
from .access import get_employer
from .filters import EmployerFilter
from .imports import ImportRefused, decode_upload, parse_employers_csv
from .models import EligibilityRule
from .tables import EmployerTable

STAFF = Role.staff_roles()
ADMIN = {Role.PROGRAM_ADMIN}


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field if the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _data(request):
    # Not ``request.POST or None``: a POST with no fields (a confirm button) must bind.
    return request.POST if request.method == "POST" else None


def _kw(request, employer, **extra):
    return {"association_slug": request.association.slug, "employer_id": employer.pk, **extra}


def _is_staff(request) -> bool:
    return request.membership.role in STAFF


# --- Employer page and portal ---------------------------------------------------------


@association_view
def detail(request, employer_id):
    """The employer's page: portal for its users, file with audit trail for staff."""
    employer = get_employer(request, employer_id)
    context = {"employer": employer, **selectors.employer_page(employer)}
    context["users"] = selectors.employer_users(employer)
    context["invite_form"] = forms.InviteColleagueForm()
    if _is_staff(request):
        context["history"] = selectors.employer_history(employer)
        context["status_form"] = forms.EnrollmentStatusForm()
    return render(request, "employers/detail.html", context)


@association_view
@require_http_methods(["GET", "POST"])
def edit(request, employer_id):
    employer = get_employer(request, employer_id)
    # ``initial``, not ``instance``: the service compares the old values with the new.
    form = forms.EmployerProfileForm(
        _data(request),
        initial={f: getattr(employer, f) for f in forms.EmployerProfileForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(employer=employer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Company profile saved.")
            return redirect(employer)
    return render(request, "employers/form.html", _form_page(employer, form, "Company profile"))


def _form_page(employer, form, title, *, intro="", submit="Save", cancel_url=None):
    return {
        "employer": employer,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "cancel_url": cancel_url or employer.get_absolute_url(),
    }


@association_view
@require_http_methods(["GET", "POST"])
def wcb_add(request, employer_id):
    employer = get_employer(request, employer_id)
    form = forms.WCBAccountForm(_data(request), initial={"board": request.association.wcb_board})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        try:
            services.wcb_account_add(employer=employer, actor=request.user, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "WCB account added.")
            return redirect(employer)
    return render(
        request,
        "employers/form.html",
        _form_page(employer, form, "Add a WCB account", submit="Add"),
    )


@association_view
@require_http_methods(["GET", "POST"])
def wcb_edit(request, employer_id, account_id):
    employer = get_employer(request, employer_id)
    account = get_object_or_404(employer.wcb_accounts, pk=account_id)
    form = forms.WCBAccountForm(
        _data(request),
        initial={f: getattr(account, f) for f in forms.WCBAccountForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.wcb_account_update(account=account, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "WCB account saved.")
            return redirect(employer)
    return render(
        request, "employers/form.html", _form_page(employer, form, f"WCB account {account}")
    )


@association_view
def workers(request, employer_id):
    employer = get_employer(request, employer_id)
    today = selectors.association_today(request.association)
    roster = list(employer.workers.all())
    context = {
        "employer": employer,
        "current": [w for w in roster if w.end_date is None or w.end_date >= today],
        "former": [w for w in roster if w.end_date is not None and w.end_date < today],
    }
    return render(request, "employers/workers.html", context)


@association_view
@require_http_methods(["GET", "POST"])
def worker_add(request, employer_id):
    employer = get_employer(request, employer_id)
    form = forms.WorkerForm(_data(request), initial={"province": employer.province})
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_add(employer=employer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['full_name']} added to your roster.")
            return redirect("employers:workers", **_kw(request, employer))
    return render(
        request,
        "employers/form.html",
        _form_page(
            employer,
            form,
            "Add a worker",
            submit="Add to roster",
            cancel_url=_workers_url(request, employer),
        ),
    )


def _workers_url(request, employer):
    return reverse("employers:workers", kwargs=_kw(request, employer))


@association_view
@require_http_methods(["GET", "POST"])
def worker_edit(request, employer_id, worker_id):
    employer = get_employer(request, employer_id)
    worker = get_object_or_404(employer.workers, pk=worker_id)
    form = forms.WorkerForm(
        _data(request),
        initial={f: getattr(worker, f) for f in forms.WorkerForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_update(worker=worker, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{worker} saved.")
            return redirect("employers:workers", **_kw(request, employer))
    return render(
        request,
        "employers/form.html",
        _form_page(employer, form, f"Edit {worker}", cancel_url=_workers_url(request, employer)),
    )


@association_view
@require_http_methods(["GET", "POST"])
def worker_end(request, employer_id, worker_id):
    employer = get_employer(request, employer_id)
    worker = get_object_or_404(employer.workers, pk=worker_id)
    form = forms.WorkerEndForm(
        _data(request),
        worker=worker,
        initial={"end_date": selectors.association_today(request.association)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_end_employment(
                worker=worker, actor=request.user, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Employment of {worker} ended.")
            return redirect("employers:workers", **_kw(request, employer))
    return render(
        request,
        "employers/form.html",
        _form_page(
            employer,
            form,
            f"End the employment of {worker}",
            submit="End employment",
            cancel_url=_workers_url(request, employer),
        ),
    )


@association_view
@require_http_methods(["GET", "POST"])
def headcount(request, employer_id):
    employer = get_employer(request, employer_id)
    form = forms.HeadcountForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.headcount_declare(
                employer=employer,
                actor=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                counts=form.counts,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Headcount declared.")
            return redirect("employers:headcount", **_kw(request, employer))
    declarations = list(employer.headcount_declarations.select_related("declared_by"))
    context = {"employer": employer, "form": form, "declarations": declarations}
    return render(request, "employers/headcount.html", context)


@association_view
def eligibility(request, employer_id):
    employer = get_employer(request, employer_id)
    page = selectors.employer_page(employer)
    chart = selectors.monthly_peaks(
        rule=page["rule"],
        today=page["today"],
        workers=page["workers"],
        declarations=page["declarations"],
    )
    return render(
        request, "employers/eligibility.html", {"employer": employer, "chart": chart, **page}
    )


@association_view
@require_http_methods(["GET", "POST"])
def invite(request, employer_id):
    """Invite a colleague: a second employer user for the same employer."""
    employer = get_employer(request, employer_id)
    form = forms.InviteColleagueForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_invite_colleague(
                employer=employer, email=form.cleaned_data["email"], actor=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect(employer)
    return render(
        request,
        "employers/form.html",
        _form_page(employer, form, "Invite a colleague", submit="Send invitation"),
    )


# --- Staff: registrations, statuses ---------------------------------------------------


@association_view(roles=STAFF)
@require_http_methods(["GET", "POST"])
def enrollment_confirm(request, employer_id, enrollment_id):
    employer = get_employer(request, employer_id)
    enrollment = get_object_or_404(employer.enrollments.select_related("program"), pk=enrollment_id)
    rule = selectors.secor_rule(request.association)
    form = forms.EnrollmentConfirmForm(
        _data(request), requires_membership=bool(rule and rule.requires_membership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_confirm(
                enrollment=enrollment,
                actor=request.user,
                membership_number=form.cleaned_data["membership_number"],
                membership_expires_on=form.cleaned_data["membership_expires_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Registration of {employer} confirmed.")
            return redirect(employer)
    return render(
        request,
        "employers/form.html",
        _form_page(
            employer,
            form,
            f"Confirm the {enrollment.program.get_kind_display()} registration of {employer}",
            intro=f"Registered on {enrollment.registered_on}. Check the company and its WCB "
            "account, then confirm: the enrollment moves to “In progress”.",
            submit="Confirm registration",
        ),
    )


@association_view(roles=ADMIN)
@require_http_methods(["GET", "POST"])
def enrollment_status(request, employer_id, enrollment_id):
    employer = get_employer(request, employer_id)
    enrollment = get_object_or_404(employer.enrollments.select_related("program"), pk=enrollment_id)
    form = forms.EnrollmentStatusForm(_data(request), initial={"status": enrollment.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_set_status(
                enrollment=enrollment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Status changed.")
            return redirect(employer)
    return render(
        request,
        "employers/form.html",
        _form_page(employer, form, f"Change the status of {enrollment}", submit="Change status"),
    )


# --- Staff directory ------------------------------------------------------------------


def _directory_table(request, *, paginate):
    # The 12-month window moves daily: verdicts assessed before today are redone first,
    # in a fixed number of queries (usually none are stale: a nightly task refreshes).
    services.eligibility_refresh(association=request.association, stale_only=True)
    filterset = EmployerFilter(request.GET, queryset=selectors.directory_queryset())
    table = EmployerTable(filterset.qs)
    RequestConfig(request, paginate=paginate).configure(table)
    return filterset, table


@association_view(roles=STAFF)
def directory(request):
    filterset, table = _directory_table(request, paginate={"per_page": 25})
    context = {
        "filter": filterset,
        "table": table,
        "export_query": request.GET.urlencode(),
        "waiting": selectors.registrations_waiting(request.association),
    }
    return render(request, "employers/directory.html", context)


@association_view(roles=STAFF)
def directory_export(request):
    """The directory's rows as CSV: same search, filters and order, every page."""
    _, table = _directory_table(request, paginate=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{slugify(request.association.short_name)}-employers.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark.
    writer = csv.writer(response)
    for row in table.as_values():
        writer.writerow(
            # Keep a spreadsheet from running a cell that starts like a formula.
            ["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in row]
        )
    return response


# --- Program admin: rules and import --------------------------------------------------


@association_view(roles=ADMIN)
@require_http_methods(["GET", "POST"])
def rules(request):
    rule = selectors.secor_rule(request.association)
    if rule is None:
        raise Http404("This association runs no SECOR program.")
    rule = get_object_or_404(EligibilityRule.objects.all(), pk=rule.pk)
    form = forms.EligibilityRuleForm(
        _data(request),
        initial={f: getattr(rule, f) for f in forms.EligibilityRuleForm.Meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rule_update(rule=rule, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "SECOR size rule saved; every employer's verdict is redone.")
            return redirect("employers:rules", association_slug=request.association.slug)
    return render(request, "employers/rules.html", {"form": form, "rule": rule})


_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _import_path(association, token) -> str:
    return f"employer-imports/{association.pk}/{token}.csv"


@association_view(roles=ADMIN)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = forms.ImportUploadForm(_data(request), request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > forms.MAX_BYTES:
                decode_upload(b" " * (forms.MAX_BYTES + 1))  # raises the size message
            text = decode_upload(upload.read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            preview = parse_employers_csv(text, association=request.association)
            if preview.error:
                form.add_error("file", preview.error)
            else:
                token = uuid.uuid4().hex
                if preview.ok:
                    default_storage.save(
                        _import_path(request.association, token), ContentFile(text.encode())
                    )
                context.update(preview=preview, token=token)
    return render(request, "employers/import.html", context)


@association_view(roles=ADMIN)
@require_POST
def import_confirm(request):
    token = request.POST.get("token", "")
    path = _import_path(request.association, token)
    if not _TOKEN.match(token) or not default_storage.exists(path):
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect("employers:import", association_slug=request.association.slug)
    with default_storage.open(path) as stored:
        text = stored.read().decode("utf-8")
    try:
        result = services.employers_import(
            association=request.association, actor=request.user, text=text
        )
    except ImportRefused as refused:
        return render(
            request,
            "employers/import.html",
            {"form": forms.ImportUploadForm(), "preview": refused.preview, "refused": True},
            status=400,
        )
    default_storage.delete(path)
    messages.success(
        request,
        f"Imported {result['rows']} rows: {result['created']} employers created, "
        f"{result['updated']} updated.",
    )
    return redirect("employers:directory", association_slug=request.association.slug)


# --- Registration (top level: the user has no membership yet) ------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """A signed-in user registers their company with an association."""
    with scopes_disabled():
        member_of = Membership.objects.filter(user=request.user).values_list(
            "association_id", flat=True
        )
        associations = Association.objects.filter(is_active=True).exclude(pk__in=list(member_of))
    form = forms.RegistrationForm(_data(request), associations=associations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        association = data.pop("association")
        program = data.pop("program")
        try:
            employer = services.employer_register(
                user=request.user, association=association, program_kind=program, **data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            request.session["association_slug"] = association.slug
            messages.success(
                request,
                f"{employer} is registered with {association.short_name}. Program staff will "
                "confirm your registration; meanwhile add your workers and headcount.",
            )
            return redirect(employer.get_absolute_url())
    return render(request, "employers/register.html", {"form": form})
