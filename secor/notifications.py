"""Reminders: what is due (the apps say), and delivering each exactly once (here).

`secor` imports no app. Each app registers, in its `AppConfig.ready()`:

* its reminder kinds, with `register_kind(Kind(...))`;
* a source, with `secor.hooks.reminder_sources.register(fn)`, where
  ``fn(association, *, window_start, window_end)`` yields `DueReminder` values
  whose send date (deadline minus lead) falls in the window. Sources use
  set-based queries — one per kind, whatever the number of employers — so the
  sweep's query count does not grow with the association.

Delivery, in three steps, each claimed so nothing is sent twice:

1. the daily **sweep** (`sweep`) inserts a `Reminder` row per due reminder with
   "insert or nothing" on the unique key (association, kind, object, deadline,
   lead) and enqueues a send task per row still pending;
2. **`deliver_reminder`** claims the row with a conditional UPDATE
   (pending → sending) that must change exactly one row, resolves the
   recipients, writes the in-app `Notification` and a `Delivery` row per
   recipient and channel (muted ones recorded as muted), and marks the
   reminder sent — one transaction;
3. **`send_delivery_email`** claims each email delivery the same way before
   talking to SMTP and records the outcome (an SMTP failure is retried with
   back-off; the error stays visible to staff).

A claim held by a worker that died is taken over once its lease
(``SECOR_REMINDER_LEASE_SECONDS``, longer than the task time limit) has run
out; the hourly fan-out re-enqueues whatever is still open, so a broker
outage delays reminders but loses none.

Windows, not days: a sweep covers every day since the last sweep that ran (up
to ``SECOR_REMINDER_CATCHUP_DAYS``), so after downtime it sends what fell due
in the missed days — "due within the window and not yet sent", never "due
exactly today" — and marks those late.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from email.mime.image import MIMEImage
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import hooks
from .dates import association_today
from .models import (
    Association,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Membership,
    MutedReminderKind,
    Notification,
    Reminder,
    ReminderSetting,
    ReminderStatus,
    ReminderSweep,
    Role,
)
from .tenancy import activate, scopes_disabled

logger = logging.getLogger(__name__)

# Recipient groups a kind (or a single reminder) names.
EMPLOYER_USERS = "employer_users"
TRAINED_EMPLOYEE = "trained_employee"  # the worker's own account, matched by email
PROGRAM_ADMINS = "program_admins"
REVIEWERS = "reviewers"
AUDIENCES = frozenset({EMPLOYER_USERS, TRAINED_EMPLOYEE, PROGRAM_ADMINS, REVIEWERS})


@dataclass(frozen=True)
class Kind:
    """A kind of reminder. ``mandatory`` kinds cannot be muted by their recipients.

    ``default_leads`` seeds an association's `ReminderSetting` (days before the
    deadline; 0 is the final notice on the day). Email templates are
    ``emails/reminder-<code>-subject.txt``, ``-body.txt`` and ``-body.html``.
    """

    code: str
    label: str
    mandatory: bool = False
    default_leads: tuple[int, ...] = ()
    audience: tuple[str, ...] = (EMPLOYER_USERS,)
    description: str = ""
    staff_only: bool = False
    # Reminders of this kind with the same key from several sources are one
    # message, their contexts merged (the staff digest).
    merge: bool = False

    @property
    def template(self) -> str:
        return f"reminder-{self.code.replace('_', '-')}"


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    unknown = set(kind.audience) - AUDIENCES
    if unknown:
        raise ValueError(f"unknown audience {unknown} for {kind.code}")
    KINDS[kind.code] = kind
    return kind


def kind(code: str) -> Kind:
    return KINDS[code]


@dataclass(frozen=True)
class DueReminder:
    """What a source says is due. ``context`` must be JSON-safe (it is stored)."""

    kind: str
    object_key: str
    deadline: date
    lead_days: int
    title: str
    employer_id: int | None = None
    url: str = ""
    context: dict = field(default_factory=dict)
    user_ids: tuple[int, ...] = ()
    audience: tuple[str, ...] | None = None

    @property
    def send_on(self) -> date:
        return self.deadline - timedelta(days=self.lead_days)

    @property
    def key(self) -> tuple:
        return (self.kind, self.object_key, self.deadline, self.lead_days)


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day deadline (or window, ``start``..``end`` inclusive) in an employer's feed."""

    uid: str
    summary: str
    start: date
    end: date | None = None
    url: str = ""
    description: str = ""


