"""Public pages, no sign-in: certificate verification and the registries.

URLs (``audits/public_urls.py``, mounted at ``/verify/``):

* ``/verify/`` — a form: association + certificate number, or drop a PDF.
* ``/verify/<association_slug>/<number>/`` — what the QR code on a certificate
  points at. A plain path (not a signed token): the number is printed on the
  certificate anyway, and a path keeps the QR code small and readable.
* ``/verify/file/`` — POST a certificate PDF (5 MB cap).
* ``/verify/<association_slug>/registry/`` (+ ``registry.csv``) — employers
  certified today, for associations that opted in.

Every request counts against the client's rate limit. Look-ups run inside the
looked-up association's scope only (``audits.verification``).
"""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secor.dates import association_today
from secor.models import Association
from secor.tables import CHUNK as CSV_CHUNK
from secor.tables import stream_csv
from secor.tenancy import activate
from secor.uploads import limit_upload_size

from . import verification

FILE_MAX_BYTES = 5 * 1024 * 1024
REGISTRY_PAGE = 50


def _refusal(request, limit) -> HttpResponse | None:
    """The clear 429 page once a client is over its window, else None."""
    if limit.allowed:
        return None
    response = render(
        request,
        "audits/verify/rate_limited.html",
        {"retry_after": limit.retry_after_seconds},
        status=429,
    )
    response["Retry-After"] = str(limit.retry_after_seconds)
    return response


def rate_limited(view):
    """Count the request against the client's window; answer 429 once it is over."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refused = _refusal(request, verification.hit(request))
        return refused if refused is not None else view(request, *args, **kwargs)

    return wrapper


class NumberForm(forms.Form):
    association = forms.ChoiceField(label=_("Association"))
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=80,
        help_text=_("As printed on the certificate, e.g. SCSA-SECOR-2026-00042."),
    )

    def __init__(self, *args, associations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [("", _("Choose…"))] + [
            (a.slug, a.name) for a in associations
        ]


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The PDF file of a certificate, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


def _associations():
    return (
        Association.objects.filter(is_active=True)
        .only("slug", "name", "public_registry")
        .order_by("name")
    )


@rate_limited
def verify_home(request):
    associations = list(_associations())
    form = NumberForm(request.GET or None, associations=associations)
    if request.GET and form.is_valid():
        return redirect(
            "verify_certificate",
            association_slug=form.cleaned_data["association"],
            number=form.cleaned_data["number"].strip(),
        )
    return render(
        request,
        "audits/verify/home.html",
        {"form": form, "file_form": FileForm(), "registries": associations},
    )


@transaction.non_atomic_requests  # reads only: no transaction to open and commit
def verify_certificate(request, association_slug: str, number: str):
    # A visitor who is not signed in and has no message waiting sees what every
    # such visitor sees: that rendering is kept (`verification.cached_page`), and
    # read in the rate limit's round trip (counted like every public request).
    shared = not request.user.is_authenticated and not len(get_messages(request))
    key = verification.page_key(association_slug, number) if shared else ""
    limit = verification.hit(request, read=verification.page_entries(key) if shared else ())
    refused = _refusal(request, limit)
    if refused is not None:
        return refused
    if shared:
        html, generation = verification.cached_page(key, limit.read)
        if html is not None:
            return HttpResponse(html)
    association = verification.active_association(association_slug)
    certificate = verification.find_certificate(association, number) if association else None
    context = {"number": number, "association": association, "certificate": certificate}
    if not shared:
        return render(
            request, "audits/verify/result.html", context, status=200 if certificate else 404
        )
    # No form and no htmx request on this page: the copy everyone shares carries no
    # CSRF token (nor sets its cookie); signing in or the file form get their own.
    context["csrf_token"] = ""
    html = render_to_string("audits/verify/result.html", context, request=request)
    if certificate is not None:  # an unknown number is looked up each time: nothing to forget
        verification.keep_page(key, generation, html, certificate, association.time_zone)
    return HttpResponse(html, status=200 if certificate else 404)


@rate_limited
@limit_upload_size(FILE_MAX_BYTES)
def verify_file(request):
    if request.method != "POST":
        return redirect("verify_home")
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        associations = list(_associations())
        return render(
            request,
            "audits/verify/home.html",
            {
                "form": NumberForm(associations=associations),
                "file_form": form,
                "registries": associations,
            },
            status=400,
        )
    upload = form.cleaned_data["file"]
    data = upload.read(FILE_MAX_BYTES + 1)
    verdict = verification.check_file(data)
    return render(
        request, "audits/verify/file_result.html", {"verdict": verdict, "name": upload.name}
    )


# --- registry -------------------------------------------------------------------


class RegistryFilter(forms.Form):
    q = forms.CharField(label=_("Employer name"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    wcb = forms.CharField(label=_("WCB account number"), required=False, max_length=40)


def _registry_association(slug: str) -> Association:
    association = Association.objects.filter(
        slug=slug, is_active=True, public_registry=True
    ).first()
    if association is None:
        raise Http404("This association does not publish a registry.")
    return association


def _registry_rows(association: Association, filters: dict):
    """Certificates valid today, with what the registry prints. Call inside the scope."""
    from .models import Certificate

    today = association_today(association)
    rows = (
        Certificate.objects.filter(status="valid", expires_on__gte=today)
        .select_related("employer", "program", "wcb_account")
        .order_by("employer__legal_name", "number")
    )
    if filters.get("q"):
        rows = rows.filter(employer__legal_name__icontains=filters["q"])
    if filters.get("city"):
        rows = rows.filter(employer__city__icontains=filters["city"])
    if filters.get("wcb"):
        rows = rows.filter(Q(wcb_account__account_number__icontains=filters["wcb"].strip()))
    return rows


@rate_limited
def registry(request, association_slug: str):
    association = _registry_association(association_slug)
    form = RegistryFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    with activate(association):
        page = Paginator(_registry_rows(association, filters), REGISTRY_PAGE).get_page(
            request.GET.get("page")
        )
        response = render(
            request,
            "audits/verify/registry.html",
            {
                "association": association,
                "form": form,
                "page": page,
                "query": request.GET.urlencode(),
                "csv_url": reverse(
                    "verify_registry_csv", kwargs={"association_slug": association.slug}
                )
                + (f"?{request.GET.urlencode()}" if request.GET else ""),
            },
        )
    return response


REGISTRY_COLUMNS = [
    "employer",
    "city",
    "wcb_account",
    "program",
    "certificate_number",
    "issued_on",
    "expires_on",
]


@rate_limited
def registry_csv(request, association_slug: str):
    """The whole filtered registry, streamed (`secor.tables.stream_csv`): never held in memory."""
    association = _registry_association(association_slug)
    form = RegistryFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}

    def rows():
        yield REGISTRY_COLUMNS
        for c in _registry_rows(association, filters).iterator(chunk_size=CSV_CHUNK):
            yield [
                c.employer.legal_name,
                c.employer.city,
                c.wcb_account.account_number if c.wcb_account_id else "",
                c.program.kind.upper(),
                c.number,
                c.issued_on.isoformat(),
                c.expires_on.isoformat(),
            ]

    with activate(association):  # the stream re-enters this scope while it is read
        return stream_csv(None, f"{association.slug}-registry.csv", rows=rows())
