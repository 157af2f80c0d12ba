"""The bell and the notification centre: each person sees their own notifications, opens them,
and marks them read."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from core.notifications.services import notify
from tests.core.queries import assert_counted_up_to
from tests.stakeholders.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db

CENTRE = "/notifications/"


def tell(person: Any, count: int = 1, **fields: Any) -> list[Notification]:
    """Give the person `count` notifications (not e-mailed)."""
    fields.setdefault("kind", Notification.Kind.ASSIGNMENT)
    fields.setdefault("link", "/feedback/complaints/")
    written = []
    for number in range(count):
        written += notify(
            [person], title=fields.pop("title", f"Notice {number}"), email=False, **fields
        )
    return written


def sql_of(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_centre_has_its_address() -> None:
    assert reverse("notifications") == CENTRE


def test_the_bell_shows_the_unread_count_with_a_label(make_user) -> None:
    ana = make_user("frontline")
    tell(ana, 3)
    Notification.objects.filter(pk=tell(ana)[0].pk).update(read_at="2026-01-01T00:00:00Z")

    page = signed_in(ana).get(reverse("my-work")).content.decode()

    assert 'data-testid="notification-bell"' in page
    assert 'aria-label="Notifications, 3 unread"' in page
    assert 'data-testid="unread-count">3<' in page
    assert "bi-bell" in page


def test_the_bell_shows_no_badge_when_all_is_read(make_user) -> None:
    ana = make_user("quality_manager")

    page = signed_in(ana).get(reverse("my-work")).content.decode()

    assert 'aria-label="Notifications, 0 unread"' in page
    assert 'data-testid="unread-count"' not in page


def test_partner_contacts_have_no_bell() -> None:
    contact = PartnerContactFactory.create()

    page = signed_in(contact.user).get("/", follow=True).content.decode()

    assert 'data-testid="notification-bell"' not in page


def test_the_bell_counts_in_one_query(make_user) -> None:
    """The unread count is one COUNT, whatever the number of notifications."""
    ana = make_user("frontline")
    client = signed_in(ana)
    url = reverse("my-work")
    client.get(url)  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as none:
        client.get(url)
    tell(ana, 5)

    with CaptureQueriesContext(connection) as five:
        client.get(url)

    counts = [
        query["sql"] for query in five.captured_queries if "core_notification" in query["sql"]
    ]
    assert len(counts) == 1
    assert len(five.captured_queries) == len(none.captured_queries)


def test_the_centre_lists_the_persons_notifications_newest_first(make_user) -> None:
    ana = make_user("frontline")
    ben = make_user("frontline")
    tell(ana, title="Older")
    (newer,) = tell(ana, title="Newer", body="Two complaints wait.")
    tell(ben, title="For Ben only")
    notification_mark_read_directly(newer)

    page = signed_in(ana).get(CENTRE).content.decode()

    assert page.index("Newer") < page.index("Older")
    assert "Two complaints wait." in page
    assert "For Ben only" not in page
    assert page.count("data-unread") == 1
    assert "Assignment" in page
    assert f'href="{reverse("notification-open", args=[newer.pk])}"' in page


def notification_mark_read_directly(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(read_at="2026-01-01T00:00:00Z")


def test_the_centre_filters_the_unread_ones(make_user) -> None:
    ana = make_user("frontline")
    (read,) = tell(ana, title="Seen already")
    tell(ana, title="Still new")
    notification_mark_read_directly(read)

    page = signed_in(ana).get(CENTRE, {"show": "unread"}).content.decode()

    assert "Still new" in page
    assert "Seen already" not in page


def test_the_centre_pages_by_25(make_user) -> None:
    ana = make_user("frontline")
    tell(ana, 30)
    client = signed_in(ana)

    first = client.get(CENTRE).content.decode()
    second = client.get(CENTRE, {"page": 2}).content.decode()

    assert first.count("data-notification=") == 25
    assert second.count("data-notification=") == 5
    assert "Page 1 of 2" in first


def test_the_centre_counts_only_up_to_its_limit(make_user, monkeypatch) -> None:
    """A years-old account's notifications: counted up to a limit, which the centre says."""
    monkeypatch.setattr("core.notifications.views.COUNT_LIMIT", 30)
    ana = make_user("frontline")
    tell(ana, 31)

    assert_counted_up_to(
        signed_in(ana), CENTRE, "core_notification", limit=30, row_marker="data-notification="
    )


def test_the_centre_makes_the_same_queries_for_one_or_many(make_user) -> None:
    ana = make_user("frontline")
    tell(ana)
    client = signed_in(ana)
    client.get(CENTRE)
    with CaptureQueriesContext(connection) as one:
        client.get(CENTRE)
    tell(ana, 20)

    with CaptureQueriesContext(connection) as many:
        page = client.get(CENTRE)

    assert page.content.decode().count("data-notification=") == 21
    assert len(many.captured_queries) == len(one.captured_queries)


def test_marking_one_read_keeps_the_others_unread(make_user) -> None:
    ana = make_user("frontline")
    first, second = tell(ana, 2)

    response = signed_in(ana).post(
        reverse("notification-mark-read", args=[first.pk]), {"next": f"{CENTRE}?show=unread"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{CENTRE}?show=unread"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_all_read_clears_the_bell(make_user) -> None:
    ana = make_user("frontline")
    tell(ana, 3)
    client = signed_in(ana)

    response = client.post(reverse("notifications-mark-all-read"), follow=True)

    page = response.content.decode()
    assert "3 notifications marked as read." in page
    assert 'aria-label="Notifications, 0 unread"' in page
    assert not Notification.objects.filter(recipient=ana, read_at__isnull=True).exists()


def test_the_next_address_never_leaves_the_centre(make_user) -> None:
    ana = make_user("frontline")
    (row,) = tell(ana)

    response = signed_in(ana).post(
        reverse("notification-mark-read", args=[row.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == CENTRE


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(make_user) -> None:
    ana = make_user("frontline")
    (row,) = tell(ana, link="/feedback/complaints/?assignee=me")

    response = signed_in(ana).get(reverse("notification-open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/feedback/complaints/?assignee=me"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize(
    "link", ["https://evil.example/login", "//evil.example/login", "javascript:alert(1)"]
)
def test_opening_refuses_a_link_to_another_site(make_user, link: str) -> None:
    ana = make_user("frontline")
    (row,) = tell(ana, link=link)

    response = signed_in(ana).get(reverse("notification-open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == CENTRE


def test_another_persons_notification_is_not_found(make_user) -> None:
    ana = make_user("frontline")
    (bens,) = tell(make_user("quality_manager"))
    client = signed_in(ana)

    opened = client.get(reverse("notification-open", args=[bens.pk]))
    marked = client.post(reverse("notification-mark-read", args=[bens.pk]))

    assert (opened.status_code, marked.status_code) == (404, 404)
    bens.refresh_from_db()
    assert bens.read_at is None


def test_the_centre_asks_for_a_login(client) -> None:
    response = client.get(CENTRE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_public_page_counts_nothing(make_user) -> None:
    """The public pages show no bell, so a signed-in visitor costs them no count."""
    ana = make_user("frontline")
    tell(ana)
    client = signed_in(ana)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("public-improvement:you-said-we-did"))

    assert response.status_code == 200
    assert not [sql for sql in sql_of(queries) if "core_notification" in sql]