def url_maker(viewname: str, association, key: str = "employer_id"):
    """``f(id) -> path`` for one view, reversed once: sources build thousands of links."""
    from django.urls import reverse

    sentinel = 987654321987
    template = reverse(viewname, kwargs={"association_slug": association.slug, key: sentinel})
    return lambda value: template.replace(str(sentinel), str(value))


_URL_MAKERS: dict[tuple[str, str, str], object] = {}


def employer_url(viewname: str, association, employer_id: int, key: str = "employer_id") -> str:
    """The path of an employer's page, reversing each view once per association."""
    cache_key = (viewname, association.slug, key)
    maker = _URL_MAKERS.get(cache_key)
    if maker is None:
        maker = _URL_MAKERS[cache_key] = url_maker(viewname, association, key)
    return maker(employer_id)


# --- Lead times (association data) -------------------------------------------------


def reminder_settings_ensure(association: Association) -> dict[str, ReminderSetting]:
    """Every registered kind's setting row for the association, seeded when missing."""
    with activate(association):
        rows = {r.kind: r for r in ReminderSetting.objects.all()}
        missing = [
            ReminderSetting(association=association, kind=k.code, lead_days=list(k.default_leads))
            for code, k in KINDS.items()
            if code not in rows
        ]
        if missing:
            ReminderSetting.objects.bulk_create(missing, ignore_conflicts=True)
            rows = {r.kind: r for r in ReminderSetting.objects.all()}
    return rows


def leads(association: Association, code: str) -> tuple[int, ...]:
    """The association's lead days for a kind (one query per sweep: cached on the object)."""
    cache = getattr(association, "_reminder_settings", None)
    if cache is None:
        cache = dict(reminder_settings_ensure(association).items())
        association._reminder_settings = cache
    row = cache.get(code)
    values = row.lead_days if row is not None else KINDS[code].default_leads
    return tuple(sorted({int(v) for v in values if int(v) >= 0}, reverse=True))


def threshold(association: Association, code: str, default: int) -> int:
    leads(association, code)  # fills the cache
    row = association._reminder_settings.get(code)
    return row.threshold_days if row is not None and row.threshold_days is not None else default


def deadline_range(
    lead_days: Iterable[int], window_start: date, window_end: date
) -> tuple[date, date] | None:
    """The deadlines for which some lead sends within the window (for a source's query)."""
    values = list(lead_days)
    if not values:
        return None
    return (
        window_start + timedelta(days=min(values)),
        window_end + timedelta(days=max(values)),
    )


def due_leads(
    deadline: date, lead_days: Iterable[int], window_start: date, window_end: date
) -> list[int]:
    """The leads whose send date (deadline − lead) is within the window, inclusive."""
    return [
        lead for lead in lead_days if window_start <= deadline - timedelta(days=lead) <= window_end
    ]


def expand(
    base: dict, deadline: date, lead_days: Iterable[int], window_start: date, window_end: date
) -> list[DueReminder]:
    """One `DueReminder` per lead that falls in the window (``base``: the other fields)."""
    return [
        DueReminder(deadline=deadline, lead_days=lead, **base)
        for lead in due_leads(deadline, lead_days, window_start, window_end)
    ]


# --- The sweep ----------------------------------------------------------------------


def window_start_for(association: Association, today: date) -> date:
    """The day after the last sweep that ran (bounded), so missed days are covered."""
    with activate(association):
        last = ReminderSweep.objects.filter(
            status=ReminderSweep.Status.DONE, local_date__lt=today
        ).aggregate(last=Max("local_date"))["last"]
    earliest = today - timedelta(days=settings.SECOR_REMINDER_CATCHUP_DAYS)
    if last is None:
        return today
    return max(last + timedelta(days=1), earliest)


