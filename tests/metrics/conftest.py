"""Fixtures of the metrics tests."""

from collections.abc import Callable
from datetime import date

import pytest


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Return a function moving the organisation's local date, which decides what is complete."""

    def move(day: date) -> None:
        monkeypatch.setattr("metrics.periods.local_today", lambda: day)

    return move
