"""Insights and themes: tagging services, the searchable page, its export and trend, the API."""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import selectors, services
from feedback.models import Insight, Theme
from feedback.selectors import InsightFilters
from journeys.models import Journey, Touchpoint
from tests.core.queries import assert_counted_up_to
from tests.feedback.factories import ComplaintFactory, InsightFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def quality(make_user: Callable[..., Any]) -> Any:
    return make_user("quality_manager")


@pytest.fixture
def themes(quality: Any) -> dict[str, Theme]:
    return {
        name: services.theme_create(by=quality, name=name)
        for name in ["Delivery delays", "Friendly staff", "Price"]
    }


@pytest.fixture
def note(quality: Any, delivery: Touchpoint) -> Callable[..., Insight]:
    """Return a function adding a staff note at the delivery (override text, touchpoint, when,
    themes)."""

    def add(text: str = "Customer loved the courier.", **fields: Any) -> Insight:
        occurred_at = fields.pop("occurred_at", None)
        fields.setdefault("touchpoint", delivery)
        insight = InsightFactory.create(author=quality, text=text, **fields)
        if occurred_at is not None:
            Insight.objects.filter(pk=insight.pk).update(occurred_at=occurred_at)
            insight.refresh_from_db()
        return insight

    return add


# Services ---------------------------------------------------------------------------------------


def test_quality_manager_tags_an_insight_and_the_list_replaces_the_old_one(
    quality, themes, note
) -> None:
    insight = note(themes=[themes["Price"]])

    services.insight_tag(
        insight=insight, themes=[themes["Delivery delays"], themes["Friendly staff"]], by=quality
    )

    assert set(insight.themes.values_list("name", flat=True)) == {
        "Delivery delays",
        "Friendly staff",
    }


def test_frontline_may_not_tag_or_keep_the_theme_list(make_user, themes, note) -> None:
    frontline = make_user("frontline")
    insight = note()

    with pytest.raises(PermissionDenied):
        services.insight_tag(insight=insight, themes=[themes["Price"]], by=frontline)
    with pytest.raises(PermissionDenied):
        services.theme_create(by=frontline, name="Rude driver")
    with pytest.raises(PermissionDenied):
        services.insight_note(author=frontline, text="Said hi", themes=[themes["Price"]])

    assert not insight.themes.exists()


def test_frontline_adds_a_note_without_themes(make_user, delivery: Touchpoint) -> None:
    frontline = make_user("frontline")

    insight = services.insight_note(
        author=frontline, text="  Wanted a later slot.  ", touchpoint=delivery
    )

    assert insight.source == Insight.Source.NOTE
    assert insight.text == "Wanted a later slot."
    assert insight.author == frontline


def test_executive_may_not_add_notes(make_user) -> None:
    with pytest.raises(PermissionDenied):
        services.insight_note(author=make_user("executive"), text="Nice shop")


def test_a_retired_theme_is_refused_for_new_tags_but_kept_where_it_was(
    quality, themes, note
) -> None:
    tagged = note(themes=[themes["Price"]])
    untagged = note()
    services.theme_update(theme=themes["Price"], by=quality, is_active=False)

    services.insight_tag(
        insight=tagged, themes=[themes["Price"], themes["Friendly staff"]], by=quality
    )
    with pytest.raises(ValidationError) as refused:
        services.insight_tag(insight=untagged, themes=[themes["Price"]], by=quality)

    assert "Price" in str(refused.value)
    assert tagged.themes.count() == 2
    assert not untagged.themes.exists()


def test_theme_names_are_unique(quality, themes) -> None:
    with pytest.raises(ValidationError) as refused:
        services.theme_create(by=quality, name="Price")

    assert "name" in refused.value.message_dict


def test_complaints_become_insights_to_tag(delivery: Touchpoint) -> None:
    complaint = ComplaintFactory.create(touchpoint=delivery)

    insight = Insight.objects.get(complaint=complaint)

    assert insight.source == Insight.Source.COMPLAINT
    assert insight.text == complaint.description


# Selectors: filters and the monthly trend -------------------------------------------------------


def test_filters_search_source_theme_untagged_touchpoint_journey_and_dates(
    journey: Journey, touchpoint: Touchpoint, delivery: Touchpoint, quality, themes, note
) -> None:
    complaint = ComplaintFactory.create(touchpoint=delivery, description="Parcel left outside")
    late = note("The parcel came late again", themes=[themes["Delivery delays"]])
    kind = note(
        "Kind staff at checkout",
        touchpoint=touchpoint,
        occurred_at=local(2026, 1, 31, 23, 30),
    )
    untagged = note("Nothing special")

    def ids(**filters: Any) -> set[int]:
        return set(
            selectors.insight_list(quality, InsightFilters(**filters)).values_list("pk", flat=True)
        )

    complaint_insight = Insight.objects.get(complaint=complaint).pk
    assert ids(search="LATE") == {late.pk}
    assert ids(source="complaint") == {complaint_insight}
    assert ids(theme=str(themes["Delivery delays"].pk)) == {late.pk}
    assert ids(theme="untagged", source="note") == {kind.pk, untagged.pk}
    assert ids(touchpoint=touchpoint.pk) == {kind.pk}
    assert ids(journey=journey.pk) == {late.pk, kind.pk, untagged.pk, complaint_insight}
    assert ids(date_from=date(2026, 1, 31), date_to=date(2026, 1, 31)) == {kind.pk}
    assert ids(date_to=date(2026, 1, 30)) == set()


