"""Form plumbing shared by the apps' pages, and the one way a page shows a service's refusal.

A view runs its service call inside `service_errors` and looks at the outcome; it never catches
`ApplicationError` or `ValidationError` itself (tests/core/test_error_handling.py checks it):

    with service_errors(form) as call:
        journey = services.journey_create(**form.cleaned_data)
    if call.ok:
        return redirect(journey)
    return render(request, "journeys/journey_form.html", {"form": form})
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from .exceptions import ApplicationError


@dataclass
class ServiceCall:
    """What became of a service call run inside `service_errors`."""

    error: ApplicationError | ValidationError | None = None

    @property
    def ok(self) -> bool:
        """Return whether the service did its work (nothing was refused)."""
        return self.error is None

    @property
    def refused(self) -> bool:
        """Return whether a business rule refused the action as a whole (`ApplicationError`)."""
        return isinstance(self.error, ApplicationError)

    @property
    def message(self) -> str:
        """Return the refusal as one sentence for the user ("" when the call succeeded)."""
        if isinstance(self.error, ApplicationError):
            return self.error.message
        if isinstance(self.error, ValidationError):
            return " ".join(self.error.messages)
        return ""


@contextmanager
def service_errors(
    form: forms.BaseForm | None = None,
    *,
    request: HttpRequest | None = None,
    refusal_field: str | None = None,
) -> Iterator[ServiceCall]:
    """Run the block's service call; show what it refuses on the page instead of raising.

    An `ApplicationError` (a rule refused the whole action) becomes an error message when a
    `request` is given (the view then redirects), else an error at the top of the form, or next
    to `refusal_field` when the refusal concerns that field. A `ValidationError` goes next to
    the form's fields (see `add_service_errors`), or becomes an error message when there is no
    form. With neither form nor request the error is only kept on the outcome, for a view that
    answers in its own way (an htmx fragment). Any other exception, `PermissionDenied` included,
    passes through. The service's transaction has already rolled back: nothing is saved.
    """
    call = ServiceCall()
    try:
        yield call
    except (ApplicationError, ValidationError) as error:
        call.error = error
        if isinstance(error, ApplicationError) and request is not None:
            messages.error(request, error.message)
        elif isinstance(error, ApplicationError) and form is not None and refusal_field:
            form.add_error(refusal_field, error.message)
        elif form is not None:
            add_service_errors(form, error)
        elif request is not None:
            messages.error(request, call.message)


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
    for name, texts in error.message_dict.items():
        target = renamed.get(name, name)
        if target in form.fields:
            form.add_error(target, texts)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, texts)
        else:
            label = _field_label(form, name)
            form.add_error(None, [f"{label}: {text}" for text in texts])


def _field_label(form: forms.BaseForm, name: str) -> str:
    """Return how a page names a field the form does not show (its model's verbose name)."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        verbose_name = getattr(model._meta.get_field(name), "verbose_name", "") if model else ""
    except FieldDoesNotExist:
        verbose_name = ""
    return capfirst(str(verbose_name or name.replace("_", " ")))


class AuthenticatorCodeForm(forms.Form):
    """The code an authenticator app shows now (setting up, or the second sign-in step)."""

    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
