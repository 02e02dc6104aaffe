"""Accessible Bootstrap rendering for every Django form in the project.

Django 5.2 lets a renderer choose the BoundField class: ours adds Bootstrap's
classes; the templates give the error list the id Django's aria-describedby
names, so screen readers read the error with the field.
"""

from django import forms
from django.contrib import messages
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


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField


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


def form_submitted(request, form, action, *, success: str = "") -> bool:
    """Run a service for a valid POSTed form; True when it succeeded.

    ``action(**form.cleaned_data)`` is called; a ``ValidationError`` it raises is
    put on the form (fields and summary) and False is returned, so the view
    re-renders the form. On success the ``success`` message is queued.
    """
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    if success:
        messages.success(request, success)
    return True
