"""The journey heat view: each touchpoint of the map valued and coloured by a measure."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from journeys.models import Journey, Touchpoint
from reports.selectors.journey_heat import journey_heat, level_of
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import SurveyFactory
from tests.journeys.factories import StageFactory, TouchpointFactory
from tests.reports.complaint_records import activities, answers, audit, complaint

pytestmark = pytest.mark.django_db

WINDOW: dict[str, Any] = {"date_from": date(2025, 12, 1), "date_to": date(2026, 11, 30)}
FIRST_CONTACT = {"resolved_at_first_contact": True, "decision": "Refunded the delivery fee."}


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who handles the complaints and audits the touchpoints."""
    return make_user("quality_manager", username="qm")


@pytest.fixture
def frontline(make_user: Any) -> User:
    """A member of frontline staff who logs complaints."""
    return make_user("frontline", username="frank")


@pytest.fixture
def touchpoints(
    journey: Journey, touchpoint: Touchpoint, delivery: Touchpoint, department: Any
) -> dict[str, Touchpoint]:
    """Checkout and delivery (stage "Order"), and the returns desk (stage "After")."""
    after = StageFactory.create(journey=journey, name="After", order=2)
    returns = TouchpointFactory.create(
        stage=after, name="Returns", channel="store", owner_department=department, order=1
    )
    return {"checkout": touchpoint, "delivery": delivery, "returns": returns}


def heat_of(touchpoints: dict[str, Touchpoint], measure: str, user: User) -> dict[str, Any]:
    """Return each touchpoint's (printed value, n, level) for the measure over the window."""
    found = journey_heat(
        touchpoint_ids=[point.pk for point in touchpoints.values()],
        measure=measure,
        user=user,
        **WINDOW,
    )
    return {
        name: (found.cells[point.pk].text, found.cells[point.pk].n, found.cells[point.pk].level)
        for name, point in touchpoints.items()
    }


def log(count: int, touchpoint: Touchpoint, by: User, manager: User, **fields: Any) -> None:
    for _number in range(count):
        complaint(by=by, manager=manager, touchpoint=touchpoint, **fields)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Levels -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "best", "worst", "level"),
    [
        (0, 0, 10, 1),  # the best
        (1.9, 0, 10, 1),  # badness 0.19: 1 + int(0.95) = 1
        (2, 0, 10, 2),  # badness 0.2: 1 + int(1.0) = 2
        (5, 0, 10, 3),  # badness 0.5: 1 + int(2.5) = 3
        (10, 0, 10, 5),  # the worst: 1 + int(5) = 6, capped at 5
        (50, 50, -50, 1),  # higher is better: the best is the highest
        (-50, 50, -50, 5),
        (7, 7, 7, 1),  # every touchpoint alike: none is worse
    ],
)
def test_a_value_takes_its_step_between_the_best_and_the_worst(
    value: float, best: float, worst: float, level: int
) -> None:
    assert level_of(value, best, worst) == level


# Values per measure -----------------------------------------------------------------------------


def test_complaints_count_per_touchpoint(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User
) -> None:
    """Checkout 0, delivery 5, returns 10: levels 1 (0 is best), 3 (5/10 of the way), 5."""
    log(5, touchpoints["delivery"], frontline, manager)
    log(10, touchpoints["returns"], frontline, manager)

    cells = heat_of(touchpoints, "complaint_count", manager)

    assert cells == {"checkout": ("0", 0, 1), "delivery": ("5", 5, 3), "returns": ("10", 10, 5)}


def test_the_complaint_rate_is_per_1000_activities_of_the_period(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User
) -> None:
    """2,000 activities: delivery 5 / 2,000 * 1,000 = 2.50, returns 10 / 2,000 * 1,000 = 5.00."""
    activities(2000)
    log(5, touchpoints["delivery"], frontline, manager)
    log(10, touchpoints["returns"], frontline, manager)

    cells = heat_of(touchpoints, "complaint_rate", manager)

    assert cells == {
        "checkout": ("0.00", 0, 1),
        "delivery": ("2.50", 5, 3),
        "returns": ("5.00", 10, 5),
    }


