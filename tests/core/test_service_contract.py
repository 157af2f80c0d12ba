"""Every write service keeps one contract (STYLE.md, "Where logic lives").

It takes keyword-only, annotated arguments (no `**fields`), the acting user typed as the user
model, runs in one transaction, and returns what it created or changed (a delete returns
nothing: the row is gone).
"""

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from types import FunctionType, ModuleType, NoneType
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.transaction import Atomic

import feedback.services
import improvement.services

SERVICE_MODULES = [
    "core.services",
    "core.imports.services",
    "core.webhooks.services",
    "core.notifications.services",
    "core.notifications.chat_services",
    "stakeholders.services",
    "journeys.services",
    *(
        f"feedback.services.{module.name}"
        for module in pkgutil.iter_modules(feedback.services.__path__)
    ),
    "metrics.services",
    "metrics.services_alerts",
    *(
        f"improvement.services.{module.name}"
        for module in pkgutil.iter_modules(improvement.services.__path__)
    ),
    "reports.services.scorecards",
]

# Public functions of the services modules that write nothing, with why they live there.
NOT_WRITES = {
    "core.imports.services.import_job_preview": "reads the uploaded file's head for the mapping",
    "core.webhooks.services.new_secret": "makes a random signing secret, pure",
    "feedback.services.complaints.action_event_kind": "maps an action to its timeline kind",
    "feedback.services.mystery_shopping.weighted_score": "the audit score formula, pure",
    "feedback.services.policies.policy_for": "a read (restores a missing default policy)",
    "feedback.services.policies.all_policies": "a read of every severity's policy",
    "feedback.services.policies.frontline_limit": "a read of the frontline limit",
    "feedback.services.surveys.check_score": "checks a score against the scale, pure",
    "feedback.services.pulses.check_pulse_audience": "checks a pulse audience, pure",
    "feedback.services.surveys.invitation_usable": "a read of whether a link still works",
    "feedback.services.surveys.pulse_start": "the first day of the running pulse, pure",
    "feedback.services.surveys.has_answered_pulse": "a read of an employee's participation",
    "metrics.services.observation_checks": "checks a row against the indicator, pure",
    "metrics.services_alerts.subscribers": "a read of whom a subscription reaches",
    "metrics.services_alerts.signal_event": "the data of a webhook event, pure",
    "improvement.services.cycles.require_runner": "refuses anyone who does not run cycles",
    "improvement.services.phases.plan_missing": "a read of what the Plan still lacks",
    "improvement.services.phases.decide_missing": "a read of what a decision still lacks",
    "improvement.services.phases.open_actions": "a read of the cycle's open actions",
    "improvement.services.phases.outcome_words": "the outcome in words, pure",
    "improvement.services.actions.can_update_action": "a read of who may update an action",
}
# Writes whose first argument is positional, and why.
POSITIONAL = {
    "core.notifications.services.notify": (
        "the one way every app tells people something: notify(recipients, *, kind=..., ...)"
    ),
}
# Writes that must not hold one transaction, and why.
NOT_ATOMIC = {
    **{
        f"core.services.totp_device_{action}": (
            "checks the code in django-otp's own transaction first, so that a wrong code's "
            "count (and the wait it brings) is kept when the code is refused"
        )
        for action in ("confirm", "verify", "delete")
    },
    "core.imports.services.import_job_run": (
        "commits batch by batch, so progress shows and valid batches stay; claims the job with a "
        "conditional UPDATE instead"
    ),
    "core.notifications.chat_services.chat_channel_test": (
        "holds no transaction while Slack or Teams answers; the outcome is one UPDATE"
    ),
    "metrics.services_alerts.alert_digests_send": (
        "one transaction per subscription's digest, so that one failing keeps the others"
    ),
    "improvement.services.reminders.reminder_send": (
        "holds no transaction while the mail server answers; claims the digest with a "
        "conditional UPDATE instead"
    ),
    "feedback.services.surveys.invitation_send": (
        "holds no transaction while the mail server answers; claims the invitation with a "
        "conditional UPDATE instead"
    ),
    "feedback.services.survey_reminders.invitation_remind": (
        "holds no transaction while the mail server answers; claims the reminder with a "
        "conditional UPDATE instead"
    ),
    "feedback.services.survey_reminders.invitation_reminders_queue": (
        "one transaction per batch of reminders, so that the outbox relays each as it commits"
    ),
    "feedback.services.complaint_messages.complaint_message_deliver": (
        "holds no transaction while the mail server answers; claims the message with a "
        "conditional UPDATE instead"
    ),
    "feedback.services.pulses.pulses_open": (
        "one transaction per survey's pulse (`pulse_open`), so that a run never holds many "
        "surveys' locks at once"
    ),
    "feedback.services.survey_days.survey_days_refresh_ranges": (
        "one transaction per chunk of days, so that answers wait for one chunk at most"
    ),
    "feedback.services.survey_days.survey_days_rebuild": (
        "one transaction per chunk of days, so that answers wait for one chunk at most"
    ),
}
# Writes that return nothing besides the deletes (`*_delete`), and why.
RETURN_NOTHING = {
    "stakeholders.services.customers_changes_record": "logs a recount, creates no row to return",
    "feedback.services.ideas.idea_unvote": "deletes the vote",
    "metrics.services.limits_remove": "deletes the limit segment",
}
# Parameters naming the person acting or the person acted on: always a user, never `Any`.
PEOPLE = {
    "by",
    "user",
    "actor",
    "logged_by",
    "submitted_by",
    "created_by",
    "given_by",
    "recipient",
    "assignee",
    "author",
    "voter",
    "auditor",
}


