"""The one way a business error reaches the user: `service_errors` on pages, the handler in the API.

A page runs its service call inside `service_errors`; what the service refuses is shown on the
form or as a message, and the page goes on. An API view lets the error propagate; the project's
exception handler answers it.
"""

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from core.api import exception_handler
from core.exceptions import ApplicationError
from core.forms import service_errors


class ChecklistLikeForm(forms.Form):
    """A form with a name and items, like the checklist form."""

    name = forms.CharField(label="Name")
    items = forms.CharField(label="Items")


def bound_form() -> ChecklistLikeForm:
    """Return a valid bound form, as a view has it when it calls the service."""
    form = ChecklistLikeForm({"name": "Till check", "items": "Smile"})
    assert form.is_valid()
    return form


def page_request() -> HttpRequest:
    """Return a request that can carry messages to the next page."""
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def shown_messages(request: HttpRequest) -> list[tuple[str, str]]:
    """Return the messages the next page shows, as (level, text)."""
    return [(message.level_tag, message.message) for message in get_messages(request)]


def service_refusing(error: Exception) -> Any:
    """Stand in for a service call that raises `error`."""
    raise error


# Pages: errors on the form ----------------------------------------------------------------------


def test_a_field_error_is_shown_next_to_its_field() -> None:
    form = bound_form()

    with service_errors(form) as call:
        service_refusing(ValidationError({"name": "A checklist with this name exists."}))

    assert not call.ok
    assert not call.refused
    assert form.errors == {"name": ["A checklist with this name exists."]}


def test_a_refusal_is_shown_at_the_top_of_the_form() -> None:
    form = bound_form()

    with service_errors(form) as call:
        service_refusing(ApplicationError("This checklist is no longer in use."))

    assert (call.ok, call.refused) == (False, True)
    assert form.non_field_errors() == ["This checklist is no longer in use."]
    assert list(form.errors) == ["__all__"]


def test_a_refusal_about_one_field_is_shown_next_to_it() -> None:
    form = bound_form()

    with service_errors(form, refusal_field="items") as call:
        service_refusing(ApplicationError("Audits used these items: they can no longer change."))

    assert call.refused
    assert form.errors == {"items": ["Audits used these items: they can no longer change."]}


def test_a_call_that_succeeds_leaves_the_form_alone_and_keeps_its_result() -> None:
    form = bound_form()

    with service_errors(form) as call:
        result = "saved"

    assert (call.ok, call.refused, call.message) == (True, False, "")
    assert result == "saved"
    assert form.errors == {}


# Pages: errors as messages ----------------------------------------------------------------------


def test_with_a_request_a_refusal_becomes_an_error_message_and_the_form_stays_clean() -> None:
    form = bound_form()
    request = page_request()

    with service_errors(form, request=request) as call:
        service_refusing(ApplicationError("CMP-2026-000001 is closed."))

    assert call.refused
    assert shown_messages(request) == [("error", "CMP-2026-000001 is closed.")]
    assert form.errors == {}


def test_with_a_request_a_field_error_still_goes_next_to_its_field() -> None:
    form = bound_form()
    request = page_request()

    with service_errors(form, request=request) as call:
        service_refusing(ValidationError({"items": "Write at least one item."}))

    assert not call.ok
    assert not call.refused
    assert form.errors == {"items": ["Write at least one item."]}
    assert shown_messages(request) == []


def test_without_a_form_every_error_becomes_one_message() -> None:
    request = page_request()

    with service_errors(request=request) as call:
        service_refusing(ValidationError({"assignee": "Not active.", "complaints": "Too many."}))

    assert not call.ok
    assert shown_messages(request) == [("error", "Not active. Too many.")]


def test_with_neither_form_nor_request_the_error_is_only_kept_for_the_view() -> None:
    with service_errors() as call:
        service_refusing(ApplicationError("You cannot support your own idea."))

    assert (call.ok, call.refused, call.message) == (
        False,
        True,
        "You cannot support your own idea.",
    )


# Pages: what passes through ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [PermissionDenied("Only quality managers review ideas."), KeyError("bug")]
)
def test_other_errors_pass_through_so_403_and_500_pages_stay_as_they_are(
    error: Exception,
) -> None:
    form = bound_form()
    request = page_request()

    with pytest.raises(type(error)), service_errors(form, request=request):
        raise error

    assert form.errors == {}
    assert shown_messages(request) == []


# API --------------------------------------------------------------------------------------------


def answer(error: Exception) -> tuple[int, Any]:
    """Return the status and body the API's exception handler gives the error."""
    response = exception_handler(error, {"request": APIRequestFactory().post("/")})
    assert response is not None
    return response.status_code, response.data


def test_api_answers_a_refusal_with_400_its_message_and_extra() -> None:
    assert answer(ApplicationError("Say why.", extra={"status": "closed"})) == (
        400,
        {"detail": "Say why.", "extra": {"status": "closed"}},
    )


def test_api_answers_a_field_error_with_400_keyed_by_field() -> None:
    assert answer(ValidationError({"reason": "Say why, so the submitter learns from it."})) == (
        400,
        {"reason": ["Say why, so the submitter learns from it."]},
    )


def test_api_answers_an_error_without_field_with_400_and_detail() -> None:
    assert answer(ValidationError("Not today.")) == (400, {"detail": ["Not today."]})


def test_api_answers_permission_denied_with_403_and_its_message() -> None:
    assert answer(PermissionDenied("Only quality managers review ideas.")) == (
        403,
        {"detail": "Only quality managers review ideas."},
    )