def test_without_activity_the_complaint_rate_has_no_data(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User
) -> None:
    log(1, touchpoints["delivery"], frontline, manager)

    cells = heat_of(touchpoints, "complaint_rate", manager)

    assert cells["delivery"] == ("no data", 1, 0)


def test_nps_per_touchpoint_from_its_surveys(
    touchpoints: dict[str, Touchpoint], manager: User
) -> None:
    """Checkout 9, 10, 10, 3: (3 promoters - 1 detractor) / 4 = NPS 50; delivery 6, 7:
    (0 - 1) / 2 = -50; returns has no survey: no data."""
    checkout_survey = SurveyFactory.create(kind="nps", touchpoint=touchpoints["checkout"])
    delivery_survey = SurveyFactory.create(kind="nps", touchpoint=touchpoints["delivery"])
    answers(checkout_survey, [9, 10, 10, 3])
    answers(delivery_survey, [6, 7])

    cells = heat_of(touchpoints, "nps", manager)

    assert cells == {
        "checkout": ("50", 4, 1),
        "delivery": ("-50", 2, 5),
        "returns": ("no data", 0, 0),
    }


def test_csat_per_touchpoint_is_the_share_of_satisfied_answers(
    touchpoints: dict[str, Touchpoint], manager: User
) -> None:
    """Checkout 5, 4, 2, 1: 2 of 4 answers are 4 or 5 = 50 %; returns 5, 5: 100 %; the
    delivery has no survey. Best 100, worst 50: levels 5 and 1."""
    answers(SurveyFactory.create(kind="csat", touchpoint=touchpoints["checkout"]), [5, 4, 2, 1])
    answers(SurveyFactory.create(kind="csat", touchpoint=touchpoints["returns"]), [5, 5])

    cells = heat_of(touchpoints, "csat", manager)

    assert cells == {
        "checkout": ("50 %", 4, 5),
        "delivery": ("no data", 0, 0),
        "returns": ("100 %", 2, 1),
    }


def test_sla_breaches_count_late_and_overdue_complaints(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User
) -> None:
    """Checkout: 2 resolved at first contact (0 breaches); delivery: 1 resolved at first contact
    and 2 never acknowledged, long overdue (2 breaches); returns: 1 acknowledged three days late
    (1 breach). Best 0, worst 2: levels 1, 5 and 1 + int(0.5 * 5) = 3."""
    log(2, touchpoints["checkout"], frontline, manager, **FIRST_CONTACT)
    log(1, touchpoints["delivery"], frontline, manager, **FIRST_CONTACT)
    log(2, touchpoints["delivery"], frontline, manager)
    late = complaint(by=frontline, manager=manager, touchpoint=touchpoints["returns"])
    from feedback import services

    services.complaint_acknowledge(
        complaint=late, by=manager, at=late.received_at + timedelta(days=3)
    )
    services.complaint_respond(
        complaint=late, by=manager, decision="Refund", at=late.received_at + timedelta(days=3)
    )

    cells = heat_of(touchpoints, "sla_breaches", manager)

    assert cells == {"checkout": ("0", 2, 1), "delivery": ("2", 3, 5), "returns": ("1", 1, 3)}


def test_the_mystery_shop_score_is_the_mean_of_the_periods_audits(
    touchpoints: dict[str, Touchpoint], manager: User
) -> None:
    """Checkout: 75 % and 100 % = 87.5 %; delivery: 50 %; an audit of December 2026 (after the
    window) and returns without audit leave no mark."""
    audit(touchpoints["checkout"], manager, 3)
    audit(touchpoints["checkout"], manager, 4)
    audit(touchpoints["delivery"], manager, 2)
    audit(touchpoints["delivery"], manager, 4, on=date(2026, 12, 1))

    cells = heat_of(touchpoints, "mystery_shop", manager)

    assert cells == {
        "checkout": ("87.5 %", 2, 1),
        "delivery": ("50.0 %", 1, 5),
        "returns": ("no data", 0, 0),
    }


def test_frontline_staff_count_only_the_complaints_they_logged_or_hold(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User, make_user: Any
) -> None:
    """Frank logged 2 at the delivery, a colleague 3: Frank's heat counts 2."""
    log(2, touchpoints["delivery"], frontline, manager)
    log(3, touchpoints["delivery"], make_user("frontline"), manager)

    cells = heat_of(touchpoints, "complaint_count", frontline)

    assert cells["delivery"] == ("2", 2, 5)


