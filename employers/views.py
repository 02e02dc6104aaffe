"""Employer screens: the employer portal, the staff directory, import, rules, registration.

Views are thin: every object comes through ``access.get_employer`` (404 for another
employer or tenant) and then the employer's own related managers; every change goes
through ``services``.
"""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django_scopes import scopes_disabled

from secor import charts
from secor import views as secor_views
from secor.dates import association_today
from secor.forms import bound_data, form_submitted
from secor.http import refuse_method, require_methods
from secor.models import Association, Invitation, Membership, Program, ProgramKind
from secor.permissions import Action, can, require
from secor.tables import paginate, stream_csv
from secor.tenancy import association_view

from . import forms, selectors, services
from .access import get_employer
from .filters import EmployerFilter
from .imports import ImportRefused, decode_upload, parse_employers_csv
from .jobs import preview_path
from .models import EligibilityRule, EnrollmentStatus
from .tables import EmployerTable


def _kw(request, employer):
    return {"association_slug": request.association.slug, "employer_id": employer.pk}


def _workers_url(request, employer):
    return reverse("employers:workers", kwargs=_kw(request, employer))


def _is_staff(request) -> bool:
    return request.membership.is_staff_role


def _edit_form(request, form_class, obj):
    """A form bound to the POST, showing ``obj``'s current values.

    ``initial``, not ``instance``: the service compares the old values with the new.
    """
    initial = {f: getattr(obj, f) for f in form_class.Meta.fields}
    return form_class(bound_data(request), initial=initial)


def _form_page(
    request,
    employer,
    form,
    action,
    *,
    success: str,
    title: str,
    done=None,
    intro="",
    submit="Save",
    once=False,
):
    """The page of one form about an employer, from GET to redirect.

    A valid POST runs ``action(**form.cleaned_data)`` (a service call) and goes to
    ``done`` (default: the employer's page) with the ``success`` message; otherwise the
    form is shown, with the service's errors on it. Cancel goes back to ``done`` too.
    ``once=True`` for create forms: the same POST sent twice creates one row.
    """
    if form_submitted(request, form, action, success=success, once=once):
        return redirect(done or employer)
    context = {
        "employer": employer,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "cancel_url": done or employer.get_absolute_url(),
    }
    return render(request, "employers/form.html", context)


# --- Employer page and portal ---------------------------------------------------------


@association_view
def detail(request, employer_id):
    """The employer's page: portal for its users, file with audit trail for staff."""
    employer = get_employer(request, employer_id)
    can_manage = can(request.membership, Action.MANAGE_EMPLOYER_USERS)
    context = {"employer": employer, **selectors.employer_page(employer)}
    context["users"] = [
        {"m": m, "choices": secor_views.role_choices(m), "current": secor_views.current_role(m)}
        for m in selectors.employer_users(employer, include_inactive=can_manage)
    ]
    context["can_manage_users"] = can_manage
    if can(request.membership, Action.INVITE_EMPLOYER_USER):
        context["invite_form"] = forms.InviteColleagueForm()
    if can_manage or _is_staff(request):
        context["invitations"] = secor_views.pending_invitations(
            Invitation.objects.filter(employer=employer)
        )
    if _is_staff(request):
        context["history"] = selectors.employer_history(employer)
        context["status_form"] = forms.EnrollmentStatusForm()
    return render(request, "employers/detail.html", context)


@association_view(action=Action.EDIT_EMPLOYER)
@require_methods("GET", "POST")
def edit(request, employer_id):
    employer = get_employer(request, employer_id)
    return _form_page(
        request,
        employer,
        _edit_form(request, forms.EmployerProfileForm, employer),
        lambda **data: services.employer_update(employer=employer, actor=request.user, **data),
        success=gettext("Company profile saved."),
        title=gettext("Company profile"),
    )


@association_view(action=Action.EDIT_EMPLOYER)
@require_methods("GET", "POST")
def wcb_add(request, employer_id):
    employer = get_employer(request, employer_id)
    return _form_page(
        request,
        employer,
        forms.WCBAccountAddForm(
            bound_data(request), initial={"board": request.association.wcb_board}
        ),
        lambda **data: services.wcb_account_add(employer=employer, actor=request.user, **data),
        success=gettext("WCB account added."),
        title=gettext("Add a WCB account"),
        submit=gettext("Add account"),
        once=True,
    )


