"""Pages about reminders: preferences, lead-time settings, the staff log, the calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from . import audit, hooks
from . import notifications as n
from .dates import association_today
from .forms import bound_data
from .models import (
    CalendarFeed,
    Delivery,
    MutedReminderKind,
    Reminder,
    ReminderSetting,
    Role,
)
from .permissions import Action
from .reminder_tables import ReminderLogFilter, ReminderLogTable
from .tables import paginate, stream_csv
from .tenancy import association_view, scopes_disabled

# --- Services (one per action) ------------------------------------------------------


@transaction.atomic
def preferences_update(*, association, user, muted: list[str]) -> None:
    """A member mutes optional kinds; mandatory kinds are refused (they cannot be muted)."""
    mandatory = [code for code in muted if code in n.KINDS and n.KINDS[code].mandatory]
    if mandatory:
        raise ValidationError(
            {
                "muted": _("Required notices cannot be turned off: %(kinds)s.")
                % {"kinds": ", ".join(str(n.KINDS[c].label) for c in mandatory)}
            }
        )
    wanted = {code for code in muted if code in n.KINDS}
    rows = MutedReminderKind.objects.for_association(association).filter(user=user)
    rows.exclude(kind__in=wanted).delete()
    have = set(rows.values_list("kind", flat=True))
    MutedReminderKind.objects.bulk_create(
        [MutedReminderKind(association=association, user=user, kind=k) for k in wanted - have]
    )
    audit.record(
        association=association,
        actor=user,
        action="reminders.preferences",
        obj=user,
        summary=f"{user.email} mutes {sorted(wanted) or 'no reminders'}",
    )


@transaction.atomic
def reminder_setting_update(*, setting: ReminderSetting, actor, lead_days, threshold_days=None):
    setting.lead_days = sorted(set(lead_days), reverse=True)
    setting.threshold_days = threshold_days
    setting.full_clean()
    setting.save(update_fields=["lead_days", "threshold_days", "updated_at"])
    audit.record(
        association=setting.association,
        actor=actor,
        action="reminders.setting_update",
        obj=setting,
        summary=f"Reminder lead days of {setting.kind}: {setting.lead_days}",
    )


@transaction.atomic
def calendar_feed_rotate(*, employer, actor) -> CalendarFeed:
    """A new secret address for the employer's calendar; the old one stops working."""
    feed = CalendarFeed.objects.for_association(employer.association).filter(employer=employer)
    feed = feed.select_for_update().first()
    if feed is None:
        feed = CalendarFeed(association=employer.association, employer=employer)
    feed.token = CalendarFeed.new_token()
    feed.save()
    audit.record(
        association=employer.association,
        actor=actor,
        action="reminders.calendar_rotate",
        obj=employer,
        summary=f"Calendar address of {employer} replaced",
    )
    return feed


# --- Forms -----------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("Do not send me these reminders"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Maintenance due, certificate expiring and corrections due are required "
            "program notices: a missed one can cancel a certificate, so they cannot be "
            "turned off and are not listed here."
        ),
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted"].choices = n.kind_choices(optional_only=True, include_staff=staff)


def _parse_days(value: str) -> list[int]:
    days = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 730:
            raise ValidationError(
                _("Write whole numbers of days from 0 to 730, separated by commas, e.g. 90, 30, 7.")
            )
        days.append(int(part))
    return days


