import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from secor.dates import association_today
from secor.http import require_methods
from secor.tables import stream_csv

from . import dashboard as program_dashboard
from . import hooks, services
from .forms import form_submitted
from .models import Invitation, Membership, Notification, Role, User
from .permissions import STAFF, Action
from .selectors import memberships_for_user
from .tables import ListTable, paginate
from .tenancy import association_view


def home(request):
    """The front door: visitors see what this is; members go to their association."""
    if not request.user.is_authenticated:
        return render(request, "secor/landing.html")
    memberships = memberships_for_user(request.user)
    last = request.session.get("association_slug")
    for membership in memberships:
        if membership.association.slug == last or len(memberships) == 1:
            return redirect(membership.association)
    return render(request, "secor/choose_association.html", {"memberships": memberships})


@login_required
def switch_association(request):
    """The association switcher's full page (the navbar shows the same list)."""
    return render(
        request,
        "secor/choose_association.html",
        {"memberships": memberships_for_user(request.user)},
    )


@association_view(read_only=True)
def association_home(request):
    template = {
        Role.PROGRAM_ADMIN: "secor/home_program_admin.html",
        Role.REVIEWER: "secor/home_reviewer.html",
        Role.AUDITOR: "secor/home_reviewer.html",
        Role.EMPLOYER: "secor/home_employer.html",
    }[request.membership.role]
    # Each app contributes its cards (hooks.home_panels); sorted() keeps
    # registration order among equal positions.
    panels = sorted(
        (
            panel
            for found in hooks.home_panels.call(request, request.association)
            for panel in found
        ),
        key=lambda panel: panel.position,
    )
    return render(request, template, {"panels": panels})


