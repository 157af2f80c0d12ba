"""Form plumbing shared by the apps' pages."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst

from .exceptions import ApplicationError


def add_service_errors(form: forms.BaseForm, error: ValidationError | ApplicationError) -> None:
    """Show a service's errors next to the form's fields; the rest at the top, naming the field.

    Services validate whole rows, so an error may concern a model field the form lacks. A form
    whose fields are named differently from the service's maps them in `SERVICE_FIELDS`.
    """
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed: dict[str, str] = getattr(form, "SERVICE_FIELDS", {})
    for name, messages in error.message_dict.items():
        target = renamed.get(name, name)
        if target in form.fields:
            form.add_error(target, messages)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, messages)
        else:
            label = _field_label(form, name)
            form.add_error(None, [f"{label}: {message}" for message in messages])


def _field_label(form: forms.BaseForm, name: str) -> str:
    """Return how a page names a field the form does not show (its model's verbose name)."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        verbose_name = getattr(model._meta.get_field(name), "verbose_name", "") if model else ""
    except FieldDoesNotExist:
        verbose_name = ""
    return capfirst(str(verbose_name or name.replace("_", " ")))