@association_view(action=Action.EDIT_EMPLOYER)
@require_methods("GET", "POST")
def wcb_edit(request, employer_id, account_id):
    employer = get_employer(request, employer_id)
    account = get_object_or_404(employer.wcb_accounts, pk=account_id)
    return _form_page(
        request,
        employer,
        _edit_form(request, forms.WCBAccountForm, account),
        lambda **data: services.wcb_account_update(account=account, actor=request.user, **data),
        success=gettext("WCB account saved."),
        title=gettext("WCB account %(account)s") % {"account": account},
    )


@association_view
def workers(request, employer_id):
    employer = get_employer(request, employer_id)
    today = association_today(request.association)
    roster = list(employer.workers.all())
    context = {
        "employer": employer,
        "current": [w for w in roster if w.end_date is None or w.end_date >= today],
        "former": [w for w in roster if w.end_date is not None and w.end_date < today],
    }
    return render(request, "employers/workers.html", context)


def _uploaded_text(form) -> str | None:
    """The form's ``file`` as UTF-8 text, or None with the reason on the field."""
    upload = form.cleaned_data["file"]
    try:
        if upload.size > forms.MAX_BYTES:
            decode_upload(b" " * (forms.MAX_BYTES + 1))  # raises the size message
        return decode_upload(upload.read())
    except ValidationError as error:
        form.add_error("file", error)
        return None


@association_view
def roster_export(request, employer_id):
    """The roster as CSV, two columns for role and employment status, in people words."""
    from .roster_csv import export_rows

    employer = get_employer(request, employer_id)  # 404 first: a POST learns nothing either
    if refused := refuse_method(request, "GET"):
        return refused
    name = f"{slugify(str(employer))}-roster.csv"
    return stream_csv(None, name, rows=export_rows(employer.workers.all()))


@association_view(action=Action.EDIT_ROSTER)
@require_methods("GET", "POST")
def roster_import(request, employer_id):
    employer = get_employer(request, employer_id)
    form = forms.RosterUploadForm(bound_data(request), request.FILES or None)
    context = {"employer": employer, "form": form}
    if request.method == "POST" and form.is_valid() and (text := _uploaded_text(form)):
        try:
            parsed = services.roster_import(employer=employer, actor=request.user, text=text)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if parsed.error:
                form.add_error("file", parsed.error)
            elif parsed.ok:
                messages.success(
                    request,
                    gettext("%(count)s people added to your roster.")
                    % {"count": len(parsed.workers)},
                )
                return redirect(_workers_url(request, employer))
            else:
                form.add_error(
                    "file",
                    gettext("Nothing was added: correct the rows listed and upload again."),
                )
                context["row_errors"] = parsed.row_errors
    return render(request, "employers/roster_import.html", context)


@association_view(action=Action.EDIT_ROSTER)
@require_methods("GET", "POST")
def worker_add(request, employer_id):
    employer = get_employer(request, employer_id)
    return _form_page(
        request,
        employer,
        forms.WorkerForm(
            bound_data(request),
            initial={
                "province": employer.province,
                # "Record an external assessor" from the plan page: a consultant.
                "employment_type": request.GET.get("employment_type", ""),
            },
        ),
        lambda **data: services.worker_add(employer=employer, actor=request.user, **data),
        # Read only after the form is valid, when the name is the cleaned one.
        success=gettext("%(full_name)s added to your roster.")
        % {"full_name": request.POST.get("full_name", "").strip()},
        title=gettext("Add a worker"),
        submit=gettext("Add to roster"),
        once=True,
        done=_workers_url(request, employer),
    )


@association_view(action=Action.EDIT_ROSTER)
@require_methods("GET", "POST")
def worker_edit(request, employer_id, worker_id):
    employer = get_employer(request, employer_id)
    worker = get_object_or_404(employer.workers, pk=worker_id)
    return _form_page(
        request,
        employer,
        _edit_form(request, forms.WorkerForm, worker),
        lambda **data: services.worker_update(worker=worker, actor=request.user, **data),
        success=gettext("%(worker)s saved.") % {"worker": worker},
        title=gettext("Edit %(worker)s") % {"worker": worker},
        done=_workers_url(request, employer),
    )


@association_view(action=Action.EDIT_ROSTER)
@require_methods("GET", "POST")
def worker_end(request, employer_id, worker_id):
    employer = get_employer(request, employer_id)
    worker = get_object_or_404(employer.workers, pk=worker_id)
    return _form_page(
        request,
        employer,
        forms.WorkerEndForm(
            bound_data(request),
            worker=worker,
            initial={"end_date": association_today(request.association)},
        ),
        lambda end_date: services.worker_end_employment(
            worker=worker, actor=request.user, end_date=end_date
        ),
        success=gettext("Employment of %(worker)s ended.") % {"worker": worker},
        title=gettext("End the employment of %(worker)s") % {"worker": worker},
        submit=gettext("End employment"),
        done=_workers_url(request, employer),
    )


