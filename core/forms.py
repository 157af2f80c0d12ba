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
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from .exceptions import ApplicationError
from .validation import validate_date_in_range


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


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A model choice field's choices, read in one plain query and kept for the form.

    Django's iterator reads them with `QuerySet.iterator()`, which on PostgreSQL opens a
    server-side cursor (DECLARE, FETCH, CLOSE: three round trips, about 1 ms on the complaint
    queue) for lists of a few dozen rows, and reads them again on every pass.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for instance in self.queryset:  # the form's own copy of the queryset: read once
            yield self.choice(instance)

    def __len__(self) -> int:
        return len(self.queryset) + (self.field.empty_label is not None)  # no COUNT query


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model choice field for short lists (journeys, touchpoints): see its iterator."""

    iterator = ListedModelChoiceIterator


class AuthenticatorCodeForm(forms.Form):
    """The code an authenticator app shows now (setting up, or the second sign-in step)."""

    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class DateRangeFilterForm(forms.Form):
    """A page's filters from its query string, with a range of days: small controls, each refused
    field marked next to its message (for screen readers too), the end not before the start."""

    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-control" if name.startswith("date_") else "form-select"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"error_{name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                gettext_lazy("The end comes on or after the start (%(start)s).")
                % {"start": formats.date_format(start, "DATE_FORMAT")},
            )
        return data
