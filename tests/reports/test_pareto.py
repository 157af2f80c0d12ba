"""The Pareto of complaints: ranked categories and root causes, the cumulative share, the
complaints not yet classified, the filters, who counts what, and the page."""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from feedback.models import Theme
from journeys.models import Touchpoint
from reports.periods import last_complete_months
from reports.selectors.pareto import BY_CATEGORY, BY_ROOT_CAUSE, complaint_pareto
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import ThemeFactory
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.reports.complaint_records import complaint

pytestmark = pytest.mark.django_db

WINDOW: dict[str, Any] = {"date_from": date(2025, 12, 1), "date_to": date(2026, 11, 30)}


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who investigates and tags the complaints."""
    return make_user("quality_manager", username="qm")


@pytest.fixture
def frontline(make_user: Any) -> User:
    """A member of frontline staff who logs complaints."""
    return make_user("frontline", username="frank")


@pytest.fixture
def themes(manager: User) -> dict[str, Theme]:
    """The themes complaints are tagged with."""
    return {
        name: ThemeFactory.create(by=manager, name=name)
        for name in ("Late delivery", "Damaged parcel", "Billing")
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bars_of(pareto: Any) -> list[tuple[str, int, float, float]]:
    return [
        (bar.label, bar.count, round(bar.share, 1), round(bar.cumulative, 1)) for bar in pareto.bars
    ]


def log_root_causes(frontline: User, manager: User, counts: dict[str, int], **fields: Any) -> None:
    for cause, count in counts.items():
        for _number in range(count):
            complaint(by=frontline, manager=manager, root_cause=cause, **fields)


# The selector -----------------------------------------------------------------------------------


def test_root_causes_rank_largest_first_with_the_cumulative_share(
    frontline: User, manager: User
) -> None:
    """Method 5, people 3, machine 2 of 10 analysed complaints: shares 5/10 = 50 %, 3/10 = 30 %,
    2/10 = 20 %; cumulative 50 %, 50 + 30 = 80 %, 80 + 20 = 100 %."""
    log_root_causes(frontline, manager, {"people": 3, "method": 5, "machine": 2})

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=manager, **WINDOW)

    assert bars_of(pareto) == [
        ("Method", 5, 50.0, 50.0),
        ("People", 3, 30.0, 80.0),
        ("Machine / technology", 2, 20.0, 100.0),
    ]
    assert pareto.total == 10


def test_complaints_without_a_root_cause_are_counted_beside_the_bars(
    frontline: User, manager: User
) -> None:
    """2 analysed (method) and 3 not yet analysed: one bar of 2 at 100 %, and 3 apart."""
    log_root_causes(frontline, manager, {"method": 2})
    for _number in range(3):
        complaint(by=frontline, manager=manager)

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=manager, **WINDOW)

    assert bars_of(pareto) == [("Method", 2, 100.0, 100.0)]
    assert pareto.unclassified == 3


def test_categories_count_a_complaint_under_each_of_its_themes(
    frontline: User, manager: User, themes: dict[str, Theme]
) -> None:
    """Tags: 3 late (one complaint also damaged), 2 damaged, 1 billing = 6 tags; shares
    3/6 = 50 %, 2/6 = 33.3 %, 1/6 = 16.7 %; cumulative 50 %, 83.3 %, 100 %. One complaint has
    no theme: not yet categorised."""
    late, damaged, billing = themes["Late delivery"], themes["Damaged parcel"], themes["Billing"]
    for tags in ([late], [late, damaged], [late], [damaged], [billing], []):
        complaint(by=frontline, manager=manager, themes=tags)

    pareto = complaint_pareto(by=BY_CATEGORY, user=manager, **WINDOW)

    assert bars_of(pareto) == [
        ("Late delivery", 3, 50.0, 50.0),
        ("Damaged parcel", 2, 33.3, 83.3),
        ("Billing", 1, 16.7, 100.0),
    ]
    assert pareto.unclassified == 1


def test_ties_rank_by_name(frontline: User, manager: User) -> None:
    """People and method with one complaint each: method first (alphabetical)."""
    log_root_causes(frontline, manager, {"people": 1, "method": 1})

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=manager, **WINDOW)

    assert [bar.label for bar in pareto.bars] == ["Method", "People"]


def test_only_complaints_received_in_the_window_count(frontline: User, manager: User) -> None:
    """A complaint of 30 Nov at 23:00 local time counts in a window ending on 30 Nov; one of
    1 Dec at 00:00 and one of 30 Nov 2025 do not."""
    complaint(by=frontline, manager=manager, received_on=date(2026, 11, 30), hour=23)
    complaint(by=frontline, manager=manager, received_on=date(2026, 12, 1), hour=0)
    complaint(by=frontline, manager=manager, received_on=date(2025, 11, 30), hour=12)

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=manager, **WINDOW)

    assert pareto.unclassified == 1


@pytest.fixture
def scoped(
    frontline: User, manager: User, touchpoint: Touchpoint, delivery: Touchpoint
) -> dict[str, Any]:
    """At the checkout: 2 method; at the partner's delivery: 3 people; in another journey: 4
    machine."""
    elsewhere = TouchpointFactory.create(
        stage=StageFactory.create(journey=JourneyFactory.create(name="Renew")), name="Renewal"
    )
    log_root_causes(frontline, manager, {"method": 2}, touchpoint=touchpoint)
    log_root_causes(frontline, manager, {"people": 3}, touchpoint=delivery)
    log_root_causes(frontline, manager, {"machine": 4}, touchpoint=elsewhere)
    return {"checkout": touchpoint, "delivery": delivery, "elsewhere": elsewhere}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({}, [("Machine / technology", 4), ("People", 3), ("Method", 2)]),
        ({"journey": "checkout"}, [("People", 3), ("Method", 2)]),
        ({"touchpoint": "checkout"}, [("Method", 2)]),
        ({"partner": "delivery"}, [("People", 3)]),
    ],
)
def test_the_pareto_narrows_to_a_journey_a_touchpoint_or_a_partner(
    scoped: dict[str, Any], manager: User, scope: dict[str, str], expected: list[Any]
) -> None:
    """Journey "Buy online": checkout and delivery; the checkout alone; SwiftParcel's delivery."""
    checkout = scoped[scope.get("journey") or scope.get("touchpoint") or "checkout"]
    filters: dict[str, Any] = {}
    if "journey" in scope:
        filters["journey"] = checkout.stage.journey
    if "touchpoint" in scope:
        filters["touchpoint"] = checkout
    if "partner" in scope:
        filters["partner"] = scoped["delivery"].owner_partner

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=manager, **WINDOW, **filters)

    assert [(bar.label, bar.count) for bar in pareto.bars] == expected


