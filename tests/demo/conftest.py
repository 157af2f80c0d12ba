"""The whole demo organisation, loaded once for every module of this folder and rolled back.

Loading the demo is the longest step of the suite (about a minute): every check that needs the
whole demo lives in this folder, whose modules run one after another on one worker (see
`pytest_xdist_make_scheduler` in tests/conftest.py).
"""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from tests.conftest import FAST_HASHERS, check_deferred_constraints_once


@pytest.fixture(scope="package")
def demo_organisation(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Load the whole demo once for this folder, yield what it printed, and roll it back.

    Each test runs in a savepoint inside this transaction, so what a test changes is undone too.
    The demo's recompute queues its tasks on commit: they run here when the captured callbacks
    are executed, as they would after a real commit.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo refuses to run with DEBUG off; passwords use the tests' fast hasher.
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
            printed = io.StringIO()
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("demo", stdout=printed)
        check_deferred_constraints_once()
        yield printed.getvalue()
        transaction.set_rollback(True)
