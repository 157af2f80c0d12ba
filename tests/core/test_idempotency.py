"""Idempotency keys: a retried API write gets the first answer instead of acting twice."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from core.idempotency import MAX_KEY_LENGTH, idempotent
from core.models import ReferenceSequence
from core.references import next_reference

pytestmark = pytest.mark.django_db


class ReserveView(APIView):
    """Reserve a reference for the posted name: a write whose every run leaves a trace."""

    permission_classes = [IsAuthenticated]

    @idempotent
    def post(self, request: Request) -> Response:
        name = request.data.get("name", "")
        if not name:
            return Response({"name": ["This field is required."]}, status=400)
        return Response({"name": name, "reference": next_reference("TST", year=2026)}, status=201)


def post(user: Any, body: dict[str, Any], key: str = "") -> Any:
    """Send the body to ReserveView as the user, with an Idempotency-Key if given."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    request = APIRequestFactory().post("/reserve/", body, format="json", **headers)
    force_authenticate(request, user=user)
    return ReserveView.as_view()(request)


def reservations() -> int:
    """Return how many times the view acted."""
    sequence = ReferenceSequence.objects.filter(prefix="TST", year=2026).first()
    return sequence.last_number if sequence else 0


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    """Return the API caller."""
    return make_user("quality_manager")


def test_retry_with_the_same_key_gets_the_first_answer_and_acts_once(user: Any) -> None:
    first = post(user, {"name": "Boiler"}, key="retry-1")

    retry = post(user, {"name": "Boiler"}, key="retry-1")

    assert (retry.status_code, retry.data) == (201, first.data)
    assert (first.get("Idempotent-Replayed"), retry.get("Idempotent-Replayed")) == (None, "true")
    assert reservations() == 1


def test_same_key_for_a_different_request_is_refused(user: Any) -> None:
    post(user, {"name": "Boiler"}, key="retry-1")

    other = post(user, {"name": "Heat pump"}, key="retry-1")

    assert other.status_code == 422
    assert "already used for a different request" in other.data["detail"]
    assert reservations() == 1


def test_keys_belong_to_their_caller(user: Any, make_user: Callable[..., Any]) -> None:
    post(user, {"name": "Boiler"}, key="retry-1")

    other_caller = post(make_user("quality_manager"), {"name": "Boiler"}, key="retry-1")

    assert (other_caller.status_code, other_caller.get("Idempotent-Replayed")) == (201, None)
    assert reservations() == 2


def test_requests_without_a_key_act_every_time(user: Any) -> None:
    post(user, {"name": "Boiler"})

    second = post(user, {"name": "Boiler"})

    assert second.data["reference"] == "TST-2026-000002"


def test_a_failed_answer_is_not_kept_so_the_corrected_retry_acts(user: Any) -> None:
    failed = post(user, {}, key="retry-1")

    corrected = post(user, {"name": "Boiler"}, key="retry-1")

    assert (failed.status_code, corrected.status_code) == (400, 201)
    assert reservations() == 1


def test_an_overlong_key_is_refused_before_acting(user: Any) -> None:
    response = post(user, {"name": "Boiler"}, key="k" * (MAX_KEY_LENGTH + 1))

    assert response.status_code == 400
    assert reservations() == 0
