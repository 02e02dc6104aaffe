"""Submissions screens and the tus endpoints. Thin: access checks, forms, services.

One door: every submission comes through `_submissions(request)` (an employer
user sees their employer's only) and every upload through `_get_upload` (only
the person who started it). Another employer's or tenant's id is a 404.
Uploading is for employer users: the upload pages look the audit up among
the member's own employer's, so staff (who have none) get a 404 there too;
employer actions on a submission staff can see answer 403.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit
from employers.models import Enrollment, EnrollmentStatus
from secor.dates import association_today
from secor.forms import add_service_errors, bound_data
from secor.models import Role
from secor.tenancy import association_view

from . import selectors, services, tus, workflow
from .models import (
    NoteKind,
    ReviewNote,
    Submission,
    SubmissionEntry,
    SubmissionKind,
    SubmissionRule,
    SubmissionStatus,
    Upload,
    UploadStatus,
)


def _is_employer(request) -> bool:
    return request.membership.role == Role.EMPLOYER


def _require_employer(request) -> None:
    """Employer actions: staff reach the object (404 first for other tenants), then 403."""
    if not _is_employer(request):
        raise PermissionDenied(_("Only the employer's own users can do this."))


def _submissions(request):
    # The reviewer is shown to staff on the detail page.
    qs = Submission.objects.select_related(
        "employer", "audit", "program", "association", "assigned_to"
    )
    if _is_employer(request):
        qs = qs.filter(employer_id=request.membership.employer_id)
    return qs


def _get_submission(request, submission_id) -> Submission:
    return get_object_or_404(_submissions(request), pk=submission_id)


def _employer_audit(request, audit_id) -> Audit:
    return get_object_or_404(
        Audit.objects.filter(employer_id=request.membership.employer_id).select_related(
            "employer", "enrollment__program", "tool", "association"
        ),
        pk=audit_id,
    )


def _submission_url(request, submission) -> str:
    return reverse(
        "submissions:detail",
        kwargs={"association_slug": request.association.slug, "submission_id": submission.pk},
    )


# --- Upload targets ------------------------------------------------------------------------


def _audit_target(request, audit_id):
    audit = _employer_audit(request, audit_id)
    kind = request.GET.get("kind") or SubmissionKind.EVALUATION
    if kind not in SubmissionKind.audit_kinds():
        raise Http404("Not a kind sent for an audit.")
    return {
        "employer": audit.employer,
        "audit": audit,
        "kind": kind,
        "program": audit.enrollment.program,
    }


def _employer_target(request):
    kind = request.GET.get("kind", "")
    if kind not in SubmissionKind.values or kind in SubmissionKind.audit_kinds():
        raise Http404("Unknown kind.")
    enrollment = (
        Enrollment.objects.filter(
            employer_id=request.membership.employer_id,
            status__in=EnrollmentStatus.open_statuses(),
        )
        .select_related("program", "employer")
        .order_by("-registered_on")
        .first()
    )
    if enrollment is None:
        raise Http404("No open enrollment.")
    return {
        "employer": enrollment.employer,
        "audit": None,
        "kind": kind,
        "program": enrollment.program,
    }


class LinkForm(forms.Form):
    link = forms.URLField(
        label=gettext_lazy("Download link"),
        max_length=1000,
        assume_scheme="https",
        help_text=gettext_lazy(
            "A share link (Dropbox, OneDrive, Google Drive) the reviewer can open. Make sure "
            "it does not need a password."
        ),
    )


def _upload_page(request, target, *, tus_endpoint: str):
    audit = target["audit"]
    rule = selectors.rule_for(target["program"], target["kind"])
    if rule is None or not rule.is_enabled:
        raise Http404("Not submitted online here.")
    today = association_today(request.association)
    deadline = selectors.receipt_deadline(audit) if audit else None
    late = deadline is not None and today > deadline
    latest = selectors.latest_version(employer=target["employer"], audit=audit, kind=target["kind"])
    verdict = workflow.can_upload(latest.status if latest else None)
    link_form = LinkForm(bound_data(request)) if rule.allow_link else None
    if request.method == "POST":
        if link_form is None:
            return HttpResponseNotAllowed(["GET"])
        if link_form.is_valid():
            try:
                submission = services.submission_create_from_link(
                    **target, link=link_form.cleaned_data["link"], actor=request.user
                )
            except ValidationError as error:
                add_service_errors(link_form, error)
            else:
                messages.success(request, _("Your download link was recorded."))
                return redirect(_submission_url(request, submission))
    training = []
    if audit is not None:
        fake = Submission(
            association=request.association,
            employer=target["employer"],
            audit=audit,
            program=target["program"],
            kind=target["kind"],
        )
        training = selectors.training_warnings(fake)
    unfinished = Upload.objects.filter(
        created_by=request.user,
        employer=target["employer"],
        audit=audit,
        kind=target["kind"],
        status=UploadStatus.RECEIVING,
        offset__gt=0,
    ).order_by("-updated_at")[:3]
    return render(
        request,
        "submissions/upload.html",
        {
            **target,
            "kind_label": SubmissionKind(target["kind"]).label,
            "rule": rule,
            "max_size": selectors.human_size(rule.max_bytes),
            "deadline": deadline,
            "late": late,
            "refused_late": late and not rule.accept_late,
            "latest": latest,
            "verdict": verdict,
            "link_form": link_form,
            "training": training,
            "unfinished": unfinished,
            "tus_endpoint": tus_endpoint,
            "chunk_bytes": settings.SUBMISSIONS_UPLOAD_CHUNK_BYTES,
        },
    )


@association_view
def upload_for_audit(request, audit_id):
    """The upload page for an audit's evaluation (or maintenance package)."""
    target = _audit_target(request, audit_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    endpoint = reverse(
        "submissions:tus_create_for_audit",
        kwargs={"association_slug": request.association.slug, "audit_id": audit_id},
    )
    return _upload_page(request, target, tus_endpoint=f"{endpoint}?kind={target['kind']}")


@association_view
def upload_for_employer(request):
    """The upload page for kinds not tied to one audit (manual, proficiency, request forms)."""
    target = _employer_target(request)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    endpoint = reverse(
        "submissions:tus_create", kwargs={"association_slug": request.association.slug}
    )
    return _upload_page(request, target, tus_endpoint=f"{endpoint}?kind={target['kind']}")


# --- tus endpoints ------------------------------------------------------------------------


def _upload_location(request):
    def location(upload):
        return reverse(
            "submissions:tus_upload",
            kwargs={"association_slug": request.association.slug, "upload_id": upload.pk},
        )

    return location


def _tus_create(request, target):
    rule = selectors.rule_for(target["program"], target["kind"])
    if request.method == "OPTIONS":
        return tus.options(rule.max_bytes if rule else 0)
    if request.method != "POST":
        return HttpResponseNotAllowed(["OPTIONS", "POST"])
    return tus.create(request, location=_upload_location(request), **target)


@association_view
def tus_create_for_audit(request, audit_id):
    return _tus_create(request, _audit_target(request, audit_id))


@association_view
def tus_create(request):
    return _tus_create(request, _employer_target(request))


def _get_upload(request, upload_id) -> Upload:
    return get_object_or_404(
        Upload.objects.filter(
            created_by=request.user, employer_id=request.membership.employer_id
        ).select_related("association", "employer", "audit", "program", "submission"),
        pk=upload_id,
    )


@association_view
def tus_upload(request, upload_id):
    """One upload: HEAD (offset), PATCH (append), DELETE (cancel), GET (what became of it)."""
    upload = _get_upload(request, upload_id)
    if request.method == "HEAD":
        return tus.head(upload)
    if request.method == "PATCH":
        return tus.patch(request, upload)
    if request.method == "DELETE":
        return tus.delete(upload)
    if request.method == "OPTIONS":
        return tus.options(upload.length)
    if request.method == "GET":
        return tus.status_json(upload, submission_url=lambda s: _submission_url(request, s))
    return HttpResponseNotAllowed(["GET", "HEAD", "PATCH", "DELETE", "OPTIONS"])


# --- Lists and detail --------------------------------------------------------------------


@association_view
def submission_list(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    rows = _submissions(request).order_by("-received_at")[:200]
    audits, other_kinds = [], []
    if _is_employer(request):
        # Kinds sent for the employer rather than one audit (SCSA's manual, forms…).
        other_kinds = [
            rule
            for rule in SubmissionRule.objects.filter(
                is_enabled=True,
                program__in=Enrollment.objects.filter(
                    employer_id=request.membership.employer_id,
                    status__in=EnrollmentStatus.open_statuses(),
                ).values("program"),
            ).order_by("kind")
            if rule.kind not in SubmissionKind.audit_kinds()
        ]
        audits = list(
            Audit.objects.filter(employer_id=request.membership.employer_id, status__in=["planned"])
            .select_related("enrollment__program")
            .order_by("-data_gathering_start")[:10]
        )
    return render(
        request,
        "submissions/list.html",
        {
            "submissions": rows,
            "audits": audits,
            "other_kinds": other_kinds,
            "is_employer": _is_employer(request),
        },
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=gettext_lazy("Say what you corrected and where it is in the new version."),
    )


def _detail_context(request, submission):
    is_employer = _is_employer(request)
    notes = selectors.notes_for(submission)
    if is_employer and submission.status in (
        SubmissionStatus.IN_REVIEW,
        SubmissionStatus.AWAITING_REVIEW,
        SubmissionStatus.RESUBMITTED,
    ):
        # Notes are the reviewer's drafts until the review is sent back or decided.
        notes = []
    counts = SubmissionEntry.objects.filter(submission=submission).aggregate(
        files=Count("pk", filter=Q(is_dir=False))
    )
    verdict = workflow.can_upload(submission.status)
    newer = Submission.objects.filter(previous=submission).only("pk", "version").first()
    return {
        "submission": submission,
        "timeline": selectors.timeline(submission, for_staff=not is_employer),
        "notes": notes,
        "answer_form": AnswerForm(),
        "is_employer": is_employer,
        "pending": submission.status in workflow.PENDING_INSPECTION,
        "can_withdraw": is_employer
        and workflow.check(submission.status, workflow.Action.WITHDRAW) is None,
        "can_resubmit": is_employer and newer is None and verdict.refusal is None,
        "newer": newer,
        "file_count": counts["files"],
        "errors": submission.errors,
        "other_problems": [p for p in submission.problems if p.get("severity") == "warning"],
        "status_label": workflow.describe(submission.status),
        "NoteKind": NoteKind,
    }


def _resubmit_url(request, submission) -> str:
    if submission.audit_id is not None:
        url = reverse(
            "submissions:upload_for_audit",
            kwargs={"association_slug": request.association.slug, "audit_id": submission.audit_id},
        )
    else:
        url = reverse(
            "submissions:upload_for_employer",
            kwargs={"association_slug": request.association.slug},
        )
    return f"{url}?kind={submission.kind}"


@association_view
def submission_detail(request, submission_id):
    """Status in plain words, the check's result, the timeline, notes to answer."""
    submission = _get_submission(request, submission_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = _detail_context(request, submission)
    context["resubmit_url"] = _resubmit_url(request, submission)
    return render(request, "submissions/detail.html", context)


@association_view
def submission_status(request, submission_id):
    """The status panel alone, polled by the detail page while the check runs."""
    submission = _get_submission(request, submission_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = _detail_context(request, submission)
    context["resubmit_url"] = _resubmit_url(request, submission)
    return render(request, "submissions/_status.html", context)


@association_view
def submission_manifest(request, submission_id):
    """The files in the zip, by element, as the check read them."""
    submission = _get_submission(request, submission_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    entries = SubmissionEntry.objects.filter(submission=submission, is_dir=False).order_by(
        "element_number", "path"
    )
    return render(
        request, "submissions/manifest.html", {"submission": submission, "entries": entries}
    )


@association_view
def submission_withdraw(request, submission_id):
    submission = _get_submission(request, submission_id)
    _require_employer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.submission_withdraw(submission=submission, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The submission was withdrawn."))
    return redirect(_submission_url(request, submission))


def _get_note(request, submission_id, note_id) -> ReviewNote:
    submission = _get_submission(request, submission_id)
    return get_object_or_404(
        ReviewNote.objects.filter(submission=submission).select_related("submission"),
        pk=note_id,
    )


@association_view
def note_answer(request, submission_id, note_id):
    note = _get_note(request, submission_id, note_id)
    _require_employer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.note_answer(note=note, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer was saved."))
            return redirect(_submission_url(request, note.submission) + f"#note-{note.pk}")
    context = _detail_context(request, note.submission)
    context.update(resubmit_url=_resubmit_url(request, note.submission), answer_form=form)
    context["form_note_id"] = note.pk
    return render(request, "submissions/detail.html", context, status=400)


@association_view
def note_acknowledge(request, submission_id, note_id):
    note = _get_note(request, submission_id, note_id)
    _require_employer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.note_acknowledge(note=note, actor=request.user)
    messages.success(request, _("Noted."))
    return redirect(_submission_url(request, note.submission) + f"#note-{note.pk}")