def test_theme_counts_per_month_follow_the_organisation_time_zone(quality, themes, note) -> None:
    delays, staff = themes["Delivery delays"], themes["Friendly staff"]
    # Half past midnight on 1 March in Amsterdam is still February in UTC.
    note(themes=[delays], occurred_at=local(2026, 3, 1, 0, 30))
    note(themes=[delays, staff], occurred_at=local(2026, 2, 28, 12, 0))
    note(themes=[staff], occurred_at=local(2026, 2, 3, 9, 0))
    note(occurred_at=local(2026, 3, 15, 9, 0))
    note(themes=[delays], occurred_at=local(2025, 3, 31, 9, 0))  # before the twelve months

    trend = selectors.theme_counts_by_month(quality, today=date(2026, 3, 20))

    assert trend.months[0] == date(2025, 4, 1)
    assert trend.months[-1] == date(2026, 3, 1)
    rows = {theme.name: counts for theme, counts in trend.rows}
    assert rows["Delivery delays"][-2:] == [1, 1]
    assert rows["Friendly staff"][-2:] == [2, 0]
    assert sum(rows["Delivery delays"]) == 2
    assert trend.totals[-2:] == [2, 2]
    assert [theme.name for theme, _counts in trend.rows] == ["Delivery delays", "Friendly staff"]


def test_theme_counts_follow_the_filters_and_count_every_theme_of_a_match(
    quality, themes, note
) -> None:
    delays, staff = themes["Delivery delays"], themes["Friendly staff"]
    note("late and kind", themes=[delays, staff], occurred_at=local(2026, 3, 2, 9, 0))
    note("kind only", themes=[staff], occurred_at=local(2026, 3, 2, 9, 0))

    trend = selectors.theme_counts_by_month(
        quality, InsightFilters(theme=str(delays.pk)), today=date(2026, 3, 20)
    )

    rows = {theme.name: counts[-1] for theme, counts in trend.rows}
    assert rows == {"Delivery delays": 1, "Friendly staff": 1}
    assert trend.totals[-1] == 1


# Pages ------------------------------------------------------------------------------------------


def test_insight_page_searches_and_filters(make_user, themes, note) -> None:
    note("The parcel came late again", themes=[themes["Delivery delays"]])
    note("Lovely people")
    client = signed_in(make_user("frontline"))

    found = client.get(reverse("feedback:insight-list"), {"q": "parcel"})
    untagged = client.get(reverse("feedback:insight-list"), {"theme": "untagged", "source": "note"})

    assert "The parcel came late again" in found.content.decode()
    assert "Lovely people" not in found.content.decode()
    assert "Lovely people" in untagged.content.decode()
    assert "The parcel came late again" not in untagged.content.decode()


def test_insight_page_counts_only_up_to_its_limit_and_says_so(make_user, note, monkeypatch) -> None:
    """A million comments become a million insights: past the limit the caption says "more
    than" and the count stops there; under it (a search) the count is exact."""
    monkeypatch.setattr("feedback.views.insights.COUNT_LIMIT", 30)
    client = signed_in(make_user("quality_manager"))
    for number in range(31):
        note(f"Comment {number}")
    url = reverse("feedback:insight-list")

    capped, _last, _counts = assert_counted_up_to(
        client, url, "feedback_insight", limit=30, row_marker="data-insight="
    )
    exact = client.get(url, {"q": "Comment 12"}).content.decode()

    assert "More than 30 insights, newest first" in capped
    assert "1 insight, newest first" in exact
    assert "More than" not in exact