def collect(association: Association, window_start: date, window_end: date) -> list[DueReminder]:
    """Every registered source's reminders sending within the window, deduplicated."""
    found: dict[tuple, DueReminder] = {}
    association._reminder_settings = None  # read the lead times afresh for each sweep
    with activate(association):
        for source in hooks.reminder_sources:
            for due in source(association, window_start=window_start, window_end=window_end):
                if due.kind not in KINDS:
                    raise ValueError(f"reminder kind {due.kind!r} is not registered")
                if not window_start <= due.send_on <= window_end:
                    continue
                if due.key in found and KINDS[due.kind].merge:
                    # Several apps' parts of one message (the staff digest): one email.
                    first = found[due.key]
                    found[due.key] = replace(first, context={**first.context, **due.context})
                else:
                    found.setdefault(due.key, due)
    return sorted(found.values(), key=lambda d: (d.send_on, d.kind, d.object_key))


@dataclass
class SweepResult:
    association: str
    window_start: date
    window_end: date
    due: list[DueReminder]
    created: int = 0
    already: int = 0
    enqueued: int = 0
    late: int = 0
    dry_run: bool = False
    existing_keys: set = field(default_factory=set)


def _existing_keys(association, window_start, window_end) -> set[tuple]:
    return {
        (k, o, d, lead)
        for k, o, d, lead in Reminder.objects.for_association(association)
        .filter(send_on__gte=window_start, send_on__lte=window_end)
        .values_list("kind", "object_key", "deadline", "lead_days")
    }


def sweep(
    association: Association,
    today: date,
    *,
    window_start: date | None = None,
    dry_run: bool = False,
    enqueue: bool = True,
) -> SweepResult:
    """Record (and enqueue) every reminder of the association sending in [start, today].

    ``window_start`` defaults to the day after the last sweep that ran. Rows that
    exist already are left alone (insert or nothing): a second sweep of the same
    days creates nothing and sends nothing new.
    """
    start = window_start or window_start_for(association, today)
    due = collect(association, start, today)
    result = SweepResult(association.slug, start, today, due, dry_run=dry_run)
    existing = _existing_keys(association, start, today)
    result.existing_keys = existing
    result.already = sum(1 for d in due if d.key in existing)
    if dry_run:
        return result
    real_today = association_today(association)
    rows = [
        Reminder(
            association=association,
            kind=d.kind,
            object_key=d.object_key[:120],
            deadline=d.deadline,
            lead_days=d.lead_days,
            send_on=d.send_on,
            employer_id=d.employer_id,
            title=d.title[:200],
            url=d.url,
            context=d.context,
            user_ids=list(d.user_ids),
            audience=list(d.audience if d.audience is not None else KINDS[d.kind].audience),
            late=d.send_on < real_today,
        )
        for d in due
        if d.key not in existing
    ]
    with transaction.atomic():
        # One INSERT whatever the count (PostgreSQL inserts via UNNEST; elsewhere
        # Django splits by the parameter limit).
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        result.created = len(rows)
        result.late = sum(1 for r in rows if r.late)
        _mark_swept(association, today, start, len(rows))
    if enqueue:
        result.enqueued = enqueue_open(association)
    return result


def _mark_swept(association, today, start, created) -> None:
    with activate(association):
        run, _ = ReminderSweep.objects.get_or_create(association=association, local_date=today)
        ReminderSweep.objects.filter(pk=run.pk).update(
            status=ReminderSweep.Status.DONE,
            window_start=start if run.window_start is None else min(run.window_start, start),
            created_count=run.created_count + created,
            finished_at=timezone.now(),
        )


def _lease_cutoff():
    return timezone.now() - timedelta(seconds=settings.SECOR_REMINDER_LEASE_SECONDS)


BATCH = 50