@association_view
@require_methods("GET", "POST")
def headcount(request, employer_id):
    employer = get_employer(request, employer_id)
    if request.method == "POST":
        require(request, Action.EDIT_ROSTER)
    form = forms.HeadcountForm(bound_data(request))
    if form_submitted(
        request,
        form,
        lambda period_start, period_end, fte=None, **_counts: services.headcount_declare(
            employer=employer,
            actor=request.user,
            period_start=period_start,
            period_end=period_end,
            counts=form.counts,
            fte=fte,
        ),
        success=gettext("Headcount declared."),
        once=True,
    ):
        return redirect("employers:headcount", **_kw(request, employer))
    declarations = list(employer.headcount_declarations.select_related("declared_by"))
    context = {"employer": employer, "form": form, "declarations": declarations}
    return render(request, "employers/headcount.html", context)


@association_view
def eligibility(request, employer_id):
    employer = get_employer(request, employer_id)
    page = selectors.employer_page(employer)
    peaks = selectors.monthly_peaks(
        rule=page["rule"],
        today=page["today"],
        workers=page["workers"],
        declarations=page["declarations"],
    )
    chart = peaks and _peaks_chart(peaks)
    context = {"employer": employer, "peaks": peaks, "chart": chart, **page}
    return render(request, "employers/eligibility.html", context)


def _peaks_chart(peaks: selectors.MonthlyPeaks) -> charts.Chart:
    """The monthly peaks as a column chart against the limit (a dashed line)."""
    months = [date_format(b.start, "M Y") for b in peaks.bars]
    return charts.bar_chart(
        id="headcount-chart",
        title=gettext("Monthly peak headcount against the limit of %(limit)s")
        % {"limit": peaks.limit},
        summary=gettext("Each bar is the busiest day of a month; a red bar went over the limit."),
        categories=months,
        series=[
            charts.Series(
                "count", gettext("Most people on one day"), tuple(b.count for b in peaks.bars)
            )
        ],
        limit=peaks.limit,
        limit_label=gettext("limit %(limit)s") % {"limit": peaks.limit},
        axis_labels=[date_format(b.start, "M") for b in peaks.bars],
        axis_sublabels=[
            date_format(b.start, "Y") if i == 0 or b.start.month == 1 else ""
            for i, b in enumerate(peaks.bars)
        ],
        point_css=["bar bar-over" if b.over else "" for b in peaks.bars],
        table=charts.Table(
            gettext("Most people working on one day, month by month"),
            (gettext("Month"), gettext("Most people on one day"), gettext("Over the limit")),
            tuple(
                (
                    charts.Cell(f"{b.start:%Y-%m-%d} – {b.end:%Y-%m-%d}"),
                    charts.Cell(str(b.count), numeric=True),
                    charts.Cell(gettext("yes") if b.over else gettext("no"), strong=b.over),
                )
                for b in peaks.bars
            ),
        ),
        table_collapsed=True,
        table_summary=gettext("The numbers, month by month"),
        show_title=False,
        css="headcount-chart",
    )


@association_view
@require_methods("GET", "POST")
def invite(request, employer_id):
    """Invite a colleague: a second employer user for the same employer."""
    employer = get_employer(request, employer_id)
    # After the look-up: another employer's user gets 404, not 403.
    require(request, Action.INVITE_EMPLOYER_USER)
    return _form_page(
        request,
        employer,
        forms.InviteColleagueForm(bound_data(request)),
        lambda email: services.employer_invite_colleague(
            employer=employer, email=email, actor=request.user
        ),
        success=gettext("Invitation sent to %(email)s.")
        % {"email": request.POST.get("email", "").strip()},
        title=gettext("Invite a colleague"),
        submit=gettext("Send invitation"),
        once=True,
    )


@association_view
def user_update(request, employer_id, membership_id):
    """An employer admin (or a program admin) changes one of the company's users."""
    employer = get_employer(request, employer_id)
    # After the look-up: another employer's user gets 404, not 403.
    require(request, Action.MANAGE_EMPLOYER_USERS)
    membership = get_object_or_404(
        Membership.objects.filter(employer=employer).select_related("user"), pk=membership_id
    )
    if request.method != "POST":  # after the look-ups: another employer's id is a 404
        return HttpResponseNotAllowed(["POST"])
    secor_views.membership_change(request, membership)
    return redirect(employer)


