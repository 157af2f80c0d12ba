"""Fixtures of the feedback tests: complaints and ideas made through their factories."""

from collections.abc import Callable
from typing import Any

import pytest

from feedback.models import Complaint, ImprovementIdea
from journeys.models import Touchpoint
from tests.feedback.factories import ComplaintFactory, IdeaFactory


@pytest.fixture
def log_complaint(
    touchpoint: Touchpoint, make_user: Callable[..., Any]
) -> Callable[..., Complaint]:
    """Return a function logging a frontline complaint at the checkout (override any field)."""

    def log(logged_by: Any = None, **fields: Any) -> Complaint:
        fields.setdefault("description", "The engineer did not turn up in the agreed slot.")
        fields.setdefault("touchpoint", touchpoint)
        return ComplaintFactory.create(logged_by=logged_by or make_user("frontline"), **fields)

    return log


@pytest.fixture
def submit_idea(
    touchpoint: Touchpoint, make_user: Callable[..., Any]
) -> Callable[..., ImprovementIdea]:
    """Return a function submitting a frontline idea for the checkout (override any field)."""

    def submit(submitted_by: Any = None, **fields: Any) -> ImprovementIdea:
        fields.setdefault("title", "Text customers when the engineer is on the way")
        fields.setdefault("problem", "Customers wait at home all morning.")
        fields.setdefault("proposal", "Send an SMS with a 30-minute arrival window.")
        fields.setdefault("touchpoint", touchpoint)
        return IdeaFactory.create(submitted_by=submitted_by or make_user("frontline"), **fields)

    return submit
