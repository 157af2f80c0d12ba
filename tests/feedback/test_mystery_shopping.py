"""Mystery shopping: weighted checklists, audits and their scores, the pages and the API."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.exceptions import ApplicationError
from feedback import services
from feedback.models import Audit, ChecklistTemplate
from journeys.models import Touchpoint
from tests.feedback.factories import ChecklistFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def quality(make_user: Callable[..., Any]) -> Any:
    return make_user("quality_manager")


@pytest.fixture
def checklist(quality: Any, delivery: Touchpoint) -> ChecklistTemplate:
    return ChecklistFactory.create(
        by=quality,
        touchpoint=delivery,
        name="Doorstep delivery",
        items=[("Greeted the customer", 3), ("Wore a name badge", 1), ("Parcel undamaged", 6)],
    )


def all_scores(checklist: ChecklistTemplate, *values: int) -> dict[int, int]:
    items = list(checklist.items.order_by("order"))
    return {item.pk: value for item, value in zip(items, values, strict=True)}


YESTERDAY = timezone.localdate() - timedelta(days=1)


# Services ---------------------------------------------------------------------------------------


def test_checklist_keeps_items_in_order_with_their_weights(checklist) -> None:
    items = list(checklist.items.values_list("order", "text", "weight"))

    assert items == [
        (1, "Greeted the customer", 3),
        (2, "Wore a name badge", 1),
        (3, "Parcel undamaged", 6),
    ]


def test_audit_score_is_the_weighted_share_of_the_best_score(make_user, checklist) -> None:
    executive = make_user("executive")

    audit = services.audit_record(
        template=checklist,
        auditor=executive,
        visited_on=YESTERDAY,
        scores=all_scores(checklist, 4, 0, 3),
        notes="Senior management visit",
    )

    # (3*4 + 1*0 + 6*3) / ((3 + 1 + 6) * 4) = 30 / 40
    assert audit.score == Decimal("75.0")
    assert audit.touchpoint == checklist.touchpoint
    assert audit.auditor == executive
    assert audit.item_scores.count() == 3


def test_audit_score_rounds_to_one_decimal(quality) -> None:
    checklist = ChecklistFactory.create(by=quality, items=[("a", 1), ("b", 2)])

    audit = services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=YESTERDAY,
        scores=all_scores(checklist, 1, 0),
    )

    # 1 / 12 = 8.333…%
    assert audit.score == Decimal("8.3")


def test_audit_refuses_a_missing_item_and_names_it(quality, checklist) -> None:
    scores = all_scores(checklist, 4, 4, 4)
    scores.pop(checklist.items.get(order=3).pk)

    with pytest.raises(ValidationError) as refused:
        services.audit_record(
            template=checklist, auditor=quality, visited_on=YESTERDAY, scores=scores
        )

    assert "Parcel undamaged" in str(refused.value)
    assert not Audit.objects.exists()


def test_audit_refuses_scores_out_of_range_and_unknown_items(quality, checklist) -> None:
    with pytest.raises(ValidationError):
        services.audit_record(
            template=checklist,
            auditor=quality,
            visited_on=YESTERDAY,
            scores=all_scores(checklist, 5, 4, 4),
        )
    with pytest.raises(ValidationError):
        services.audit_record(
            template=checklist,
            auditor=quality,
            visited_on=YESTERDAY,
            scores={**all_scores(checklist, 4, 4, 4), 99999: 2},
        )

    assert not Audit.objects.exists()


def test_audit_refuses_a_visit_in_the_future(quality, checklist) -> None:
    with pytest.raises(ValidationError) as refused:
        services.audit_record(
            template=checklist,
            auditor=quality,
            visited_on=timezone.localdate() + timedelta(days=1),
            scores=all_scores(checklist, 4, 4, 4),
        )

    assert "visited_on" in refused.value.message_dict


def test_frontline_may_not_record_audits_or_write_checklists(make_user, checklist) -> None:
    frontline = make_user("frontline")

    with pytest.raises(PermissionDenied):
        services.audit_record(
            template=checklist,
            auditor=frontline,
            visited_on=YESTERDAY,
            scores=all_scores(checklist, 4, 4, 4),
        )
    with pytest.raises(PermissionDenied):
        services.checklist_create(
            by=make_user("executive"), touchpoint=checklist.touchpoint, name="x", items=[("a", 1)]
        )


def test_checklist_weights_must_be_from_one_to_ten(quality, delivery: Touchpoint) -> None:
    with pytest.raises(ValidationError) as refused:
        services.checklist_create(
            by=quality, touchpoint=delivery, name="Bad", items=[("a", 0), ("", 11)]
        )

    assert len(refused.value.message_dict["items"]) == 3


def test_checklist_items_freeze_once_audited(quality, checklist) -> None:
    services.checklist_update(checklist=checklist, by=quality, items=[("Only one", 2)])
    services.audit_record(
        template=checklist, auditor=quality, visited_on=YESTERDAY, scores=all_scores(checklist, 2)
    )

    services.checklist_update(
        checklist=checklist, by=quality, name="Renamed", items=[("Only one", 2)]
    )
    with pytest.raises(ApplicationError):
        services.checklist_update(checklist=checklist, by=quality, items=[("Two", 2)])

    checklist.refresh_from_db()
    assert checklist.name == "Renamed"
    assert list(checklist.items.values_list("text", flat=True)) == ["Only one"]


def test_quality_manager_corrects_an_audit_and_the_score_follows(
    make_user, quality, checklist
) -> None:
    audit = services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=YESTERDAY,
        scores=all_scores(checklist, 0, 0, 0),
    )

    services.audit_correct(audit=audit, by=quality, scores=all_scores(checklist, 4, 4, 4))

    audit.refresh_from_db()
    assert audit.score == Decimal("100.0")
    with pytest.raises(PermissionDenied):
        services.audit_correct(audit=audit, by=make_user("executive"), notes="x")


# Pages ------------------------------------------------------------------------------------------


def test_executive_records_an_audit_on_the_page(make_user, checklist) -> None:
    executive = make_user("executive")
    items = list(checklist.items.order_by("order"))
    data = {"visited_on": YESTERDAY.isoformat(), "notes": "Felt welcome"}
    data.update({f"score_{item.pk}": "4" for item in items})
    data[f"note_{items[1].pk}"] = "No badge visible"

    form = signed_in(executive).get(reverse("feedback:audit-record", args=[checklist.pk]))
    response = signed_in(executive).post(
        reverse("feedback:audit-record", args=[checklist.pk]), data
    )

    audit = Audit.objects.get()
    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == audit.get_absolute_url()
    assert audit.score == Decimal("100.0")
    assert audit.item_scores.get(item=items[1]).note == "No badge visible"
    detail = signed_in(make_user("frontline")).get(audit.get_absolute_url())
    assert "No badge visible" in detail.content.decode()


def test_the_audit_page_asks_for_every_item(quality, checklist) -> None:
    items = list(checklist.items.order_by("order"))

    response = signed_in(quality).post(
        reverse("feedback:audit-record", args=[checklist.pk]),
        {"visited_on": YESTERDAY.isoformat(), f"score_{items[0].pk}": "3"},
    )

    assert response.status_code == 400
    assert "Score this item." in response.content.decode()
    assert not Audit.objects.exists()


# Who may open the audit and checklist forms is walked in tests/test_access.py.


def test_quality_manager_writes_a_checklist_one_item_per_line(
    quality, touchpoint: Touchpoint
) -> None:
    response = signed_in(quality).post(
        reverse("feedback:checklist-create"),
        {
            "name": "Checkout visit",
            "touchpoint": touchpoint.pk,
            "items": "3 | Price shown clearly\n\nNo surprises at payment\n10 | Receipt sent",
            "is_active": "on",
        },
    )

    checklist = ChecklistTemplate.objects.get(name="Checkout visit")
    assert response.status_code == 302
    assert list(checklist.items.values_list("text", "weight")) == [
        ("Price shown clearly", 3),
        ("No surprises at payment", 1),
        ("Receipt sent", 10),
    ]


def test_overview_shows_latest_score_and_quarters_in_fixed_queries(
    quality, checklist, touchpoint: Touchpoint
) -> None:
    client = signed_in(quality)
    url = reverse("feedback:mystery-shopping")
    services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=date(2025, 11, 3),
        scores=all_scores(checklist, 2, 2, 2),
    )
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)

    other = ChecklistFactory.create(
        by=quality, touchpoint=touchpoint, name="Checkout", items=[("a", 1)]
    )
    for days in range(10):
        services.audit_record(
            template=other,
            auditor=quality,
            visited_on=YESTERDAY - timedelta(days=days),
            scores=all_scores(other, 3),
        )
    services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=YESTERDAY,
        scores=all_scores(checklist, 4, 4, 4),
    )
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)

    assert 'data-latest="50.0"' in first.content.decode()
    html = second.content.decode()
    assert 'data-latest="100.0"' in html
    assert 'data-latest="75.0"' in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_overview_quarters_are_columns_shared_by_every_touchpoint(
    quality, checklist, touchpoint: Touchpoint
) -> None:
    """A quarter sits in the same column on every row, quarters without audits included, so
    that the columns line up; a touchpoint without audits in a quarter shows a dash there."""
    other = ChecklistFactory.create(
        by=quality, touchpoint=touchpoint, name="Checkout", items=[("a", 1)]
    )
    services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=date(2025, 5, 12),
        scores=all_scores(checklist, 2, 2, 2),
    )
    services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=date(2025, 11, 3),
        scores=all_scores(checklist, 4, 4, 4),
    )
    services.audit_record(
        template=other, auditor=quality, visited_on=date(2025, 11, 20), scores=all_scores(other, 3)
    )

    html = signed_in(quality).get(reverse("feedback:mystery-shopping")).content.decode()

    heads = ["2025-04", "2025-07", "2025-10"]
    rows = {
        name: re.findall(r'data-quarter="([\d-]+)">(.*?)</td>', row, re.S)
        for name, row in re.findall(r'<tr data-touchpoint="([^"]+)">(.*?)</tr>', html, re.S)
    }
    audited = {name: ["—" not in text for _quarter, text in cells] for name, cells in rows.items()}
    assert re.findall(r'data-quarter-head="([\d-]+)">([^<]+)<', html) == [
        ("2025-04", "2025 Q2"),
        ("2025-07", "2025 Q3"),
        ("2025-10", "2025 Q4"),
    ]
    assert {name: [quarter for quarter, _text in cells] for name, cells in rows.items()} == {
        "Delivery": heads,
        "Checkout": heads,
    }
    assert audited == {"Delivery": [True, False, True], "Checkout": [False, False, True]}


# API --------------------------------------------------------------------------------------------


def test_api_executive_records_an_audit_and_frontline_is_refused(make_user, checklist) -> None:
    items = list(checklist.items.order_by("order"))
    body = {
        "template": checklist.pk,
        "visited_on": YESTERDAY.isoformat(),
        "notes": "Incognito visit",
        "item_scores": [
            {"item": items[0].pk, "score": 4},
            {"item": items[1].pk, "score": 0, "note": "No badge"},
            {"item": items[2].pk, "score": 3},
        ],
    }

    created = api_as(make_user("executive")).post(reverse("audit-list"), body, format="json")
    refused = api_as(make_user("frontline")).post(reverse("audit-list"), body, format="json")

    assert created.status_code == 201
    assert created.json()["score"] == "75.0"
    assert [row["score"] for row in created.json()["item_scores"]] == [4, 0, 3]
    assert refused.status_code == 403
    assert Audit.objects.count() == 1


def test_api_refuses_an_audit_with_a_missing_item(quality, checklist) -> None:
    first = checklist.items.order_by("order").first()
    assert first is not None

    response = api_as(quality).post(
        reverse("audit-list"),
        {
            "template": checklist.pk,
            "visited_on": YESTERDAY.isoformat(),
            "item_scores": [{"item": first.pk, "score": 4}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "Parcel undamaged" in str(response.json()["scores"])


def test_api_filters_audits_by_touchpoint_and_dates(make_user, quality, checklist) -> None:
    for visited_on in [date(2026, 1, 10), date(2026, 2, 10)]:
        services.audit_record(
            template=checklist,
            auditor=quality,
            visited_on=visited_on,
            scores=all_scores(checklist, 1, 1, 1),
        )

    response = api_as(make_user("frontline")).get(
        reverse("audit-list"),
        {"touchpoint": checklist.touchpoint_id, "date_from": "2026-02-01", "date_to": "2026-02-28"},
    )

    assert response.status_code == 200
    assert [row["visited_on"] for row in response.json()["results"]] == ["2026-02-10"]


def test_api_checklists_are_written_by_quality_managers_with_nested_items(
    make_user, quality, touchpoint: Touchpoint
) -> None:
    body = {
        "name": "Call centre",
        "touchpoint": touchpoint.pk,
        "items": [
            {"text": "Answered within 20 s", "weight": 5},
            {"text": "Name given", "weight": 1},
        ],
    }

    created = api_as(quality).post(reverse("checklist-list"), body, format="json")
    refused = api_as(make_user("executive")).post(reverse("checklist-list"), body, format="json")

    assert created.status_code == 201
    assert [item["order"] for item in created.json()["items"]] == [1, 2]
    assert refused.status_code == 403


def test_checklist_edit_page_keeps_audited_items_and_explains(quality, checklist) -> None:
    services.audit_record(
        template=checklist,
        auditor=quality,
        visited_on=YESTERDAY,
        scores=all_scores(checklist, 1, 1, 1),
    )
    client = signed_in(quality)
    url = reverse("feedback:checklist-edit", args=[checklist.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "name": checklist.name,
            "touchpoint": checklist.touchpoint_id,
            "items": "1 | Something else",
            "is_active": "on",
        },
    )

    assert "3 | Greeted the customer" in page.content.decode()
    assert response.status_code == 200
    assert "can no longer change" in response.content.decode()
    assert checklist.items.count() == 3


@pytest.mark.parametrize("method", ["post", "put"])
def test_api_checklist_items_without_a_weight_weigh_one(
    method: str, quality, checklist, touchpoint: Touchpoint
) -> None:
    """schemathesis found it: an item sent without its weight was a KeyError (a 500)."""
    body = {"name": "Call centre", "touchpoint": touchpoint.pk, "items": [{"text": "Name given"}]}
    path = (
        reverse("checklist-list")
        if method == "post"
        else reverse("checklist-detail", args=[checklist.pk])
    )

    response = getattr(api_as(quality), method)(path, body, format="json")

    assert response.status_code in {200, 201}
    assert [(item["text"], item["weight"]) for item in response.json()["items"]] == [
        ("Name given", 1)
    ]


def test_api_patching_checklist_items_without_their_text_is_a_400(quality, checklist) -> None:
    """A PATCH leaves nested fields optional; an item without its text is refused, not a 500."""
    response = api_as(quality).patch(
        reverse("checklist-detail", args=[checklist.pk]), {"items": [{"weight": 2}]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["items"]
