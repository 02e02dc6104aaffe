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