@association_view
def invitation_revoke(request, employer_id, invitation_id):
    employer = get_employer(request, employer_id)
    # After the look-up: another employer's user gets 404, not 403.
    require(request, Action.MANAGE_EMPLOYER_USERS)
    invitation = get_object_or_404(Invitation.objects.filter(employer=employer), pk=invitation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    secor_views.invitation_withdraw(request, invitation)
    return redirect(employer)


# --- Staff: registrations, statuses ---------------------------------------------------


@association_view(action=Action.CONFIRM_REGISTRATION)
@require_methods("GET", "POST")
def enrollment_confirm(request, employer_id, enrollment_id):
    employer = get_employer(request, employer_id)
    enrollment = get_object_or_404(employer.enrollments.select_related("program"), pk=enrollment_id)
    rule = selectors.secor_rule(request.association)
    return _form_page(
        request,
        employer,
        forms.EnrollmentConfirmForm(
            bound_data(request), requires_membership=bool(rule and rule.requires_membership)
        ),
        lambda **data: services.enrollment_confirm(
            enrollment=enrollment, actor=request.user, **data
        ),
        success=gettext("Registration of %(employer)s confirmed.") % {"employer": employer},
        title=gettext("Confirm the %(kind)s registration of %(employer)s")
        % {"kind": enrollment.program.get_kind_display(), "employer": employer},
        intro=f"Registered on {enrollment.registered_on}. Check the company and its WCB "
        "account, then confirm: the enrollment moves to “In progress”.",
        submit=gettext("Confirm registration"),
    )


@association_view(action=Action.EDIT_EMPLOYER)
@require_methods("GET", "POST")
def membership(request, employer_id):
    """Renew the association membership good standing needs (docs/rules.md#acsa-prerequisites)."""
    employer = get_employer(request, employer_id)
    rule = selectors.secor_rule(request.association)
    enrollment = (
        employer.enrollments.filter(status__in=EnrollmentStatus.open_statuses())
        .filter(program=rule.program if rule is not None else None)
        .first()
    )
    if enrollment is None or not rule.requires_membership:
        raise Http404("No membership is needed.")
    current = enrollment.membership_expires_on
    return _form_page(
        request,
        employer,
        forms.MembershipForm(
            bound_data(request), initial={"membership_number": enrollment.membership_number}
        ),
        lambda **data: services.enrollment_membership_renew(
            enrollment=enrollment, actor=request.user, **data
        ),
        success=gettext("Membership renewed."),
        title=gettext("Renew your %(association)s membership")
        % {"association": request.association.short_name},
        intro=gettext("The membership on file expires on %(day)s.") % {"day": current}
        if current
        else gettext("No membership is on file yet."),
        submit=gettext("Record the renewed membership"),
    )


@association_view(action=Action.EDIT_EMPLOYER)
@require_methods("GET", "POST")
def apply_cor(request, employer_id):
    """Over the SECOR size limit: apply for COR instead (docs/rules.md#acsa-size-limit)."""
    employer = get_employer(request, employer_id)
    if not Program.objects.filter(kind=ProgramKind.COR, is_active=True).exists():
        return render(
            request,
            "employers/apply_elsewhere.html",
            {"employer": employer, "association": request.association},
        )
    return _form_page(
        request,
        employer,
        forms.ApplyForm(bound_data(request)),
        lambda **data: services.enrollment_apply(
            employer=employer, actor=request.user, program_kind=ProgramKind.COR
        ),
        success=gettext("Your COR application is registered; program staff will confirm it."),
        title=gettext("Apply for COR"),
        intro=gettext(
            "With more people than SECOR allows, %(employer)s applies for a COR. Program "
            "staff confirm the registration."
        )
        % {"employer": employer},
        submit=gettext("Apply for COR"),
        once=True,
    )


@association_view(action=Action.CHANGE_ENROLLMENT_STATUS)
@require_methods("GET", "POST")
def enrollment_status(request, employer_id, enrollment_id):
    employer = get_employer(request, employer_id)
    enrollment = get_object_or_404(employer.enrollments.select_related("program"), pk=enrollment_id)
    return _form_page(
        request,
        employer,
        forms.EnrollmentStatusForm(bound_data(request), initial={"status": enrollment.status}),
        lambda **data: services.enrollment_set_status(
            enrollment=enrollment, actor=request.user, **data
        ),
        success=gettext("Status changed."),
        title=gettext("Change the status of %(enrollment)s") % {"enrollment": enrollment},
        submit=gettext("Change status"),
    )


# --- Staff directory ------------------------------------------------------------------


def _directory_table(request):
    # Read only: verdicts are refreshed just after local midnight by the daily job and by
    # every service that changes a headcount; a stale one is shown with its date.
    filterset = EmployerFilter(request.GET, queryset=selectors.directory_queryset())
    table = EmployerTable(filterset.qs, today=association_today(request.association))
    return filterset, table


@association_view(action=Action.VIEW_DIRECTORY)
def directory(request):
    filterset, table = _directory_table(request)
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "export_query": request.GET.urlencode(),
        "waiting": selectors.registrations_waiting(request.association),
    }
    return render(request, "employers/directory.html", context)