class ReminderSettingForm(forms.Form):
    lead_days = forms.CharField(
        label=_("Days before the deadline"),
        required=False,
        max_length=100,
        help_text=_(
            "Comma-separated, e.g. 90, 30, 7; 0 sends a final notice on the day. Empty: not sent."
        ),
    )

    def __init__(self, *args, kind: n.Kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["lead_days"].label = kind.label
        if kind.code == "staff_digest":
            self.fields["lead_days"].help_text = _("0 sends the digest every day; empty: never.")
            self.fields["threshold_days"] = forms.IntegerField(
                label=_("List submissions waiting more than (days)"),
                required=False,
                min_value=1,
                max_value=365,
            )

    def clean_lead_days(self):
        return _parse_days(self.cleaned_data["lead_days"])


# --- Pages -----------------------------------------------------------------------------


@association_view
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Which optional reminders the signed-in member receives here."""
    association, user = request.association, request.user
    current = list(MutedReminderKind.objects.filter(user=user).values_list("kind", flat=True))
    form = PreferencesForm(
        bound_data(request),
        initial={"muted": current},
        staff=request.membership.is_staff_role,
    )
    if request.method == "POST" and form.is_valid():
        try:
            preferences_update(association=association, user=user, muted=form.cleaned_data["muted"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reminder preferences are saved."))
            return redirect("reminder_preferences", association_slug=association.slug)
    mandatory = [k for k in n.KINDS.values() if k.mandatory]
    return render(
        request, "secor/reminder_preferences.html", {"form": form, "mandatory": mandatory}
    )


@association_view(action=Action.EDIT_REMINDER_SETTINGS)
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """The program admin sets each kind's lead days for the association."""
    association = request.association
    rows = n.reminder_settings_ensure(association)
    kinds = list(n.KINDS.values())
    data = bound_data(request)
    forms_ = []
    for k in kinds:
        row = rows[k.code]
        initial = {"lead_days": ", ".join(str(d) for d in row.lead_days)}
        if k.code == "staff_digest":
            initial["threshold_days"] = row.threshold_days
        forms_.append(ReminderSettingForm(data, prefix=k.code, initial=initial, kind=k))
    if request.method == "POST" and all(f.is_valid() for f in forms_):
        for f in forms_:
            row = rows[f.kind.code]
            reminder_setting_update(
                setting=row,
                actor=request.user,
                lead_days=f.cleaned_data["lead_days"],
                threshold_days=f.cleaned_data.get("threshold_days"),
            )
        messages.success(request, _("Reminder lead times saved."))
        return redirect("reminder_settings", association_slug=association.slug)
    return render(request, "secor/reminder_settings.html", {"forms": forms_})


def _employer(request, employer_id):
    """The employer with this id, or 404 — also for another tenant's or employer's id.

    The same door as ``employers.access.get_employer`` (staff: any employer of the
    association; an employer user: their own), reached through the model the
    feed points at, since `secor` imports no app.
    """
    employer_model = CalendarFeed._meta.get_field("employer").related_model
    employers = employer_model.objects.select_related("association")  # scoped by the view
    if request.membership.role == Role.EMPLOYER:
        employers = employers.filter(pk=request.membership.employer_id)
    return get_object_or_404(employers, pk=employer_id)


def _log_table(request, employer_id):
    """The employer (404 first: a POST learns nothing either), its filters and table."""
    employer = _employer(request, employer_id)
    reminders = Reminder.objects.filter(employer_id=employer.pk).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("id"))
    )
    filterset = ReminderLogFilter(request.GET, queryset=reminders)
    return employer, filterset, ReminderLogTable(filterset.qs)


@association_view(action=Action.VIEW_REMINDER_LOG)
def employer_log(request, employer_id):
    """Staff: every reminder sent about one employer, when, to whom, delivered or not."""
    employer, filterset, table = _log_table(request, employer_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    paginate(request, table)
    return render(
        request,
        "secor/reminder_log.html",
        {
            "employer": employer,
            "filter": filterset,
            "table": table,
            "export_query": request.GET.urlencode(),
        },
    )


@association_view(action=Action.VIEW_REMINDER_LOG)
def employer_log_export(request, employer_id):
    """The employer's filtered reminder log as CSV, every page, streamed."""
    employer, _filters, table = _log_table(request, employer_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return stream_csv(table, f"{slugify(str(employer))}-reminders.csv", request=request)


@association_view
@require_http_methods(["GET", "POST"])
def calendar(request, employer_id):
    """The employer's secret calendar address; POST replaces it (the old one stops working)."""
    employer = _employer(request, employer_id)
    if request.method == "POST":
        calendar_feed_rotate(employer=employer, actor=request.user)
        messages.success(
            request, _("A new calendar address was made. The old address no longer works.")
        )
        return redirect(
            "reminder_calendar", association_slug=request.association.slug, employer_id=employer.pk
        )
    feed = CalendarFeed.objects.filter(employer=employer).first()
    url = (
        request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": feed.token}))
        if feed
        else ""
    )
    return render(request, "secor/reminder_calendar.html", {"employer": employer, "feed_url": url})


@require_GET
def calendar_feed(request, token):
    """The ICS feed: no sign-in (calendar apps cannot), the secret token is the key."""
    from icalendar import Calendar, Event, vText

    with scopes_disabled():
        feed = (
            CalendarFeed.objects.select_related("employer", "association")
            .filter(token=token, association__is_active=True)
            .first()
        )
    if feed is None or not token:
        raise Http404("No such calendar.")
    employer, association = feed.employer, feed.association
    employer.association = association
    today = association_today(association)
    events = []
    from .tenancy import activate

    with activate(association):
        for source in hooks.calendar_events:
            events.extend(source(employer, today))
    cal = Calendar()
    cal.add("prodid", "-//SECOR programs//Deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{association.short_name or association.name}: {employer}")
    cal.add("x-wr-timezone", association.time_zone)
    host = request.get_host()
    stamp = timezone.now()
    base = request.build_absolute_uri("/").rstrip("/")
    for event in sorted(events, key=lambda e: (e.start, e.uid)):
        item = Event()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", stamp)
        item.add("summary", event.summary)
        # All-day events: DATE values, the end exclusive (RFC 5545), so they sit on
        # the association's local dates whatever the calendar's own time zone.
        item.add("dtstart", event.start)
        item.add("dtend", (event.end or event.start) + timedelta(days=1))
        item.add("transp", "TRANSPARENT")
        if event.url:
            link = base + event.url if event.url.startswith("/") else event.url
            item.add("url", link)
            item.add("description", vText(f"{event.description}\n{link}".strip()))
        cal.add_component(item)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
