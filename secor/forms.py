"""Accessible Bootstrap rendering for every Django form in the project.

Django 5.2 lets a renderer choose the BoundField class: ours adds Bootstrap's
classes, ``aria-invalid`` and an ``aria-describedby`` pointing at the field's
error list, so screen readers read the error with the field.
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
        if self.form.is_bound and self.errors:
            attrs["class"] += " is-invalid"
            attrs["aria-invalid"] = "true"
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self.auto_id}_error".strip()
        return attrs


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
