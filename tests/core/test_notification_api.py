"""The notification API: a person's own notifications, marking them read, the unread count."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from core.models import Notification
from core.notifications.services import notify

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def tell(person: Any, count: int = 1) -> list[Notification]:
    """Give the person `count` notifications (not e-mailed)."""
    written = []
    for number in range(count):
        written += notify(
            [person],
            kind=Notification.Kind.REMINDER,
            title=f"Reminder {number}",
            body="An action is due.",
            link="/improvement/",
            email=False,
        )
    return written


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_shows_only_ones_own_newest_first(make_user) -> None:
    ana = make_user("frontline")
    tell(ana, 2)
    tell(make_user("frontline"))

    response = api_as(ana).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["title"] for row in body["results"]] == ["Reminder 1", "Reminder 0"]
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
    }


def test_the_list_filters_the_unread_ones(make_user) -> None:
    ana = make_user("frontline")
    first, _second = tell(ana, 2)
    api_as(ana).post(f"{URL}{first.pk}/read/")

    response = api_as(ana).get(URL, {"unread": "true"})

    assert [row["title"] for row in response.json()["results"]] == ["Reminder 1"]


def test_marking_one_read_answers_it_read(make_user) -> None:
    ana = make_user("frontline")
    (row,) = tell(ana)

    response = api_as(ana).post(f"{URL}{row.pk}/read/")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None


def test_read_all_answers_how_many_were_unread(make_user) -> None:
    ana = make_user("frontline")
    tell(ana, 3)
    client = api_as(ana)

    first = client.post(f"{URL}read-all/")
    second = client.post(f"{URL}read-all/")

    assert first.json() == {"count": 3}
    assert second.json() == {"count": 0}
    assert client.get(f"{URL}unread-count/").json() == {"count": 0}


def test_the_unread_count(make_user) -> None:
    ana = make_user("executive")
    tell(ana, 2)

    assert api_as(ana).get(f"{URL}unread-count/").json() == {"count": 2}


def test_another_persons_notification_is_not_found(make_user) -> None:
    (bens,) = tell(make_user("quality_manager"))

    response = api_as(make_user("frontline")).post(f"{URL}{bens.pk}/read/")

    assert response.status_code == 404
    bens.refresh_from_db()
    assert bens.read_at is None


def test_the_api_asks_for_a_sign_in() -> None:
    assert APIClient().get(URL).status_code in (401, 403)
