"""A touchpoint's evidence page: its complaints, survey scores, mystery-shop results, failure
points, indicators and PDCA cycles, each linking on to its own page."""

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from feedback.models import Complaint
from improvement.models import PDCACycle
from improvement.services import cycles as cycle_services
from journeys.models import Touchpoint
from metrics.models import Indicator
from reports.selectors.touchpoint_evidence import touchpoint_evidence
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import SurveyFactory, ThemeFactory
from tests.journeys.factories import FailurePointFactory
from tests.metrics.factories import IndicatorFactory
from tests.reports.complaint_records import activities, answers, audit, complaint

pytestmark = pytest.mark.django_db

WINDOW: dict[str, Any] = {"date_from": date(2025, 12, 1), "date_to": date(2026, 11, 30)}


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who handles complaints, audits and runs the cycles."""
    return make_user("quality_manager", username="qm")


@pytest.fixture
def frontline(make_user: Any) -> User:
    """A member of frontline staff who logs complaints."""
    return make_user("frontline", username="frank")


def close(cycle: PDCACycle) -> None:
    """Close a cycle (the way through Do, Check and Act is long; the improvement tests of the
    board close cycles the same way)."""
    PDCACycle.objects.filter(pk=cycle.pk).update(
        phase=PDCACycle.Phase.CLOSED, outcome=PDCACycle.Outcome.ADOPT, closed_on=date(2026, 11, 30)
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user: User, touchpoint: Touchpoint, **query: Any) -> str:
    response = signed_in(user).get(
        reverse("reports:touchpoint-evidence", args=[touchpoint.pk]), query
    )
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    """Return the HTML of one section of the page (up to the next one)."""
    start = html.index(f'data-section="{name}"')
    end = html.find("data-section=", start + 1)
    return html[start : end if end != -1 else len(html)]


# Complaints -------------------------------------------------------------------------------------


def test_complaints_are_counted_and_rated_per_1000_activities_of_the_period(
    delivery: Touchpoint, touchpoint: Touchpoint, frontline: User, manager: User
) -> None:
    """4 at the delivery in the window, 1 before it and 1 at the checkout: 4 counted; with
    2,000 activities, 4 / 2,000 * 1,000 = 2.00 per 1,000."""
    activities(2000)
    for _number in range(4):
        complaint(by=frontline, manager=manager, touchpoint=delivery)
    complaint(by=frontline, manager=manager, touchpoint=delivery, received_on=date(2025, 11, 3))
    complaint(by=frontline, manager=manager, touchpoint=touchpoint)

    evidence = touchpoint_evidence(touchpoint=delivery, user=manager, **WINDOW)

    assert evidence.complaints is not None
    assert (evidence.complaints.count, evidence.complaints.activities) == (4, 2000)
    assert evidence.complaints.rate == pytest.approx(2.0)
    html = page_of(manager, delivery)
    assert '<dd class="col-5 col-sm-7" data-testid="complaint-count">4</dd>' in html
    assert re.search(r'data-testid="complaint-rate">2\.00 ', html)


def test_the_top_categories_are_a_small_pareto_linking_to_their_complaints(
    delivery: Touchpoint, frontline: User, manager: User
) -> None:
    """2 late, 1 damaged at the delivery: late first (2/3 = 66.7 %), then damaged (100 %)."""
    late = ThemeFactory.create(by=manager, name="Late delivery")
    damaged = ThemeFactory.create(by=manager, name="Damaged parcel")
    for tags in ([late], [late], [damaged]):
        complaint(by=frontline, manager=manager, touchpoint=delivery, themes=tags)

    evidence = touchpoint_evidence(touchpoint=delivery, user=manager, **WINDOW)
    html = page_of(manager, delivery)

    assert evidence.complaints is not None
    bars = evidence.complaints.categories.bars
    assert [(bar.label, bar.count, round(bar.cumulative, 1)) for bar in bars] == [
        ("Late delivery", 2, 66.7),
        ("Damaged parcel", 1, 100.0),
    ]
    assert 'id="chart-touchpoint-categories"' in html
    assert f"theme={late.pk}&amp;source=complaint" in html
    assert f"touchpoint={delivery.pk}" in html


def test_the_latest_five_complaints_link_to_their_pages(
    delivery: Touchpoint, frontline: User, manager: User
) -> None:
    """Seven complaints on seven days: the five newest are listed, newest first."""
    made = [
        complaint(
            by=frontline, manager=manager, touchpoint=delivery, received_on=date(2026, 11, day)
        )
        for day in range(1, 8)
    ]

    latest = section(page_of(manager, delivery), "complaints")

    links = re.findall(r'<a href="(/feedback/complaints/\d+/)">', latest)
    assert links == [item.get_absolute_url() for item in reversed(made[2:])]


def test_frontline_staff_count_only_the_complaints_they_logged_or_hold(
    delivery: Touchpoint, frontline: User, manager: User, make_user: Any
) -> None:
    complaint(by=frontline, manager=manager, touchpoint=delivery)
    complaint(by=make_user("frontline"), manager=manager, touchpoint=delivery)

    html = page_of(frontline, delivery)

    assert '<dd class="col-5 col-sm-7" data-testid="complaint-count">1</dd>' in html
    assert "Only the complaints you logged or hold are counted." in html
    assert len(re.findall(r"/feedback/complaints/\d+/", section(html, "complaints"))) == 1


def test_the_complaints_section_links_to_the_queue_and_the_pareto(
    delivery: Touchpoint, manager: User
) -> None:
    html = section(page_of(manager, delivery), "complaints")

    assert f'href="/feedback/complaints/?touchpoint={delivery.pk}"' in html
    assert (
        f'href="/reports/pareto/?touchpoint={delivery.pk}&amp;date_from=2025-12-01'
        '&amp;date_to=2026-11-30"'
    ) in html


# Surveys, mystery shopping, failure points ------------------------------------------------------


def test_survey_scores_per_kind_link_to_each_surveys_results(
    delivery: Touchpoint, manager: User
) -> None:
    """NPS 10, 8, 3: (1 promoter - 1 detractor) / 3 = 0; CSAT 5, 4, 2, 1: 2 satisfied of 4 =
    50 %; an answer of December 2026 (after the window) does not count."""
    nps = SurveyFactory.create(kind="nps", touchpoint=delivery, name="Delivery NPS")
    csat = SurveyFactory.create(kind="csat", touchpoint=delivery, name="Delivery CSAT")
    answers(nps, [10, 8, 3])
    answers(csat, [5, 4, 2, 1])
    answers(csat, [5], on=date(2026, 12, 2))

    html = section(page_of(manager, delivery), "surveys")

    n_of = '<span class="text-body-secondary text-nowrap">(n = {})</span>'
    assert f'<li data-kind="nps"><strong>NPS 0</strong> {n_of.format(3)}</li>' in html
    assert f'<li data-kind="csat"><strong>50% satisfied</strong> {n_of.format(4)}</li>' in html
    assert f'href="{nps.get_absolute_url()}"' in html
    assert f'href="{csat.get_absolute_url()}"' in html


def test_mystery_shop_results_give_the_average_and_link_the_latest_audits(
    delivery: Touchpoint, manager: User
) -> None:
    """Audits of 75 % and 50 % in the window: 62.5 %; one of December 2026 is listed (latest)
    but not averaged."""
    first = audit(delivery, manager, 3)
    second = audit(delivery, manager, 2, on=date(2026, 11, 20))
    newest = audit(delivery, manager, 4, on=date(2026, 12, 1))

    html = section(page_of(manager, delivery), "audits")

    assert "Average score <strong>62.5 %</strong> over 2 audits." in html
    links = re.findall(r'<a href="(/feedback/mystery-shopping/audits/\d+/)">', html)
    assert links == [item.get_absolute_url() for item in (newest, second, first)]


def test_failure_points_are_listed_riskiest_first(delivery: Touchpoint, manager: User) -> None:
    """Severity 9 (RPN 9 * 5 * 5 = 225) before severity 2 (RPN 50)."""
    FailurePointFactory.create(touchpoint=delivery, description="Left at the door", severity=2)
    FailurePointFactory.create(touchpoint=delivery, description="Wrong address", severity=9)

    html = section(page_of(manager, delivery), "failure-points")

    assert html.index("Wrong address") < html.index("Left at the door")


# Indicators and cycles --------------------------------------------------------------------------


def test_indicators_scoped_to_the_touchpoint_show_their_stored_icons_and_link_on(
    delivery: Touchpoint, manager: User
) -> None:
    """The stored status, variation and assurance are shown as the metrics partials draw them;
    an indicator of another scope is left out."""
    scoped = IndicatorFactory.create(
        touchpoint=delivery,
        name="On-time delivery",
        status=Indicator.Status.RED,
        variation=Indicator.Variation.COMMON_CAUSE,
        assurance=Indicator.Assurance.FAILING,
        latest_value=81.0,
        unit="%",
    )
    IndicatorFactory.create(name="Company NPS")

    html = section(page_of(manager, delivery), "indicators")

    assert f'href="{scoped.get_absolute_url()}"' in html
    assert 'data-status="red"' in html
    assert 'data-variation="common_cause"' in html
    assert 'data-assurance="failing"' in html
    assert "Company NPS" not in html


def test_open_and_closed_cycles_on_the_touchpoint_link_to_their_pages(
    delivery: Touchpoint, touchpoint: Touchpoint, manager: User
) -> None:
    """One cycle in Plan and one closed at the delivery; one at the checkout: not here."""
    open_cycle = cycle_services.cycle_create(
        by=manager, title="Photo at the door", owner=manager, touchpoint=delivery
    )
    closed = cycle_services.cycle_create(
        by=manager, title="Text before delivery", owner=manager, touchpoint=delivery
    )
    close(closed)
    elsewhere = cycle_services.cycle_create(
        by=manager, title="Faster checkout", owner=manager, touchpoint=touchpoint
    )

    html = section(page_of(manager, delivery), "cycles")

    opened = html[
        html.index('data-testid="open-cycles"') : html.index('data-testid="closed-cycles"')
    ]
    assert f'href="{open_cycle.get_absolute_url()}"' in opened
    assert (
        f'href="{closed.get_absolute_url()}"' in html[html.index('data-testid="closed-cycles"') :]
    )
    assert elsewhere.reference not in html


# The page ---------------------------------------------------------------------------------------


def test_the_touchpoint_page_links_to_its_evidence(delivery: Touchpoint, manager: User) -> None:
    html = signed_in(manager).get(delivery.get_absolute_url()).content.decode()

    assert f'href="{reverse("reports:touchpoint-evidence", args=[delivery.pk])}"' in html


def test_a_range_ending_before_it_starts_is_refused_next_to_its_end(
    delivery: Touchpoint, manager: User
) -> None:
    response = signed_in(manager).get(
        reverse("reports:touchpoint-evidence", args=[delivery.pk]),
        {"date_from": "2026-06-01", "date_to": "2026-01-01"},
    )

    assert response.status_code == 400
    assert 'data-field-error="date_to"' in response.content.decode()


def test_an_unknown_touchpoint_is_not_found(manager: User) -> None:
    response = signed_in(manager).get(reverse("reports:touchpoint-evidence", args=[999999]))

    assert response.status_code == 404


def test_the_page_runs_as_many_queries_whatever_the_evidence(
    delivery: Touchpoint, frontline: User, manager: User
) -> None:
    """More complaints, themes, answers, audits, failure points, indicators and cycles cost the
    page no query."""
    client = signed_in(manager)
    url = reverse("reports:touchpoint-evidence", args=[delivery.pk])
    survey = SurveyFactory.create(kind="nps", touchpoint=delivery)
    theme = ThemeFactory.create(by=manager, name="Late delivery")

    def add(count: int) -> None:
        for number in range(count):
            complaint(by=frontline, manager=manager, touchpoint=delivery, themes=[theme])
            audit(delivery, manager, 3)
            FailurePointFactory.create(touchpoint=delivery)
            IndicatorFactory.create(touchpoint=delivery)
            cycle = cycle_services.cycle_create(
                by=manager, title=f"Cycle {number}", owner=manager, touchpoint=delivery
            )
            if number % 2:
                close(cycle)
        answers(survey, [9] * count)
        SurveyFactory.create(kind="csat", touchpoint=delivery)

    add(1)
    assert_queries_flat(lambda: client.get(url), lambda: add(6))
    assert Complaint.objects.count() == 7
