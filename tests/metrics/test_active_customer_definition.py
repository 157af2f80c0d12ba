"""Defining who is an active customer: the form, the API, the recompute and the formula shown."""

import re
from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from metrics import services
from metrics.models import Indicator
from stakeholders.models import Customer, CustomerActivity

pytestmark = pytest.mark.django_db

CHURN = {
    "code": "contract-churn",
    "name": "Contract churn",
    "kind": "lagging",
    "stakeholder_group": "customers",
    "computation": "churn",
    "grain": "month",
    "unit": "%",
    "direction": "lower_is_better",
    "chart_type": "xmr",
    "rule_set": "western_electric",
    "is_active": "on",
}


def defined(**fields: Any) -> Indicator:
    base = {name: value for name, value in CHURN.items() if name != "is_active"}
    return services.indicator_create(**(base | fields))


@pytest.mark.parametrize("definition", ["contract", "trailing_window"])
def test_the_form_asks_for_the_window_next_to_its_field(client_for: Any, definition: str) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:indicator-create"), {**CHURN, "active_customer": definition}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the active window in days" in html
    assert re.search(r'id="error_1_id_active_window_days"', html), "not next to its field"
    assert not Indicator.objects.exists()


def test_the_form_defines_a_contract_churn(client_for: Any) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:indicator-create"),
        {**CHURN, "active_customer": "contract", "active_window_days": "365"},
    )

    indicator = Indicator.objects.get(code="contract-churn")
    assert response.status_code == 302
    assert (indicator.active_customer, indicator.active_window_days) == ("contract", 365)


def test_the_form_offers_the_definition_and_keeps_the_default_when_left_out(
    client_for: Any,
) -> None:
    """The form page shows both fields; a form without them keeps the previous-period rule."""
    client = client_for("quality_manager")

    page = client.get(reverse("metrics:indicator-create")).content.decode()
    client.post(reverse("metrics:indicator-create"), CHURN)

    assert 'name="active_customer"' in page
    assert 'name="active_window_days"' in page
    assert Indicator.objects.get().active_customer == "previous_period"


def test_the_api_refuses_a_missing_window_on_the_field(make_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(make_user("quality_manager"))
    payload = {name: value for name, value in CHURN.items() if name != "is_active"} | {
        "active_customer": "trailing_window"
    }

    refused = client.post(reverse("indicator-list"), payload, format="json")
    created = client.post(
        reverse("indicator-list"), payload | {"active_window_days": 90}, format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()) == ["active_window_days"]
    assert created.status_code == 201, created.json()
    assert created.json()["active_customer"] == "trailing_window"
    assert created.json()["active_window_days"] == 90


@pytest.mark.parametrize(
    "change",
    [
        {"active_customer": "contract", "active_window_days": 365},
        {"active_window_days": 30},
    ],
)
def test_a_new_definition_of_an_active_customer_rebuilds_every_period(
    change: dict[str, Any],
) -> None:
    indicator = defined(active_customer="trailing_window", active_window_days=90)
    Indicator.objects.filter(pk=indicator.pk).update(needs_full_recompute=False)
    indicator.refresh_from_db()

    services.indicator_update(indicator=indicator, **change)

    indicator.refresh_from_db()
    assert indicator.needs_full_recompute


def test_other_computations_keep_the_default_definition() -> None:
    """NPS counts no customers: a definition sent with it is not kept (nor required)."""
    nps = services.indicator_create(
        code="nps",
        name="NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        chart_type="xmr",
        active_customer="contract",
    )

    assert (nps.active_customer, nps.active_window_days) == ("previous_period", None)


def test_the_indicator_page_writes_out_the_formula_with_its_own_dates(
    client_for: Any, set_today: Any
) -> None:
    """Churn by contract, last complete month November: in force on 1 Nov and not on 1 Dec."""
    set_today(date(2026, 12, 5))
    indicator = defined(active_customer="contract", active_window_days=365)

    html = client_for("executive").get(indicator.get_absolute_url()).content.decode()

    formula = re.sub(r"\s+", " ", html.split('data-testid="formula"')[1].split("</p>")[0])
    assert "How this is computed" in html
    assert "365 days for customers without one" in html
    assert formula == (
        "><strong>Churn</strong> = customers whose contract was in force on 1 Nov 2026 and "
        'not on 1 Dec 2026 <span aria-label="divided by">÷</span> customers whose contract was '
        "in force on 1 Nov 2026"
    )


@pytest.mark.parametrize(
    ("computation", "definition", "words"),
    [
        ("retention", "trailing_window", "customers active on 1 Nov 2026 and still on 1 Dec"),
        ("repeat_purchase", "contract", "customers who bought or renewed from 1 Nov 2026 to 30"),
        ("referral_rate", "contract", "customers who referred someone from 1 Nov 2026"),
        ("churn", "previous_period", "customers active in Oct 2026 who cancelled in Nov 2026"),
    ],
)
def test_each_customer_ratio_is_written_out(
    client_for: Any, set_today: Any, computation: str, definition: str, words: str
) -> None:
    set_today(date(2026, 12, 5))
    indicator = defined(
        computation=computation,
        active_customer=definition,
        active_window_days=None if definition == "previous_period" else 60,
    )

    html = client_for("executive").get(indicator.get_absolute_url()).content.decode()

    assert words in re.sub(r"\s+", " ", html)


def test_the_page_of_another_computation_has_no_formula(client_for: Any) -> None:
    indicator = defined(computation="complaint_count", chart_type="c")

    html = client_for("executive").get(indicator.get_absolute_url()).content.decode()

    assert 'data-testid="computation-formula"' not in html


def test_a_customer_term_change_makes_the_recompute_recount(set_today: Any) -> None:
    """Editing a customer's contract term logs their activity's periods for the recompute."""
    from core.models import SourceChange
    from stakeholders import services as stakeholder_services

    customer = Customer.objects.create(
        external_reference="C-1", first_seen=date(2026, 1, 5), contract_term_months=12
    )
    CustomerActivity.objects.create(
        customer=customer,
        kind="purchase",
        occurred_at=timezone.make_aware(datetime(2026, 1, 5, 10)),
    )
    SourceChange.objects.all().delete()

    stakeholder_services.customer_update(customer=customer, contract_term_months=1)

    change = SourceChange.objects.get()
    assert (change.source, change.first_day) == ("customer_activity", date(2026, 1, 5))
