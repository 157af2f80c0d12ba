"""Concurrent writers on the real PostgreSQL: references stay unique, retries stay single.

Each thread has its own database connection, as two gunicorn workers would.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Complaint
from tests.feedback.factories import ComplaintFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WRITERS = 6


def run_together(work: Callable[[int], Any]) -> list[Any]:
    """Run `work(number)` in WRITERS threads released at the same moment; return the results."""
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS
    errors: list[Exception] = []

    def run(number: int) -> None:
        try:
            barrier.wait()
            results[number] = work(number)
        except Exception as error:  # noqa: BLE001 - handed to the test thread and asserted on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_complaints_logged_at_the_same_moment_get_distinct_consecutive_references(
    require_postgres_and_redis, make_user
) -> None:
    staff = [make_user("frontline") for _ in range(WRITERS)]
    earlier = ComplaintFactory.create()

    complaints = run_together(
        lambda number: services.complaint_log(
            logged_by=staff[number], description=f"Customer {number} waited on hold"
        )
    )

    numbers = sorted(int(complaint.reference.rsplit("-", 1)[1]) for complaint in complaints)
    first = int(earlier.reference.rsplit("-", 1)[1])
    assert numbers == list(range(first + 1, first + 1 + WRITERS))


def test_simultaneous_retries_with_one_idempotency_key_log_one_complaint(
    require_postgres_and_redis, make_user
) -> None:
    integration = make_user("frontline")
    body = {"description": "Helpdesk ticket 4711: invoice charged twice", "severity": 2}

    def post(number: int) -> tuple[int, str]:
        client = APIClient()
        client.force_authenticate(integration)
        response = client.post(
            "/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="ticket-4711"
        )
        return response.status_code, response.json().get("reference", "")

    answers = run_together(post)

    assert {status for status, _reference in answers} == {201}
    assert len({reference for _status, reference in answers}) == 1
    assert Complaint.objects.filter(logged_by=integration).count() == 1