def test_frontline_staff_count_only_the_complaints_they_logged_or_hold(
    frontline: User, manager: User, make_user: Any
) -> None:
    """Frank logged 2 (method); a colleague logged 3 (people): Frank's Pareto has his 2."""
    colleague = make_user("frontline")
    log_root_causes(frontline, manager, {"method": 2})
    log_root_causes(colleague, manager, {"people": 3})

    pareto = complaint_pareto(by=BY_ROOT_CAUSE, user=frontline, **WINDOW)

    assert [(bar.label, bar.count) for bar in pareto.bars] == [("Method", 2)]


def test_the_default_window_is_the_last_twelve_complete_months() -> None:
    """On 6 Dec 2026: 1 Dec 2025 to 30 Nov 2026; on 1 Jan 2027: the whole of 2026."""
    assert last_complete_months(today=date(2026, 12, 6)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert last_complete_months(today=date(2027, 1, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


# The page ---------------------------------------------------------------------------------------

URL = "/reports/pareto/"


def test_the_page_draws_both_paretos_with_their_rankings(
    frontline: User, manager: User, themes: dict[str, Theme]
) -> None:
    """By default both charts, each with its table of counts and cumulative shares."""
    log_root_causes(frontline, manager, {"method": 1})
    complaint(by=frontline, manager=manager, themes=[themes["Billing"]])

    response = signed_in(manager).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-pareto="category"' in html
    assert 'data-pareto="root_cause"' in html
    assert 'id="chart-pareto-category"' in html
    assert 'id="chart-pareto-root-cause"' in html


def test_the_page_draws_only_the_chosen_measure(frontline: User, manager: User) -> None:
    """Choosing root causes leaves the categories out."""
    log_root_causes(frontline, manager, {"method": 1})

    html = signed_in(manager).get(URL, {"measure": "root_cause"}).content.decode()

    assert 'data-pareto="root_cause"' in html
    assert 'data-pareto="category"' not in html


def test_the_page_says_how_many_complaints_are_not_yet_analysed(
    frontline: User, manager: User
) -> None:
    """Two complaints without a root cause show beside the root-cause chart."""
    log_root_causes(frontline, manager, {"method": 1})
    complaint(by=frontline, manager=manager)
    complaint(by=frontline, manager=manager)

    html = signed_in(manager).get(URL, {"measure": "root_cause"}).content.decode()

    assert 'data-unclassified="2"' in html
    assert "2 complaints not yet analysed (no root cause): not in the bars." in html


def test_a_category_links_to_its_complaints_and_a_root_cause_to_nothing(
    frontline: User, manager: User, themes: dict[str, Theme], touchpoint: Touchpoint
) -> None:
    """The billing bar opens the insights page on complaints tagged "Billing" in the window
    and scope; the queue filters by no root cause, so the method bar has no link."""
    billing = themes["Billing"]
    complaint(
        by=frontline, manager=manager, themes=[billing], root_cause="method", touchpoint=touchpoint
    )

    html = signed_in(manager).get(URL, {"touchpoint": touchpoint.pk}).content.decode()

    expected = (
        f"{reverse('feedback:insight-list')}?theme={billing.pk}&amp;source=complaint"
        f"&amp;date_from=2025-12-01&amp;date_to=2026-11-30&amp;touchpoint={touchpoint.pk}"
    )
    assert (
        f'<th scope="row" class="fw-normal text-nowrap"><a href="{expected}">Billing</a></th>'
        in html
    )
    assert '<th scope="row" class="fw-normal text-nowrap">Method</th>' in html


def test_a_range_ending_before_it_starts_is_refused_next_to_its_end(manager: User) -> None:
    """ "To" before "From": 400, the message under "To", nothing drawn."""
    response = signed_in(manager).get(URL, {"date_from": "2026-06-01", "date_to": "2026-05-31"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="date_to"' in html
    assert "The end comes on or after the start" in html
    assert "data-pareto=" not in html


def test_a_date_that_is_not_a_date_is_refused_next_to_its_field(manager: User) -> None:
    response = signed_in(manager).get(URL, {"date_from": "yesterday"})

    assert response.status_code == 400
    assert 'data-field-error="date_from"' in response.content.decode()


def test_a_touchpoint_of_another_journey_is_refused(manager: User, touchpoint: Touchpoint) -> None:
    """The checkout with the journey "Renew": 400, the touchpoint's journey named."""
    other = JourneyFactory.create(name="Renew")

    response = signed_in(manager).get(URL, {"journey": other.pk, "touchpoint": touchpoint.pk})

    assert response.status_code == 400
    assert "This touchpoint belongs to the journey Buy online." in response.content.decode()


def test_the_page_shows_the_default_window_in_its_filters(manager: User) -> None:
    """Without dates, the form shows the last twelve complete months it reports on."""
    date_from, date_to = last_complete_months()

    html = signed_in(manager).get(URL).content.decode()

    assert f'name="date_from" value="{date_from.isoformat()}"' in html
    assert f'name="date_to" value="{date_to.isoformat()}"' in html


def test_frontline_staff_are_told_they_see_their_own_complaints(frontline: User) -> None:
    html = signed_in(frontline).get(URL).content.decode()

    assert 'data-testid="own-complaints-only"' in html


def test_the_page_runs_as_many_queries_with_more_complaints(
    frontline: User, manager: User, themes: dict[str, Theme], make_user: Any
) -> None:
    """Ten more complaints, themes and root causes cost the page no query."""
    client = signed_in(manager)

    def grow() -> None:
        for number in range(10):
            complaint(
                by=make_user("frontline"),
                manager=manager,
                root_cause=["method", "people", "machine"][number % 3],
                themes=list(themes.values())[: number % 3 + 1],
            )

    complaint(by=frontline, manager=manager, root_cause="method", themes=[themes["Billing"]])
    assert_queries_flat(lambda: client.get(URL), grow)


def test_quality_managers_find_the_pareto_in_the_menu(manager: User) -> None:
    html = signed_in(manager).get(reverse("journeys:journey-list")).content.decode()

    assert f'href="{URL}"' in html
