"""Accessible Bootstrap rendering for every Django form in the project.

Django 5.2 lets a renderer choose the BoundField class: ours adds Bootstrap's
classes; the templates give the error list the id Django's aria-describedby
names, so screen readers read the error with the field.
"""

import re
import uuid

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """The browser's date picker (``type="date"``), which sends and reads ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class BootstrapBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        # Django 5.2 itself adds aria-invalid and points aria-describedby at
        # "<id>_helptext" and "<id>_error", the ids forms/field.html uses.
        if self.errors:
            attrs["class"] += " is-invalid"
        return attrs


class Checkboxes(forms.CheckboxSelectMultiple):
    """Bootstrap's form-check markup, in columns: each box beside its own label.

    Django's default template puts the widget's attributes (our form-check-input
    class) on the wrapper too, which floats the wrapper over the fields below and
    makes labels cover other boxes. An empty list says so instead of showing
    nothing.
    """

    template_name = "forms/checkboxes.html"


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField


def posted_id(value) -> int | None:
    """A row id from POST/GET text, or None: "abc", "-1" or 2**63 must be a 404, not a 500."""
    text = str(value or "").strip()
    if text.isdecimal() and text.isascii() and 0 < int(text) < 2**63:
        return int(text)
    return None


def bound_data(request):
    """POST data for a form, else None — a POST with no fields (a confirm button) still binds."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# A create form carries a one-time token (a hidden field): the first POST that
# claims it runs the action; the same POST sent again (a double click, a resend
# after a timeout, the back button) claims nothing, creates nothing, and says so.
ONCE_FIELD = "once_token"
ONCE_SECONDS = 24 * 60 * 60
_ONCE_TOKEN = re.compile(r"[0-9a-f]{32}")
ALREADY_SAVED = (
    "This form was already sent and saved; nothing was added a second time. "
    "Check the list below before entering it again."
)


def add_once_token(form) -> None:
    """Give ``form`` its hidden one-time token (a fresh one on each new page)."""
    if ONCE_FIELD not in form.fields:
        form.fields[ONCE_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64, initial=uuid.uuid4().hex
        )


def _claim_once(request, token: str) -> bool:
    """True the first time this user sends ``token`` (atomic in Redis: cache.add)."""
    if not _ONCE_TOKEN.fullmatch(token or ""):
        return True  # an old page without a token (or a forged one): nothing to compare
    return cache.add(_once_key(request, token), 1, timeout=ONCE_SECONDS)


def _once_key(request, token: str) -> str:
    return f"once:{request.user.pk}:{token}"


def form_submitted(request, form, action, *, success: str = "", once: bool = False) -> bool:
    """Run a service for a valid POSTed form; True when it succeeded.

    ``action(**form.cleaned_data)`` is called; a ``ValidationError`` it raises is
    put on the form (fields and summary) and False is returned, so the view
    re-renders the form. On success the ``success`` message is queued.

    ``once=True`` (create forms) adds the one-time token: a repeated POST returns
    True without calling ``action``, sets ``form.duplicate`` and tells the user
    the form was already saved. Views that read what ``action`` made check
    ``form.duplicate`` first.
    """
    form.duplicate = False
    if once:
        add_once_token(form)
    if request.method != "POST":
        return False
    # Already used: answer before validating, whose uniqueness checks would
    # otherwise complain about the row the first POST created.
    sent = str(form.data.get(form.add_prefix(ONCE_FIELD)) or "") if once else ""
    if _ONCE_TOKEN.fullmatch(sent) and cache.get(_once_key(request, sent)):
        form.duplicate = True
        messages.warning(request, ALREADY_SAVED)
        return True
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    token = data.pop(ONCE_FIELD, "") if once else ""
    if once and not _claim_once(request, token):
        form.duplicate = True
        messages.warning(request, ALREADY_SAVED)
        return True
    try:
        action(**data)
    except ValidationError as error:
        if _ONCE_TOKEN.fullmatch(token or ""):  # nothing saved: the corrected form may be resent
            cache.delete(_once_key(request, token))
        add_service_errors(form, error)
        return False
    if success:
        messages.success(request, success)
    return True


# "Add a row" buttons re-render what was typed, unsaved and unvalidated (no
# error for a row still being filled in), with one blank row more.


def typed_values(form_class, data) -> dict:
    """The raw values a POST holds for ``form_class``'s fields, as a form's initial."""
    return {name: data.get(name) for name in form_class.base_fields if name in data}


def typed_rows(formset_class, data, prefix: str) -> list[dict]:
    """The rows typed into a posted formset, as initial values.

    Rows ticked for deletion and rows left blank are dropped; a forged row
    count is capped at the formset's own maximum.
    """
    total = posted_id(data.get(f"{prefix}-TOTAL_FORMS")) or 0
    total = min(total, formset_class.absolute_max, formset_class.max_num)
    names = [n for n in formset_class.form.base_fields if n != "DELETE"]
    rows = []
    for i in range(total):
        if data.get(f"{prefix}-{i}-DELETE"):
            continue
        values = {n: data.get(f"{prefix}-{i}-{n}", "") for n in names}
        if any(str(v).strip() for v in values.values()):
            rows.append(values)
    return rows


def error_summary(form=None, *formsets) -> list[dict]:
    """Every problem of a form and its formsets, for one summary at the top of a page.

    Each item is ``{"anchor", "label", "message"}``: the anchor is the field's
    id (the summary links to it; the field's own error is tied to it by
    aria-describedby), empty for a problem of the whole form or list.
    """
    problems = []

    def add(bound_form, row=None):
        for error in bound_form.non_field_errors():
            problems.append({"anchor": "", "label": "", "message": error})
        for field in bound_form:
            for error in field.errors:
                label = str(field.label)
                if row is not None:
                    label = _("%(field)s, row %(row)s") % {"field": label, "row": row}
                problems.append({"anchor": field.auto_id, "label": label, "message": error})

    if form is not None and form.is_bound:
        add(form)
    for formset in formsets:
        if not formset.is_bound:
            continue
        for error in formset.non_form_errors():
            problems.append({"anchor": f"{formset.prefix}-rows", "label": "", "message": error})
        for row, row_form in enumerate(formset.forms, 1):
            if formset.can_delete and formset._should_delete_form(row_form):
                continue
            add(row_form, row)
    return problems
