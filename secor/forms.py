"""Accessible Bootstrap rendering for every Django form in the project.

Django 5.2 lets a renderer choose the BoundField class: ours adds Bootstrap's
classes; the templates give the error list the id Django's aria-describedby
names, so screen readers read the error with the field.
"""

from django import forms
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