@association_view
@require_methods("GET", "POST")
def notifications(request):
    """The signed-in member's notices in this association; POST marks them all read."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications", association_slug=request.association.slug)
    return render(request, "secor/notifications.html", {"notifications": mine[:100]})


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Role if r in STAFF],
        help_text=gettext_lazy(
            "Staff must set up two-factor authentication. Employer users are invited "
            "from their employer's page."
        ),
    )


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in STAFF]
EMPLOYER_ROLE_CHOICES = [
    (Role.EMPLOYER.value, Role.EMPLOYER.label),
    (services.EMPLOYER_ADMIN, gettext_lazy("Employer admin")),
]


def role_choices(membership) -> list[tuple[str, str]]:
    return EMPLOYER_ROLE_CHOICES if membership.role == Role.EMPLOYER else STAFF_ROLE_CHOICES


def current_role(membership) -> str:
    if membership.role == Role.EMPLOYER and membership.is_employer_admin:
        return services.EMPLOYER_ADMIN
    return membership.role


class MembersTable(ListTable):
    """The people page: one page of members, each with its role controls."""

    name = tables.Column(verbose_name=gettext_lazy("Name"), accessor="user__full_name", default="—")
    email = tables.Column(verbose_name=gettext_lazy("Email"), accessor="user__email")
    role = tables.TemplateColumn(
        verbose_name=gettext_lazy("Role"),
        orderable=False,
        template_code=(
            "{% load i18n %}{{ record.row.current_label }}"
            '{% if record.employer %}<br><span class="small">{{ record.employer }}</span>'
            '{% endif %}{% if not record.is_active %} <span class="badge text-bg-secondary">'
            "{% translate 'inactive' %}</span>{% endif %}"
        ),
    )
    change = tables.TemplateColumn(
        verbose_name=gettext_lazy("Change"),
        orderable=False,
        template_code=(
            "{% url 'staff_member' association_slug=current_association.slug "
            "membership_id=record.pk as action_url %}"
            '{% with row=record.row %}{% include "secor/_member_actions.html" %}{% endwith %}'
        ),
    )

    class Meta(ListTable.Meta):
        orderable = True
        order_by_field = "sort"

    def prepare(self, records) -> None:
        for m in records:
            choices, current = role_choices(m), current_role(m)
            label = next((str(lbl) for value, lbl in choices if value == current), "")
            m.row = {"m": m, "choices": choices, "current": current, "current_label": label}


def membership_change(request, membership) -> None:
    """Apply a POSTed change to one membership (role, deactivate, reactivate).

    Shared by the people page (program admins) and an employer's page (its
    employer admins); the caller has checked the permission and found the
    membership through its own door.
    """
    what = request.POST.get("change", "")
    try:
        if what == "role":
            services.membership_change_role(
                membership=membership, actor=request.user, role=request.POST.get("role", "")
            )
            membership.refresh_from_db()
            messages.success(
                request,
                gettext("%(email)s is now %(role)s.")
                % {
                    "email": membership.user.email,
                    "role": dict(role_choices(membership))[current_role(membership)],
                },
            )
        elif what in ("deactivate", "reactivate"):
            services.membership_set_active(
                membership=membership, actor=request.user, active=what == "reactivate"
            )
            messages.success(
                request,
                (
                    gettext(
                        "%(email)s was deactivated. They can no longer open this "
                        "association's pages."
                    )
                    if what == "deactivate"
                    else gettext("%(email)s was reactivated.")
                )
                % {"email": membership.user.email},
            )
        else:
            messages.error(request, gettext("Choose what to change: the role, or deactivate."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


def invitation_withdraw(request, invitation) -> None:
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("The invitation for %(email)s was withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )


def pending_invitations(queryset):
    """Invitations not accepted, revoked or expired, newest first."""
    return queryset.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("employer")


@association_view(action=Action.MANAGE_STAFF)
@require_methods("GET", "POST")
def staff(request):
    """Program admins see who belongs to the association, invite people and manage them."""
    form = InvitationForm(request.POST or None)
    if form_submitted(
        request,
        form,
        lambda email, role: services.invitation_create(
            association=request.association, email=email, role=role, invited_by=request.user
        ),
        success=gettext("Invitation sent to %(email)s.") % {"email": request.POST.get("email", "")},
        once=True,
    ):
        return redirect("staff", association_slug=request.association.slug)
    members = MembersTable(
        Membership.objects.select_related("user", "employer").order_by(
            "-is_active", "role", "user__email", "pk"
        )
    )
    paginate(request, members)
    context = {
        "form": form,
        "table": members,
        "invitations": pending_invitations(Invitation.objects.all())[:100],
    }
    return render(request, "secor/staff.html", context)


@association_view(action=Action.MANAGE_STAFF)
def staff_member(request, membership_id):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    if request.method != "POST":  # after the look-up: another tenant's id is a 404 either way
        return HttpResponseNotAllowed(["POST"])
    membership_change(request, membership)
    return redirect("staff", association_slug=request.association.slug)


@association_view(action=Action.MANAGE_STAFF)
def staff_invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(Invitation.objects.all(), pk=invitation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitation_withdraw(request, invitation)
    return redirect("staff", association_slug=request.association.slug)


class AcceptWithNewAccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your full name"), max_length=150)
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", gettext("The two passwords are different."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"], User(email=self.email))
            except ValidationError as error:
                self.add_error("password1", error)
        return data


@require_methods("GET", "POST")
def invitation_accept(request, token):
    """Open an invitation link: accept it, or set a password first if new here."""
    invitation, problem = services.invitation_lookup(token)
    context = {"invitation": invitation, "problem": problem}
    if problem:
        return render(request, "secor/invitation.html", context, status=410 if invitation else 404)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if not request.user.is_authenticated and not has_account:
        form = AcceptWithNewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(token=token, user=request.user)
            elif form is not None and form.is_valid():
                membership = services.user_create_from_invitation(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except ValidationError as error:
            context["problem"] = services.InvitationProblem(
                error.code or "invalid", error.messages[0]
            )
            return render(request, "secor/invitation.html", context, status=400)
        if membership is not None:
            messages.success(
                request,
                gettext("Welcome to %(association)s.") % {"association": membership.association},
            )
            return redirect(membership.association)
    context.update(form=form, has_account=has_account)
    return render(request, "secor/invitation.html", context)


# --- The program dashboard ----------------------------------------------------------


@association_view(action=Action.VIEW_DASHBOARD)
@require_methods("GET")
def dashboard(request):
    """The program at a glance: each app's charts, each with its table, links and CSV."""
    today = association_today(request.association)
    read = program_dashboard.figures(request.association, today)
    sections = [
        {"key": s.key, "chart": program_dashboard.chart(s, request.association, today, read)}
        for s in program_dashboard.sections()
    ]
    context = {
        "sections": sections,
        "today": today,
        "as_of": read.as_of,
        "keep_minutes": max(program_dashboard.keep_seconds() // 60, 1),
    }
    return render(request, "secor/dashboard.html", context)


@association_view(action=Action.VIEW_DASHBOARD)
@require_methods("POST")
def dashboard_refresh(request):
    """Read the dashboard's figures again now, instead of the ones kept a few minutes."""
    today = association_today(request.association)
    program_dashboard.figures(request.association, today, refresh=True)
    return redirect("dashboard", association_slug=request.association.slug)


@association_view(action=Action.VIEW_DASHBOARD)
@require_methods("GET")
def dashboard_export(request):
    """One dashboard chart's table as CSV (``?chart=<key>``; the same rows the page shows)."""
    section = request.GET.get("chart", "")
    sections = program_dashboard.sections()
    if not section:
        keys = ", ".join(s.key for s in sections)
        message = gettext("Say which chart to export: ?chart= one of %(keys)s.") % {"keys": keys}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    found = next((s for s in sections if s.key == section), None)
    if found is None:
        raise Http404("No such dashboard chart.")
    today = association_today(request.association)
    read = program_dashboard.figures(request.association, today)
    chart = program_dashboard.chart(found, request.association, today, read)
    name = f"{request.association.slug}-{section}-{today:%Y-%m-%d}.csv"
    return stream_csv(None, name, rows=chart.table.csv_rows())
