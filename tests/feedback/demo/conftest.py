"""The feedback demo, loaded once for every module of this folder and rolled back after them.

The folder's modules run one after another on one worker (see `pytest_xdist_make_scheduler` in
tests/conftest.py), so the load (the longest step of these tests) happens once.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from core import demo as core_demo
from feedback import demo
from journeys import demo as journeys_demo
from stakeholders import demo as stakeholders_demo
from tests.conftest import check_deferred_constraints_once
from tests.feedback.demo import SEED


@pytest.fixture(scope="package")
def counts(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Load the feedback demo (and the layers below it) once, and roll it back afterwards.

    Each test runs in a savepoint inside this transaction, so what a test changes is undone too.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        for module in (core_demo, stakeholders_demo, journeys_demo):
            module.load(seed=SEED)
        loaded = demo.load(seed=SEED)
        check_deferred_constraints_once()
        yield loaded
        transaction.set_rollback(True)
