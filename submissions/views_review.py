"""The reviewer workspace: queue, workload, one submission (tree, previews, scores, notes,
decision) and the changes since the previous version. Thin: forms in, services out.

Every submission comes through `_submission`, which uses the same visibility
as the queue (`review.visible`): another association's submission, or one
assigned to another reviewer, is a 404; entries are looked up within it.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from audits import selectors as audit_selectors
from audits import services as audit_services
from audits.models import Element, ElementScore
from secor import charts
from secor.dates import association_today
from secor.forms import add_service_errors
from secor.permissions import Action
from secor.tables import paginate, stream_csv
from secor.tenancy import association_view

from . import inspection, review, selectors, services, workflow
from .models import NoteKind, Submission, SubmissionEntry, SubmissionKind, SubmissionStatus
from .ranged import open_stored
from .review_filters import QueueFilter
from .review_forms import (
    AcceptForm,
    AssignForm,
    CorrectionsForm,
    NoteForm,
    RejectForm,
    review_score_form_class,
)
from .review_tables import QueueTable, status_badge

IN_REVIEW = (SubmissionStatus.IN_REVIEW, SubmissionStatus.RESUBMITTED)
PREVIEW_MAX_BYTES = 64 * 1024**2


def _submission(request, submission_id) -> Submission:
    return get_object_or_404(
        review.visible(request.membership).select_related(
            "association", "employer", "program", "audit__tool", "assigned_to", "previous"
        ),
        pk=submission_id,
    )


def _workspace_url(request, submission) -> str:
    from django.urls import reverse

    return reverse(
        "submissions:review",
        kwargs={"association_slug": request.association.slug, "submission_id": submission.pk},
    )


# --- Queue ---------------------------------------------------------------------------------


def _queue_table(request):
    staff = review.staff_members(request.association)
    today = association_today(request.association)
    filterset = QueueFilter(
        request.GET,
        queryset=review.queue(request.membership),
        association=request.association,
        user=request.user,
        staff=staff,
        today=today,
    )
    return filterset, QueueTable(filterset.qs, today=today)


@association_view(action=Action.REVIEW_SUBMISSIONS)
@require_GET
def queue(request):
    """Submissions to review, oldest first; filters; a reviewer sees theirs and unassigned."""
    filterset, table = _queue_table(request)
    paginate(request, table)
    return render(
        request,
        "submissions/review/queue.html",
        {
            "filter": filterset,
            "table": table,
            "export_query": request.GET.urlencode(),
            "sees_all": review.sees_all(request.membership),
        },
    )


@association_view(action=Action.REVIEW_SUBMISSIONS)
@require_GET
def queue_export(request):
    """The filtered queue as CSV, every page, streamed row by row (`secor.tables`)."""
    _, table = _queue_table(request)
    name = f"{slugify(request.association.short_name)}-review-queue.csv"
    return stream_csv(table, name, request=request)


@association_view(action=Action.REVIEW_SUBMISSIONS)
@require_GET
def workload(request):
    """Per reviewer: open, due within 7 days, overdue; and submissions received per month."""
    today = association_today(request.association)
    rows = review.workload(request.association, today=today)
    months = review.received_by_month(request.association, today=today)
    context = {
        "rows": rows,
        "workload_chart": _workload_chart(request, rows),
        "months_chart": _months_chart(request, months),
        "today": today,
        "week_end": today + timedelta(7),
    }
    return render(
        request,
        "submissions/review/workload.html",
        context,
    )


def _assignee_url(request, row) -> str:
    queue = reverse(
        "submissions:review_queue", kwargs={"association_slug": request.association.slug}
    )
    if row.user_id is None:
        who = "nobody"
    else:
        who = "me" if row.user_id == request.user.pk else str(row.user_id)
    return f"{queue}?status=open&assignee={who}"


def _workload_chart(request, rows) -> charts.Chart:
    """Open submissions per reviewer: overdue, due within 7 days, later — stacked rows."""
    urls = [_assignee_url(request, r) for r in rows]
    headers = (_("Reviewer"), _("Open"), _("Due within 7 days"), _("Overdue"))
    return charts.bar_chart(
        id="workload-chart",
        title=_("Open submissions per reviewer"),
        summary=_("One bar per reviewer: overdue, due within 7 days and later, end to end."),
        categories=[r.label for r in rows],
        series=[
            charts.Series(
                "overdue", _("Overdue"), tuple(r.overdue for r in rows), "series-overdue"
            ),
            charts.Series(
                "week", _("Due within 7 days"), tuple(r.due_this_week for r in rows), "series-week"
            ),
            charts.Series("later", _("Later"), tuple(r.later for r in rows), "series-later"),
        ],
        urls=urls,
        horizontal=True,
        table=charts.Table(
            _("Open submissions per reviewer"),
            headers,
            tuple(
                (
                    charts.Cell(r.label, url),
                    charts.Cell(str(r.open), numeric=True),
                    charts.Cell(str(r.due_this_week), numeric=True),
                    charts.Cell(str(r.overdue), numeric=True, strong=bool(r.overdue)),
                )
                for r, url in zip(rows, urls, strict=True)
            ),
        ),
        show_title=False,
    )


def _months_chart(request, months) -> charts.Chart:
    """Versions received per month (the October–February surge)."""
    return charts.bar_chart(
        id="months-chart",
        title=_("Versions received per month"),
        summary=_("One column per month, the last twelve months."),
        categories=[date_format(m, "F Y") for m, _n in months],
        series=[charts.Series("received", _("Received"), tuple(n for _m, n in months))],
        axis_labels=[date_format(m, "M") for m, _n in months],
        category_header=_("Month"),
        show_title=False,
    )


# --- The workspace ---------------------------------------------------------------------------


def _elements(submission):
    tool = submission.audit.tool if submission.audit_id else selectors.tool_for(submission)
    return [] if tool is None else list(Element.objects.filter(tool=tool))


class _Forms:
    """The workspace's forms, bound only for the one that was posted."""

    def __init__(self, request, submission, elements, today):
        posted = request.POST.get("action") if request.method == "POST" else None
        self.posted = posted

        def data(name):
            return request.POST if posted == name else None

        rule = selectors.rule_for(submission.program, submission.kind)
        days = rule.corrections_days if rule else 15
        staff = review.staff_members(request.association)
        self.staff = staff
        self.assign = AssignForm(
            data("assign"),
            staff=staff,
            prefix="assign",
            initial={"assignee": submission.assigned_to_id},
        )
        self.note = NoteForm(data("note"), elements=elements, prefix="note")
        self.corrections = CorrectionsForm(
            data("corrections"), default_due=today + timedelta(days=days), days=days, prefix="corr"
        )
        self.accept = AcceptForm(data("accept"), prefix="accept")
        self.reject = RejectForm(data("reject"), prefix="reject")
        self.scores = None
        if submission.audit_id is not None and elements:
            saved = {
                s.element.number: s
                for s in ElementScore.objects.filter(audit=submission.audit).select_related(
                    "element"
                )
            }
            initial = {}
            for number, s in saved.items():
                initial[f"element_{number}"] = s.points
                initial[f"comment_{number}"] = s.comment
            self.saved_scores = saved
            self.scores = review_score_form_class(elements)(data("scores"), initial=initial)