def public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Yield ("module.name", function) for each public function defined in a services module."""
    for module_name in SERVICE_MODULES:
        module: ModuleType = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module_name:
                yield f"{module_name}.{name}", function


WRITES = {
    qualified: function for qualified, function in public_functions() if qualified not in NOT_WRITES
}


def writes(*, leaving_out: Iterable[str] = ()) -> list[Any]:
    """Return the writes as test parameters named after them, leaving out the ones given."""
    skipped = set(leaving_out)
    return [
        pytest.param(function, id=qualified)
        for qualified, function in WRITES.items()
        if qualified not in skipped
    ]


def loose_parameters(function: Callable[..., Any]) -> list[str]:
    """Return the parameters that are positional, `*args` or `**kwargs`, or not annotated."""
    return [
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
        or parameter.annotation is inspect.Parameter.empty
    ]


def people_not_typed_as_users(function: Callable[..., Any]) -> dict[str, Any]:
    """Return the parameters naming a person whose type is not the user model (or None)."""
    hints = typing.get_type_hints(inspect.unwrap(function))
    return {
        name: hint
        for name, hint in hints.items()
        if name in PEOPLE and hint not in (User, User | None)
    }


def runs_in_atomic(function: Callable[..., Any]) -> bool:
    """Return whether one of the function's decorators is `transaction.atomic`.

    Used as a decorator, `Atomic` (a ContextDecorator) returns a wrapper whose closure holds it.
    """
    wrapper: Any = function
    while wrapper is not None:
        cells = (wrapper.__closure__ or ()) if isinstance(wrapper, FunctionType) else ()
        if any(isinstance(cell.cell_contents, Atomic) for cell in cells):
            return True
        wrapper = getattr(wrapper, "__wrapped__", None)
    return False


def test_the_services_modules_have_writes_to_check() -> None:
    """The scan finds the services, so a green run means something."""
    assert {
        "feedback.services.complaints.complaint_log",
        "metrics.services.indicator_create",
        "stakeholders.services.partner_update",
        "core.imports.services.import_job_create",
    } <= set(WRITES)


def test_the_checks_catch_a_service_breaking_the_contract() -> None:
    """Positional or untyped arguments, `**fields`, an `Any` user, no transaction: all caught."""

    def loose(indicator, /, *, by: Any, **fields: Any) -> None: ...

    @transaction.atomic
    def strict(*, by: User, assignee: User | None = None) -> None: ...

    @wraps(strict)
    def decorated(*, by: User, assignee: User | None = None) -> None: ...

    assert loose_parameters(loose) == ["indicator", "fields"]
    assert people_not_typed_as_users(loose) == {"by": Any}
    assert not runs_in_atomic(loose)
    assert loose_parameters(strict) == []
    assert people_not_typed_as_users(strict) == {}
    assert runs_in_atomic(strict)
    assert runs_in_atomic(decorated)


@pytest.mark.parametrize("service", writes(leaving_out=POSITIONAL))
def test_service_takes_keyword_only_annotated_arguments(service: Callable[..., Any]) -> None:
    """No positional argument, no `**fields`: each field is a named, typed parameter."""
    assert loose_parameters(service) == []
    assert inspect.signature(service).return_annotation is not inspect.Signature.empty


@pytest.mark.parametrize("service", writes())
def test_service_types_people_as_users(service: Callable[..., Any]) -> None:
    """The acting user (and anyone acted on) is typed as the user model, not `Any`."""
    assert people_not_typed_as_users(service) == {}


@pytest.mark.parametrize("service", writes(leaving_out=NOT_ATOMIC))
def test_service_runs_in_one_transaction(service: Callable[..., Any]) -> None:
    """Decorated with `@transaction.atomic`, unless listed with its reason."""
    assert runs_in_atomic(service)


@pytest.mark.parametrize(
    "service",
    writes(leaving_out=[*RETURN_NOTHING, *(name for name in WRITES if name.endswith("_delete"))]),
)
def test_service_returns_what_it_wrote(service: Callable[..., Any]) -> None:
    """A write returns its object (or objects, or a count); a delete returns nothing."""
    returned = typing.get_type_hints(inspect.unwrap(service))["return"]

    assert returned is not NoneType