def enqueue_open(association: Association, *, min_age_seconds: int = 0) -> int:
    """Enqueue a send task for each reminder and email not sent yet.

    Called by the sweep (everything pending) and by the hourly fan-out (only
    rows queued a while ago, or whose claim has run out): a broker outage or a
    worker killed between steps leaves rows pending, never lost. A failure to
    reach the broker is logged; the rows wait for the next fan-out.
    """
    from . import tasks

    now = timezone.now()
    queued_before = now - timedelta(seconds=min_age_seconds)
    stale = _lease_cutoff()
    reminders = Reminder.objects.for_association(association)
    reminder_ids = list(
        reminders.filter(
            Q(status=ReminderStatus.PENDING)
            & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=queued_before))
            | Q(status=ReminderStatus.SENDING, claimed_at__lt=stale)
        )
        .order_by("send_on", "pk")
        .values_list("pk", flat=True)
    )
    stale_emails = Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale) | Q(
        status=DeliveryStatus.RETRYING, claimed_at__lt=stale
    )
    if min_age_seconds:
        # From the fan-out: emails whose reminder task died before enqueuing them too.
        stale_emails |= Q(status=DeliveryStatus.PENDING, created_at__lte=queued_before)
    delivery_ids = list(
        Delivery.objects.for_association(association)
        .filter(stale_emails, channel=DeliveryChannel.EMAIL)
        .values_list("pk", flat=True)
    )
    sent = 0
    try:
        # In batches: one message per BATCH reminders keeps a large day's sweep quick;
        # each reminder is still claimed on its own, so a batch re-run sends nothing twice.
        for i in range(0, len(reminder_ids), BATCH):
            batch = reminder_ids[i : i + BATCH]
            tasks.send_reminders.delay(batch)
            sent += len(batch)
        for pk in delivery_ids:
            tasks.send_reminder_email.delay(pk)
    except Exception as error:  # kombu.exceptions.OperationalError and friends
        logger.warning(
            "broker unavailable, %s reminders wait for the next fan-out: %s",
            len(reminder_ids) - sent,
            error,
        )
    finally:
        if sent:
            reminders.filter(pk__in=reminder_ids[:sent], status=ReminderStatus.PENDING).update(
                enqueued_at=now
            )
    return sent


# --- Delivering one reminder ---------------------------------------------------------


def claim(queryset, *, statuses: Iterable[str], now) -> bool:
    """Take a row for this worker: a conditional UPDATE that must change exactly one row.

    A row is free when in one of ``statuses``, or "sending" under a claim whose
    lease has run out (its worker died).
    """
    changed = queryset.filter(
        Q(status__in=list(statuses)) | Q(status="sending", claimed_at__lt=_lease_cutoff())
    ).update(status="sending", claimed_at=now)
    return changed == 1


