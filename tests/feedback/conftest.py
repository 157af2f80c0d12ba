"""Fixtures of the feedback tests: complaints and ideas made through the services."""

from collections.abc import Callable
from typing import Any

import pytest

from feedback import services
from feedback.models import Complaint, ImprovementIdea


@pytest.fixture
def log_complaint(world: dict[str, Any], make_user: Callable[..., Any]) -> Callable[..., Complaint]:
    """Return a function logging a complaint at the world's touchpoint (override any field)."""

    def log(logged_by: Any = None, **fields: Any) -> Complaint:
        logged_by = logged_by or make_user("frontline")
        fields.setdefault("description", "The engineer did not turn up in the agreed slot.")
        fields.setdefault("touchpoint", world["touchpoint"])
        return services.complaint_log(logged_by=logged_by, **fields)

    return log


@pytest.fixture
def submit_idea(
    world: dict[str, Any], make_user: Callable[..., Any]
) -> Callable[..., ImprovementIdea]:
    """Return a function submitting an idea for the world's touchpoint (override any field)."""

    def submit(submitted_by: Any = None, **fields: Any) -> ImprovementIdea:
        submitted_by = submitted_by or make_user("frontline")
        fields.setdefault("title", "Text customers when the engineer is on the way")
        fields.setdefault("problem", "Customers wait at home all morning.")
        fields.setdefault("proposal", "Send an SMS with a 30-minute arrival window.")
        fields.setdefault("touchpoint", world["touchpoint"])
        return services.idea_submit(submitted_by=submitted_by, **fields)

    return submit