def test_quality_manager_tags_inline_with_htmx_and_gets_the_row_back(quality, themes, note) -> None:
    insight = note()
    client = signed_in(quality)

    response = client.post(
        reverse("feedback:insight-tag", args=[insight.pk]),
        {"themes": [themes["Price"].pk, themes["Friendly staff"].pk]},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr") or 'id="insight-' in html
    assert "Price" in html
    assert set(insight.themes.values_list("name", flat=True)) == {"Price", "Friendly staff"}


def test_tagging_without_htmx_goes_back_to_the_list(quality, themes, note) -> None:
    insight = note()
    back = reverse("feedback:insight-list") + "?q=courier"

    response = signed_in(quality).post(
        reverse("feedback:insight-tag", args=[insight.pk]),
        {"themes": [themes["Price"].pk], "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    assert list(insight.themes.values_list("name", flat=True)) == ["Price"]


def test_frontline_may_not_tag_on_the_page(make_user, themes, note) -> None:
    insight = note()

    response = signed_in(make_user("frontline")).post(
        reverse("feedback:insight-tag", args=[insight.pk]), {"themes": [themes["Price"].pk]}
    )

    assert response.status_code == 403
    assert not insight.themes.exists()


def test_export_holds_every_filtered_row_with_its_tags_and_defuses_formulas(
    make_user, themes, note
) -> None:
    note('=HYPERLINK("http://evil")', themes=[themes["Price"], themes["Delivery delays"]])
    note("Plain words")
    client = signed_in(make_user("executive"))

    response = client.get(reverse("feedback:insight-export"), {"source": "note"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == 2
    formula = next(row for row in rows if "HYPERLINK" in row["text"])
    assert formula["text"].startswith("'=")
    assert formula["themes"] == "Delivery delays; Price"
    assert next(row for row in rows if row["text"] == "Plain words")["themes"] == ""


def test_the_page_shows_theme_counts_for_this_month(make_user, themes, note) -> None:
    note(themes=[themes["Price"]])
    note(themes=[themes["Price"]])

    html = signed_in(make_user("frontline")).get(reverse("feedback:insight-list")).content.decode()

    assert 'data-theme="Price"' in html
    assert 'data-count="2"' in html


def test_insight_page_runs_a_fixed_number_of_queries(quality, themes, note) -> None:
    client = signed_in(quality)
    url = reverse("feedback:insight-list")
    for index in range(3):
        note(f"note {index}", themes=[themes["Price"]])
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for index in range(20):
        note(f"more {index}", themes=[themes["Price"], themes["Friendly staff"]])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


def test_frontline_adds_a_note_on_the_page(make_user, delivery: Touchpoint) -> None:
    frontline = make_user("frontline")

    response = signed_in(frontline).post(
        reverse("feedback:insight-create"),
        {"text": "Asked for weekend delivery", "touchpoint": delivery.pk},
    )

    assert response.status_code == 302
    assert Insight.objects.filter(author=frontline, text="Asked for weekend delivery").exists()


# Who may open the note and theme forms is walked in tests/test_access.py.


def test_quality_manager_adds_and_retires_a_theme(quality) -> None:
    client = signed_in(quality)

    client.post(reverse("feedback:theme-create"), {"name": "Packaging", "is_active": "on"})
    theme = Theme.objects.get(name="Packaging")
    client.post(reverse("feedback:theme-edit", args=[theme.pk]), {"name": "Packaging"})

    theme.refresh_from_db()
    assert not theme.is_active
    assert client.get(reverse("feedback:theme-list")).status_code == 200


def test_frontline_may_not_edit_themes(make_user, themes) -> None:
    client = signed_in(make_user("frontline"))

    edit = reverse("feedback:theme-edit", args=[themes["Price"].pk])
    assert client.post(edit, {"name": "Cost"}).status_code == 403
    themes["Price"].refresh_from_db()
    assert themes["Price"].name == "Price"


# API --------------------------------------------------------------------------------------------


def test_api_tags_an_insight_for_quality_managers_only(make_user, quality, themes, note) -> None:
    insight = note()
    url = reverse("insight-detail", args=[insight.pk])

    refused = api_as(make_user("frontline")).patch(
        url, {"themes": [themes["Price"].pk]}, format="json"
    )
    tagged = api_as(quality).patch(url, {"themes": [themes["Price"].pk]}, format="json")

    assert refused.status_code == 403
    assert tagged.status_code == 200
    assert tagged.json()["themes"] == [{"id": themes["Price"].pk, "name": "Price"}]


def test_api_lists_insights_with_the_page_filters(make_user, themes, note) -> None:
    note("late parcel", themes=[themes["Delivery delays"]])
    note("nice")

    response = api_as(make_user("executive")).get(
        reverse("insight-list"), {"theme": themes["Delivery delays"].pk, "search": "parcel"}
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["late parcel"]


def test_api_creates_a_note_and_refuses_themes_from_frontline(
    make_user, delivery: Touchpoint, themes
) -> None:
    client = api_as(make_user("frontline"))

    created = client.post(reverse("insight-list"), {"text": "Wants SMS", "touchpoint": delivery.pk})
    refused = client.post(
        reverse("insight-list"), {"text": "Wants SMS", "themes": [themes["Price"].pk]}
    )

    assert created.status_code == 201
    assert created.json()["source"] == "note"
    assert refused.status_code == 403


def test_api_themes_are_written_by_quality_managers(make_user, quality) -> None:
    created = api_as(quality).post(reverse("theme-list"), {"name": "Returns"})
    refused = api_as(make_user("executive")).post(reverse("theme-list"), {"name": "Refunds"})
    duplicate = api_as(quality).post(reverse("theme-list"), {"name": "Returns"})

    assert created.status_code == 201
    assert refused.status_code == 403
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()