def recipients(reminder: Reminder) -> list:
    """The users a reminder goes to: its audience groups and explicit user ids."""
    audience = set(reminder.audience)
    condition = Q(user_id__in=reminder.user_ids) if reminder.user_ids else Q(pk__in=[])
    if EMPLOYER_USERS in audience and reminder.employer_id:
        condition |= Q(role=Role.EMPLOYER, employer_id=reminder.employer_id)
    if PROGRAM_ADMINS in audience:
        condition |= Q(role=Role.PROGRAM_ADMIN)
    if REVIEWERS in audience:
        condition |= Q(role=Role.REVIEWER)
    email = (reminder.context or {}).get("worker_email")
    if TRAINED_EMPLOYEE in audience and email:
        condition |= Q(user__email__iexact=email)
    memberships = (
        Membership.objects.for_association(reminder.association)
        .filter(condition, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [m.user for m in memberships]


def deliver_reminder(reminder_id: int) -> str:
    """Claim a reminder, write its in-app notices and delivery rows; enqueue the emails."""
    from . import tasks

    with scopes_disabled():
        reminder = Reminder.objects.select_related("association").filter(pk=reminder_id).first()
    if reminder is None:
        return "gone"
    association = reminder.association
    now = timezone.now()
    rows = Reminder.objects.for_association(association).filter(pk=reminder.pk)
    if not claim(rows, statuses=[ReminderStatus.PENDING], now=now):
        return "claimed elsewhere"
    k = KINDS.get(reminder.kind)
    with transaction.atomic():
        users = recipients(reminder)
        muted = set()
        if k is not None and not k.mandatory:
            muted = set(
                MutedReminderKind.objects.for_association(association)
                .filter(kind=reminder.kind, user__in=users)
                .values_list("user_id", flat=True)
            )
        body = render_to_string("emails/_reminder_inapp.txt", _context(reminder, None)).strip()
        Notification.objects.bulk_create(
            [
                Notification(
                    association=association,
                    user=u,
                    key=reminder.key[:200],
                    title=reminder.title,
                    body=body,
                    url=reminder.url,
                    emailed_at=now,  # the email goes through its Delivery row
                )
                for u in users
                if u.pk not in muted
            ],
            ignore_conflicts=True,
        )
        deliveries = []
        for u in users:
            is_muted = u.pk in muted
            deliveries.append(
                Delivery(
                    association=association,
                    reminder=reminder,
                    user=u,
                    address=u.email,
                    channel=DeliveryChannel.IN_APP,
                    status=DeliveryStatus.MUTED if is_muted else DeliveryStatus.SENT,
                    sent_at=None if is_muted else now,
                )
            )
            deliveries.append(
                Delivery(
                    association=association,
                    reminder=reminder,
                    user=u,
                    address=u.email,
                    channel=DeliveryChannel.EMAIL,
                    status=DeliveryStatus.MUTED if is_muted else DeliveryStatus.PENDING,
                )
            )
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        rows.update(status=ReminderStatus.SENT, sent_at=now)
        email_ids = list(
            Delivery.objects.for_association(association)
            .filter(reminder=reminder, channel=DeliveryChannel.EMAIL, status=DeliveryStatus.PENDING)
            .values_list("pk", flat=True)
        )

        def enqueue():
            try:
                for pk in email_ids:
                    tasks.send_reminder_email.delay(pk)
            except Exception as error:  # the fan-out picks them up
                logger.warning("could not enqueue reminder emails: %s", error)

        transaction.on_commit(enqueue)
    return "sent"


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _context(reminder: Reminder, user) -> dict:
    association = reminder.association
    k = KINDS.get(reminder.kind)
    return {
        "association": association,
        "reminder": reminder,
        "kind": k,
        "user": user,
        "title": reminder.title,
        "deadline": reminder.deadline,
        "lead_days": reminder.lead_days,
        "late": reminder.late,
        "url": _absolute(reminder.url),
        "site_url": settings.SITE_URL,
        "preferences_url": _absolute(f"/{association.slug}/notifications/preferences/"),
        "has_logo": bool(association.logo),
        **(reminder.context or {}),
    }


def render_email(reminder: Reminder, user) -> EmailMultiAlternatives:
    context = _context(reminder, user)
    name = KINDS[reminder.kind].template if reminder.kind in KINDS else "reminder-generic"
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    association = reminder.association
    headers = {}
    if association.contact_email:
        headers["Reply-To"] = association.contact_email
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    if association.logo:
        try:
            with association.logo.open("rb") as logo:
                image = MIMEImage(logo.read())
            image.add_header("Content-ID", "<logo>")
            image.add_header("Content-Disposition", "inline", filename="logo")
            message.mixed_subtype = "related"
            message.attach(image)
        except (OSError, TypeError, ValueError):  # a missing or odd logo never blocks a deadline
            logger.warning("logo of %s could not be attached", association)
    return message


# SMTP answers that retrying cannot fix: the address is wrong.
PERMANENT = (smtplib.SMTPRecipientsRefused,)


def send_delivery(delivery_id: int, *, final_attempt: bool = False) -> str:
    """Claim one email delivery and send it; raise on a temporary SMTP failure (retried)."""
    with scopes_disabled():
        delivery = (
            Delivery.objects.select_related("reminder__association", "user")
            .filter(pk=delivery_id)
            .first()
        )
    if delivery is None or delivery.user is None:
        return "gone"
    association = delivery.reminder.association
    now = timezone.now()
    rows = Delivery.objects.for_association(association).filter(pk=delivery.pk)
    if not claim(rows, statuses=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], now=now):
        return "claimed elsewhere"
    from django.db.models import F

    rows.update(attempts=F("attempts") + 1)
    try:
        with activate(association):
            render_email(delivery.reminder, delivery.user).send()
    except PERMANENT as error:
        rows.update(status=DeliveryStatus.FAILED, error=str(error)[:2000])
        return "failed"
    except (smtplib.SMTPException, OSError) as error:
        status = DeliveryStatus.FAILED if final_attempt else DeliveryStatus.RETRYING
        rows.update(status=status, error=f"{type(error).__name__}: {error}"[:2000])
        raise
    rows.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
    return "sent"


# --- Other apps' in-app notices, by email too ---------------------------------------------
#
# Apps tell people things by creating a `Notification` row (e.g. the audits app's
# status-transition notices). The hourly fan-out emails each new one once:
# `emailed_at` is claimed with a conditional UPDATE before SMTP (a failure
# releases it for the next hour). Only recent rows: history is never mass-mailed.

NOTICE_MAX_AGE = timedelta(days=2)


def notices_to_email(association: Association) -> list[int]:
    since = timezone.now() - NOTICE_MAX_AGE
    return list(
        Notification.objects.for_association(association)
        .filter(emailed_at__isnull=True, created_at__gte=since)
        .values_list("pk", flat=True)
    )


def send_notice_email(notification_id: int) -> str:
    with scopes_disabled():
        notice = (
            Notification.objects.select_related("association", "user")
            .filter(pk=notification_id)
            .first()
        )
    if notice is None:
        return "gone"
    rows = Notification.objects.for_association(notice.association).filter(
        pk=notice.pk, emailed_at__isnull=True
    )
    if rows.update(emailed_at=timezone.now()) != 1:
        return "claimed elsewhere"
    association = notice.association
    context = {
        "association": association,
        "title": notice.title,
        "body": notice.body,
        "url": _absolute(notice.url),
        "site_url": settings.SITE_URL,
        "user": notice.user,
        "has_logo": False,
    }
    subject = " ".join(render_to_string("emails/notice-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject, render_to_string("emails/notice-body.txt", context), to=[notice.user.email]
    )
    message.attach_alternative(render_to_string("emails/notice-body.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        Notification.objects.for_association(association).filter(pk=notice.pk).update(
            emailed_at=None
        )
        raise
    return "sent"


# --- The hourly fan-out ----------------------------------------------------------------


def fan_out(now=None) -> dict[str, str]:
    """Per active association: start today's sweep once its local hour has come.

    A `ReminderSweep` row per association and local date is the claim (inserted
    once; a second fan-out in the same day finds it). A queued sweep that never
    ran (broker down, worker lost) is queued again after a while. Open rows from
    earlier sweeps are re-enqueued as well.
    """
    from . import tasks

    now = now or timezone.now()
    out = {}
    for association in Association.objects.filter(is_active=True).order_by("pk"):
        local = now.astimezone(ZoneInfo(association.time_zone))
        if local.hour < settings.SECOR_REMINDER_LOCAL_HOUR:
            out[association.slug] = "not yet"
            _enqueue_notices(association)
            continue
        with activate(association):
            try:
                with transaction.atomic():
                    run, created = ReminderSweep.objects.get_or_create(
                        association=association, local_date=local.date()
                    )
            except IntegrityError:  # two fan-outs at once: the other one has it
                out[association.slug] = "claimed elsewhere"
                continue
            retry_before = now - timedelta(seconds=settings.SECOR_REMINDER_LEASE_SECONDS)
            requeue = run.status == ReminderSweep.Status.PENDING and (
                created or run.enqueued_at is None or run.enqueued_at < retry_before
            )
            if requeue:
                try:
                    tasks.reminder_sweep.delay(association.pk, local.date().isoformat())
                    ReminderSweep.objects.filter(pk=run.pk).update(enqueued_at=now)
                    out[association.slug] = "sweep queued"
                except Exception as error:
                    logger.warning("broker unavailable, sweep of %s waits: %s", association, error)
                    out[association.slug] = "broker unavailable"
                    continue
            else:
                out[association.slug] = "swept" if run.status == "done" else "sweep queued earlier"
            enqueue_open(association, min_age_seconds=settings.SECOR_REMINDER_REQUEUE_SECONDS)
        _enqueue_notices(association)
    return out


def _enqueue_notices(association) -> None:
    from . import tasks

    with activate(association):
        ids = notices_to_email(association)
    try:
        for pk in ids:
            tasks.send_notice_email.delay(pk)
    except Exception as error:  # the next hour tries again
        logger.warning("broker unavailable, notices wait: %s", error)


def run_sweep_task(association_id: int, local_date_iso: str) -> dict:
    association = Association.objects.get(pk=association_id)
    today = date.fromisoformat(local_date_iso)
    result = sweep(association, today)
    return {"created": result.created, "late": result.late, "enqueued": result.enqueued}


def kind_choices(*, optional_only: bool = False, include_staff: bool = True):
    return [
        (k.code, k.label)
        for k in KINDS.values()
        if (not optional_only or not k.mandatory) and (include_staff or not k.staff_only)
    ]


__all__ = [
    "DueReminder",
    "KINDS",
    "Kind",
    "deadline_range",
    "due_leads",
    "expand",
    "fan_out",
    "leads",
    "register_kind",
    "sweep",
]