def _run(request, form, action) -> bool:
    if not form.is_valid():
        return False
    try:
        action(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def _handle_post(request, submission, forms, elements) -> str | None:
    """Run the posted action; the success message, or None when a form has errors."""
    user = request.user
    action = forms.posted
    if action == "start":
        try:
            services.submission_start_review(submission=submission, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return ""
        return _("Review started: the submission is assigned to you.")
    if action == "take":
        try:
            services.submission_assign(submission=submission, assignee=user, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return ""
        return _("The submission is assigned to you.")
    if action == "assign":
        ok = _run(
            request,
            forms.assign,
            lambda assignee, note: services.submission_assign(
                submission=submission, assignee=assignee, actor=user, note=note
            ),
        )
        return _("Assignment saved.") if ok else None
    if action == "note":
        ok = _run(
            request,
            forms.note,
            lambda kind, element_number, text: services.note_add(
                submission=submission,
                actor=user,
                kind=kind,
                text=text,
                element_number=element_number,
            ),
        )
        return _("Note added.") if ok else None
    if action == "scores" and forms.scores is not None:

        def save(**data):
            points = {e.number: data.get(f"element_{e.number}") for e in elements}
            comments = {e.number: data.get(f"comment_{e.number}") or "" for e in elements}
            services.scores_save_for_review(
                submission=submission, points=points, comments=comments, actor=user
            )

        return _("Scores saved.") if _run(request, forms.scores, save) else None
    if action == "corrections":
        ok = _run(
            request,
            forms.corrections,
            lambda due_on, note: services.submission_request_corrections(
                submission=submission, actor=user, due_on=due_on, note=note
            ),
        )
        return _("Sent back to the employer for corrections.") if ok else None
    if action == "accept":
        ok = _run(
            request,
            forms.accept,
            lambda note: services.submission_accept(submission=submission, actor=user, note=note),
        )
        return _("Accepted.") if ok else None
    if action == "reject":
        ok = _run(
            request,
            forms.reject,
            lambda reason, note: services.submission_reject(
                submission=submission, actor=user, reason=reason, note=note
            ),
        )
        return _("Rejected.") if ok else None
    raise Http404("Unknown action.")


@association_view(action=Action.REVIEW_SUBMISSIONS)
@require_http_methods(["GET", "POST"])
def workspace(request, submission_id):
    """One submission: files by element, previews, scores, notes, decision, timeline."""
    submission = _submission(request, submission_id)
    today = association_today(request.association)
    elements = _elements(submission)
    forms = _Forms(request, submission, elements, today)
    if request.method == "POST":
        done = _handle_post(request, submission, forms, elements)
        if done is not None:
            if done:
                messages.success(request, done)
            return redirect(_workspace_url(request, submission))
    return render(
        request,
        "submissions/review/workspace.html",
        _workspace_context(request, submission, elements, forms, today),
    )


def _workspace_context(request, submission, elements, forms, today):
    membership = request.membership
    status = submission.status
    names = {e.number: e.name for e in elements}
    notes = selectors.notes_for(submission)
    tree = review.tree(submission, element_names=names)
    notes_by_element: dict = {}
    for note in notes:
        notes_by_element.setdefault(note.element_number, []).append(note)
    selected = None
    entry_id = request.GET.get("entry", "")
    if entry_id.isdigit():
        selected = next(
            (f for group in tree for f in group.files if f.entry.pk == int(entry_id)), None
        )
    mine = submission.assigned_to_id == request.user.pk
    admin = review.sees_all(membership)
    in_review = status in IN_REVIEW
    score_result = None
    if forms.scores is not None:
        source = request.POST if forms.posted == "scores" else forms.scores.initial
        points = {e.number: source.get(f"element_{e.number}") for e in elements}
        score_result = audit_services.score_preview(audit=submission.audit, points=points)
    audit = submission.audit
    decided = status in (SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED)
    versions = review.versions_of(submission)
    return {
        "submission": submission,
        "status_badge": status_badge(submission),
        "status_words": workflow.describe(status),
        "elements": elements,
        "tree": tree,
        "files": sum(len(g.files) for g in tree),
        "selected": selected,
        "notes": notes,
        "notes_by_element": notes_by_element,
        "open_actionable": sum(
            1 for n in notes if n.kind == NoteKind.ACTIONABLE and n.answered_at is None
        ),
        "timeline": review.timeline_across_versions(submission, versions),
        "versions": versions,
        "forms": forms,
        "score_fields": [
            (e, forms.scores[f"element_{e.number}"], forms.scores[f"comment_{e.number}"])
            for e in elements
        ]
        if forms.scores is not None
        else [],
        "score_result": score_result,
        "marks": audit_selectors.audit_pass_marks(audit) if audit is not None else None,
        "can_start": status in (SubmissionStatus.AWAITING_REVIEW, SubmissionStatus.RESUBMITTED),
        "can_take": submission.assigned_to_id is None and status not in workflow.FINAL,
        "can_assign": admin and status not in workflow.FINAL,
        "in_review": in_review,
        "can_score": in_review and forms.scores is not None and audit.is_open,
        "mine": mine,
        "admin": admin,
        "decided": decided,
        "audit": audit,
        "is_audit_kind": submission.kind in SubmissionKind.audit_kinds(),
        "today": today,
    }


def _get_only(request):
    """After the look-up (another tenant's id is a 404 whatever the method): GET only."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return None


@association_view(action=Action.REVIEW_SUBMISSIONS)
def changes(request, submission_id):
    """What changed since the previous version, by element; which notes were answered."""
    submission = _submission(request, submission_id)
    if refused := _get_only(request):
        return refused
    found = review.changes_since_previous(submission)
    if found is None:
        raise Http404("This is the first version.")
    elements = _elements(submission)
    names = {e.number: e.name for e in elements}
    answered = set(found.answers.answered)
    return render(
        request,
        "submissions/review/changes.html",
        {
            "submission": submission,
            "changes": found,
            "groups": [
                {
                    "number": g.element_number,
                    "name": names.get(g.element_number, "") if g.element_number else "",
                    "changes": g.changes,
                }
                for g in found.diff.elements
            ],
            "notes": [
                {"note": n, "answered": n.pk in answered}
                for n in found.notes
                if n.kind == NoteKind.ACTIONABLE
            ],
            "info_notes": [n for n in found.notes if n.kind != NoteKind.ACTIONABLE],
        },
    )


# --- One file out of the zip -----------------------------------------------------------------


def _manifest_entry(entry: SubmissionEntry) -> inspection.ManifestEntry:
    return inspection.ManifestEntry(
        path=entry.path,
        original_name=entry.original_name,
        size=entry.size,
        compressed_size=entry.compressed_size,
        crc=entry.crc,
        header_offset=entry.header_offset,
        element_number=entry.element_number,
        is_dir=entry.is_dir,
    )


def _entry(request, submission_id, entry_id) -> tuple[Submission, SubmissionEntry]:
    submission = _submission(request, submission_id)
    if not submission.file:
        raise Http404("This submission is a download link.")
    entry = get_object_or_404(
        SubmissionEntry.objects.filter(submission=submission, is_dir=False), pk=entry_id
    )
    return submission, entry


def _refused(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stream(submission, entry, *, content_type: str, inline: bool, max_bytes: int, check=None):
    """Stream one entry's bytes out of the stored zip; nothing else is unpacked."""
    try:
        fileobj = open_stored(submission.file)
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    chunks = inspection.iter_entry(fileobj, _manifest_entry(entry), max_bytes=max_bytes)
    try:
        first = next(chunks, b"")
    except inspection.EntryReadError as error:
        fileobj.close()
        return _refused(error.message, 409 if error.code != "too_large" else 413)
    if check is not None and not check(first):
        fileobj.close()
        return _refused(
            _("“%(name)s” is not what its name says; download it to look at it.")
            % {"name": entry.path},
            415,
        )

    def body():
        try:
            yield first
            yield from chunks
        except inspection.EntryReadError:
            # The headers are gone: stop short; the browser shows an incomplete file.
            return
        finally:
            fileobj.close()

    response = StreamingHttpResponse(body(), content_type=content_type)
    name = entry.path.rsplit("/", 1)[-1]
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["Content-Length"] = str(entry.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@association_view(action=Action.REVIEW_SUBMISSIONS)
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})
def entry_preview(request, submission_id, entry_id):
    """A PDF, image or text entry, inline, for the workspace's preview frame."""
    submission, entry = _entry(request, submission_id, entry_id)
    if refused := _get_only(request):
        return refused
    content_type = review.preview_type(entry.path)
    if content_type is None:
        raise Http404("This file cannot be previewed; download it.")
    max_bytes = getattr(settings, "SUBMISSIONS_PREVIEW_MAX_BYTES", PREVIEW_MAX_BYTES)
    return _stream(
        submission,
        entry,
        content_type=content_type,
        inline=True,
        max_bytes=max_bytes,
        check=lambda head: review.content_matches(content_type, head),
    )


@association_view(action=Action.REVIEW_SUBMISSIONS)
def entry_download(request, submission_id, entry_id):
    """One file of the zip as a download (its recorded size is the limit)."""
    submission, entry = _entry(request, submission_id, entry_id)
    if refused := _get_only(request):
        return refused
    return _stream(
        submission,
        entry,
        content_type=review.download_type(entry.path),
        inline=False,
        max_bytes=max(entry.size, 1),
    )