# The page ---------------------------------------------------------------------------------------


def test_the_heat_view_colours_the_journey_map_cards_and_prints_their_values(
    touchpoints: dict[str, Touchpoint], frontline: User, manager: User, journey: Journey
) -> None:
    """On the journeys app's map: each card has its step's class and its value, the legend
    gives each step's range, the table each value."""
    log(4, touchpoints["delivery"], frontline, manager)

    html = (
        signed_in(manager)
        .get(reverse("reports:journey-heat", args=[journey.pk]), {"measure": "complaint_count"})
        .content.decode()
    )

    delivery, checkout = touchpoints["delivery"].pk, touchpoints["checkout"].pk
    assert f'class="jm-card jm-heat jm-heat-5" data-touchpoint="{delivery}"' in html
    assert f'class="jm-card jm-heat jm-heat-1" data-touchpoint="{checkout}"' in html
    assert 'data-heat-value="4.0" data-heat-level="5"' in html
    assert 'id="journey-map"' in html  # the journeys template drew it
    assert 'data-testid="heat-legend"' in html
    assert "0.0 \u2013 0.8 (best)" in html
    assert "3.2 \u2013 4.0 (worst)" in html
    assert f'data-touchpoint-row="{delivery}"' in html


def test_the_heat_view_links_each_touchpoint_to_its_evidence(
    touchpoints: dict[str, Touchpoint], manager: User, journey: Journey
) -> None:
    html = (
        signed_in(manager).get(reverse("reports:journey-heat", args=[journey.pk])).content.decode()
    )

    evidence = reverse("reports:touchpoint-evidence", args=[touchpoints["returns"].pk])
    assert f'href="{evidence}?date_from=2025-12-01&amp;date_to=2026-11-30"' in html


def test_the_journey_map_links_to_its_heat_view_and_is_not_coloured(
    touchpoints: dict[str, Touchpoint], manager: User, journey: Journey
) -> None:
    html = signed_in(manager).get(journey.get_absolute_url()).content.decode()

    assert f'href="{reverse("reports:journey-heat", args=[journey.pk])}"' in html
    assert "jm-heat" not in html


def test_a_range_ending_before_it_starts_is_refused_next_to_its_end(
    manager: User, journey: Journey
) -> None:
    response = signed_in(manager).get(
        reverse("reports:journey-heat", args=[journey.pk]),
        {"date_from": "2026-06-01", "date_to": "2026-01-01"},
    )

    assert response.status_code == 400
    assert 'data-field-error="date_to"' in response.content.decode()


def test_an_unknown_measure_is_refused_next_to_its_field(manager: User, journey: Journey) -> None:
    response = signed_in(manager).get(
        reverse("reports:journey-heat", args=[journey.pk]), {"measure": "happiness"}
    )

    assert response.status_code == 400
    assert 'data-field-error="measure"' in response.content.decode()


@pytest.mark.parametrize(
    "measure", ["complaint_rate", "nps", "csat", "sla_breaches", "mystery_shop"]
)
def test_the_heat_view_runs_as_many_queries_with_more_data(
    touchpoints: dict[str, Touchpoint],
    frontline: User,
    manager: User,
    journey: Journey,
    measure: str,
) -> None:
    """More complaints, answers, audits and touchpoints cost the page no query."""
    client = signed_in(manager)
    url = reverse("reports:journey-heat", args=[journey.pk])
    survey = SurveyFactory.create(kind="nps", touchpoint=touchpoints["checkout"])
    activities(10)

    def grow() -> None:
        stage = StageFactory.create(journey=journey, name="Later", order=3)
        for number in range(3):
            extra = TouchpointFactory.create(
                stage=stage,
                name=f"Extra {number}",
                owner_department=touchpoints["checkout"].owner_department,
                order=number + 1,
            )
            log(2, extra, frontline, manager)
            audit(extra, manager, 2)
        answers(survey, [1, 9, 10])
        log(3, touchpoints["delivery"], frontline, manager)

    log(1, touchpoints["delivery"], frontline, manager)
    assert_queries_flat(lambda: client.get(url, {"measure": measure}), grow)