@association_view(action=Action.VIEW_DIRECTORY)
def directory_export(request):
    """The directory's rows as CSV: same search, filters and order, every page, streamed."""
    _, table = _directory_table(request)
    name = f"{slugify(request.association.short_name)}-employers.csv"
    return stream_csv(table, name, request=request)


# --- Program admin: rules and import --------------------------------------------------


@association_view(action=Action.EDIT_ELIGIBILITY_RULES)
@require_methods("GET", "POST")
def rules(request):
    rule = selectors.secor_rule(request.association)
    if rule is None:
        if not selectors.runs_secor(request.association):
            raise Http404("This association runs no SECOR program.")
        return _rule_setup(request)
    rule = get_object_or_404(EligibilityRule.objects.all(), pk=rule.pk)
    form = _edit_form(request, forms.EligibilityRuleForm, rule)
    if form_submitted(
        request,
        form,
        lambda **data: services.eligibility_rule_update(rule=rule, actor=request.user, **data),
        success=gettext("SECOR size rule saved; every employer's verdict is redone."),
    ):
        return redirect("employers:rules", association_slug=request.association.slug)
    return render(request, "employers/rules.html", {"form": form, "rule": rule})


def _rule_setup(request):
    """No seed gave this association a size rule: its admin enters the first one."""
    form = forms.EligibilityRuleForm(bound_data(request))
    if form_submitted(
        request,
        form,
        lambda **data: services.eligibility_rule_create(
            association=request.association, actor=request.user, **data
        ),
        success=gettext("SECOR size rule set up; every employer's verdict is worked out."),
    ):
        return redirect("employers:rules", association_slug=request.association.slug)
    return render(request, "employers/rules.html", {"form": form, "rule": None})


_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _import_path(association, token) -> str:
    # Previews never confirmed are deleted by `employers.jobs.sweep_import_previews`.
    return preview_path(association.pk, token)


@association_view(action=Action.IMPORT_EMPLOYERS)
@require_methods("GET", "POST")
def import_upload(request):
    form = forms.ImportUploadForm(bound_data(request), request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid() and (text := _uploaded_text(form)):
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


@association_view(action=Action.IMPORT_EMPLOYERS)
@require_methods("POST")
def import_confirm(request):
    token = request.POST.get("token", "")
    path = _import_path(request.association, token)
    if not _TOKEN.match(token) or not default_storage.exists(path):
        messages.error(request, gettext("That preview has expired. Upload the file again."))
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
        gettext("Imported %(rows)s rows: %(created)s employers created, %(updated)s updated.")
        % {"rows": result["rows"], "created": result["created"], "updated": result["updated"]},
    )
    return redirect("employers:directory", association_slug=request.association.slug)


# --- Registration (top level: the user has no membership yet) ------------------------


@login_required
@require_methods("GET", "POST")
def register(request):
    """A signed-in user registers their company with an association."""
    with scopes_disabled():
        member_of = Membership.objects.filter(user=request.user).values_list(
            "association_id", flat=True
        )
        associations = Association.objects.filter(is_active=True).exclude(pk__in=list(member_of))
    form = forms.RegistrationForm(bound_data(request), associations=associations)
    registered = []

    def register_company(*, association, program, **profile):
        registered.append(
            services.employer_register(
                user=request.user, association=association, program_kind=program, **profile
            )
        )

    if form_submitted(request, form, register_company, once=True):
        if form.duplicate:
            return redirect("home")
        employer = registered[0]
        association = employer.association
        request.session["association_slug"] = association.slug
        messages.success(
            request,
            gettext(
                "%(employer)s is registered with %(short_name)s. Program "
                "staff will confirm your registration; meanwhile add your "
                "workers and headcount."
            )
            % {"employer": employer, "short_name": association.short_name},
        )
        return redirect(employer.get_absolute_url())
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=request.user, is_active=True).select_related(
                "association", "employer"
            )
        )
    return render(request, "employers/register.html", {"form": form, "memberships": memberships})
