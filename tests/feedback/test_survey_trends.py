"""A survey's results over time: its score per week or month, its filters, gaps, the period in
progress, eNPS anonymity, and the page that charts them."""

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import Survey, SurveyResponse
from feedback.selectors.survey_trends import (
    MONTH,
    WEEK,
    Trend,
    TrendFilters,
    survey_trend,
)
from journeys.models import Touchpoint
from stakeholders.models import Customer, CustomerSegment
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import SurveyFactory
from tests.journeys.factories import JourneyFactory
from tests.stakeholders.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")  # the organisation's time zone in the test settings


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Return a moment of the organisation's local time."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def make_survey(colleague: User) -> Callable[..., Survey]:
    """Return a function creating an NPS survey open since 1 January 2026 (override any field)."""

    def make(**fields: Any) -> Survey:
        fields.setdefault("name", f"Survey {Survey.objects.count() + 1}")
        fields.setdefault("kind", Survey.Kind.NPS)
        fields.setdefault("created_by", colleague)
        fields.setdefault("starts_at", at(2026, 1, 1, 0))
        return SurveyFactory.create(**fields)

    return make


def answer(survey: Survey, score: int, moment: datetime, **fields: Any) -> SurveyResponse:
    """Record an answer given at a moment in the past, as an integration sends it."""
    return services.survey_respond(
        survey=survey,
        score=score,
        channel=SurveyResponse.Channel.API,
        responded_at=moment,
        **fields,
    )


def summary(trend: Trend) -> list[tuple[date, int, float | None, bool]]:
    """Return each period's start, answers, score (1 decimal) and whether it is in progress."""
    return [
        (
            point.period,
            point.answers,
            None if point.score is None else round(point.score, 1),
            point.in_progress,
        )
        for point in trend.points
    ]


# Scores per period ------------------------------------------------------------------------------


def test_nps_per_month_matches_a_hand_computed_case(make_survey) -> None:
    """March: 10, 9, 7 and 3 are 2 promoters and 1 detractor of 4, NPS = 100 * (2 - 1) / 4 = 25.
    April: no answer, a gap (no score, never 0). May: 0 and 6, two detractors, NPS = -100.
    June (today is 15 June): one 10 so far, NPS 100, in progress."""
    survey = make_survey()
    for score, day in [(10, 2), (9, 10), (7, 20), (3, 31)]:
        answer(survey, score, at(2026, 3, day))
    answer(survey, 0, at(2026, 5, 4))
    answer(survey, 6, at(2026, 5, 28))
    answer(survey, 10, at(2026, 6, 1))
    filters = TrendFilters(date_from=date(2026, 3, 1), date_to=date(2026, 6, 15), grain=MONTH)

    trend = survey_trend(survey, filters, today=date(2026, 6, 15))

    assert summary(trend) == [
        (date(2026, 3, 1), 4, 25.0, False),
        (date(2026, 4, 1), 0, None, False),
        (date(2026, 5, 1), 2, -100.0, False),
        (date(2026, 6, 1), 1, 100.0, True),
    ]
    assert (trend.first_day, trend.last_day) == (date(2026, 3, 1), date(2026, 6, 30))


def test_csat_is_the_share_of_4_and_5_and_ces_the_mean(make_survey) -> None:
    """CSAT 5, 4, 3 and 1: 2 of 4 satisfied, 50 %. CES 7, 5 and 3: mean (7 + 5 + 3) / 3 = 5."""
    csat = make_survey(kind=Survey.Kind.CSAT)
    ces = make_survey(kind=Survey.Kind.CES)
    for score in (5, 4, 3, 1):
        answer(csat, score, at(2026, 2, 10))
    for score in (7, 5, 3):
        answer(ces, score, at(2026, 2, 10))
    filters = TrendFilters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))

    csat_trend = survey_trend(csat, filters, today=date(2026, 4, 1))
    ces_trend = survey_trend(ces, filters, today=date(2026, 4, 1))

    assert summary(csat_trend) == [(date(2026, 2, 1), 4, 50.0, False)]
    assert summary(ces_trend) == [(date(2026, 2, 1), 3, 5.0, False)]


@pytest.fixture
def households(segment: CustomerSegment) -> Customer:
    """A household customer."""
    return CustomerFactory.create(segment=segment)


@pytest.mark.parametrize("by_answer", [False, True], ids=["day counts", "answers"])
def test_weeks_start_on_monday_in_the_organisations_time_zone(
    make_survey, households: Customer, segment: CustomerSegment, by_answer: bool
) -> None:
    """Monday 2 March 00:30 in Amsterdam is Sunday 23:30 UTC, yet in the week of 2 March, as
    is Sunday 8 March 23:30; Monday 9 March opens the next week. The day counts and the answers
    (read when a segment is asked for) group them alike."""
    survey = make_survey()
    for moment in (at(2026, 3, 2, 0, 30), at(2026, 3, 8, 23, 30), at(2026, 3, 9, 8)):
        answer(survey, 9, moment, customer=households)
    filters = TrendFilters(
        date_from=date(2026, 3, 2),
        date_to=date(2026, 3, 15),
        grain=WEEK,
        segment=segment.pk if by_answer else None,
    )

    trend = survey_trend(survey, filters, today=date(2026, 4, 1))

    assert summary(trend) == [
        (date(2026, 3, 2), 2, 100.0, False),
        (date(2026, 3, 9), 1, 100.0, False),
    ]


@pytest.mark.parametrize("by_answer", [False, True], ids=["day counts", "answers"])
def test_months_end_at_local_midnight(
    make_survey, households: Customer, segment: CustomerSegment, by_answer: bool
) -> None:
    """31 March 23:30 in Amsterdam (21:30 UTC) is March's; 1 April 00:30 (31 March 22:30 UTC)
    is April's."""
    survey = make_survey()
    answer(survey, 10, at(2026, 3, 31, 23, 30), customer=households)
    answer(survey, 0, at(2026, 4, 1, 0, 30), customer=households)
    filters = TrendFilters(
        date_from=date(2026, 3, 1),
        date_to=date(2026, 4, 30),
        segment=segment.pk if by_answer else None,
    )

    trend = survey_trend(survey, filters, today=date(2026, 6, 1))

    assert summary(trend) == [
        (date(2026, 3, 1), 1, 100.0, False),
        (date(2026, 4, 1), 1, -100.0, False),
    ]


def test_dates_widen_to_whole_periods_within_the_surveys_life(make_survey) -> None:
    """A window from 15 March charts March whole; one from before the survey opened (10
    February) starts with February; nothing after today (15 May) is charted."""
    survey = make_survey(starts_at=at(2026, 2, 10))
    answer(survey, 9, at(2026, 3, 3))
    answer(survey, 9, at(2026, 3, 20))

    from_mid_march = survey_trend(
        survey, TrendFilters(date_from=date(2026, 3, 15)), today=date(2026, 5, 15)
    )
    from_january = survey_trend(
        survey,
        TrendFilters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
        today=date(2026, 5, 15),
    )

    assert [point.period for point in from_mid_march.points] == [
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
    ]
    assert from_mid_march.points[0].answers == 2
    assert from_january.points[0].period == date(2026, 2, 1)
    assert from_january.points[-1].period == date(2026, 5, 1)
    assert from_january.points[-1].in_progress


def test_a_closed_surveys_last_month_is_not_in_progress(make_survey) -> None:
    """A survey closed on 10 May takes no more answers: on 20 May, May is complete."""
    survey = make_survey(ends_at=at(2026, 5, 10))
    answer(survey, 9, at(2026, 5, 3))

    trend = survey_trend(survey, TrendFilters(date_from=date(2026, 5, 1)), today=date(2026, 5, 20))

    assert summary(trend) == [(date(2026, 5, 1), 1, 100.0, False)]


def test_answers_imported_from_before_the_survey_opened_are_charted(make_survey) -> None:
    """A survey set up in March with January's answers loaded from the old tool: by default the
    chart starts in January, not when the survey was set up."""
    survey = make_survey(starts_at=at(2026, 3, 1))
    answer(survey, 10, at(2026, 1, 15))

    trend = survey_trend(survey, today=date(2026, 4, 10))

    assert trend.points[0].period == date(2026, 1, 1)
    assert trend.points[0].answers == 1


def test_no_window_before_the_survey_opens(make_survey) -> None:
    """Dates that end before the survey opened chart nothing."""
    survey = make_survey(starts_at=at(2026, 3, 1))

    trend = survey_trend(
        survey,
        TrendFilters(date_from=date(2026, 1, 1), date_to=date(2026, 2, 1)),
        today=date(2026, 4, 1),
    )

    assert trend.points == []
    assert trend.first_day is None


# Filters ----------------------------------------------------------------------------------------


def test_filters_keep_the_answers_of_a_touchpoint_journey_and_segment(
    make_survey, touchpoint: Touchpoint, delivery: Touchpoint, segment: CustomerSegment
) -> None:
    """Answers recorded about the checkout before the survey's scope was corrected to the
    delivery keep their touchpoint: the touchpoint filter tells them apart, the segment filter
    keeps only its customers' answers, and the journey holds both touchpoints."""
    survey = make_survey(touchpoint=delivery)
    business = SegmentFactory.create(name="Small businesses")
    household = CustomerFactory.create(segment=segment)
    firm = CustomerFactory.create(segment=business)
    for score, customer in [(10, household), (10, household), (0, firm)]:
        answer(survey, score, at(2026, 3, 5), customer=customer)
    earlier = answer(survey, 0, at(2026, 3, 6), customer=household)
    SurveyResponse.objects.filter(pk=earlier.pk).update(touchpoint=touchpoint)
    window: dict[str, Any] = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}

    def nps(**filters: Any) -> tuple[int, float | None]:
        point = survey_trend(
            survey, TrendFilters(**window, **filters), today=date(2026, 4, 1)
        ).points[0]
        return point.answers, point.score

    assert nps() == (4, 0.0)
    assert nps(touchpoint=delivery.pk) == (3, pytest.approx(100 / 3))
    assert nps(touchpoint=touchpoint.pk) == (1, -100.0)
    assert nps(segment=segment.pk) == (3, pytest.approx(100 / 3))
    assert nps(segment=segment.pk, touchpoint=delivery.pk) == (2, 100.0)
    assert nps(journey=delivery.stage.journey_id) == (4, 0.0)


def test_trend_queries_stay_flat_as_answers_grow(make_survey, segment: CustomerSegment) -> None:
    """One query for the periods, with or without an answer filter, however many answers."""
    survey = make_survey()
    customer = CustomerFactory.create(segment=segment)
    answer(survey, 9, at(2026, 3, 2), customer=customer)
    window: dict[str, Any] = {"date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30)}

    def grow() -> None:
        for month in range(1, 7):
            for score in (0, 5, 9, 10):
                answer(survey, score, at(2026, month, 12), customer=customer)

    assert_queries_flat(
        lambda: survey_trend(survey, TrendFilters(**window), today=date(2026, 7, 1)), grow
    )
    assert_queries_flat(
        lambda: survey_trend(
            survey, TrendFilters(**window, segment=segment.pk), today=date(2026, 7, 1)
        ),
        grow,
    )


# eNPS anonymity ---------------------------------------------------------------------------------


def pulse_answers(survey: Survey, per_month: dict[int, list[int]]) -> None:
    """Record eNPS answers of 2026 by month: {month: [scores]}."""
    for month, scores in per_month.items():
        for score in scores:
            answer(survey, score, at(2026, month, 15))


def test_enps_months_under_five_answers_show_no_score_nor_the_smallest_beside_them(
    make_survey,
) -> None:
    """January 6 answers, February 3, March 7. February is under the threshold of 5; alone it
    would be the survey's overall eNPS minus January's and March's, so January (the smallest
    month shown) loses its score too. March: 9, 9, 9, 8, 8, 2, 1 is (3 - 2) / 7, eNPS 14.3."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {1: [9] * 6, 2: [0, 0, 0], 3: [9, 9, 9, 8, 8, 2, 1]})

    trend = survey_trend(
        survey,
        TrendFilters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)),
        today=date(2026, 4, 10),
    )

    assert [(p.period.month, p.answers, p.hidden) for p in trend.points] == [
        (1, 6, True),
        (2, 3, True),
        (3, 7, False),
    ]
    assert [p.score for p in trend.points[:2]] == [None, None]
    assert round(trend.points[2].score or 0, 1) == 14.3


def test_enps_hides_the_same_months_whatever_window_is_asked_for(make_survey) -> None:
    """Charting January alone still hides it: comparing two windows gives nothing away."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {1: [9] * 6, 2: [0, 0, 0], 3: [9] * 7})

    january = survey_trend(
        survey,
        TrendFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)),
        today=date(2026, 4, 10),
    )

    assert [(p.period.month, p.hidden) for p in january.points] == [(1, True)]


def test_enps_small_months_that_make_a_group_together_hide_nothing_more(make_survey) -> None:
    """February's 3 and March's 2 answers make 5 together: January keeps its score."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {1: [9] * 6, 2: [0, 0, 0], 3: [9, 9]})

    trend = survey_trend(survey, TrendFilters(date_from=date(2026, 1, 1)), today=date(2026, 4, 10))

    assert [(p.period.month, p.hidden) for p in trend.points] == [
        (1, False),
        (2, True),
        (3, True),
        (4, False),
    ]
    assert trend.points[0].score == 100.0


def test_enps_counts_answers_from_before_the_window_and_the_survey(make_survey) -> None:
    """Three answers loaded for December 2025, before the pulse was set up in January: too few,
    so January's 6 lose their score too, though December is outside every window."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    answer(survey, 0, datetime(2025, 12, 10, 12, tzinfo=ZONE))
    answer(survey, 0, datetime(2025, 12, 11, 12, tzinfo=ZONE))
    answer(survey, 0, datetime(2025, 12, 12, 12, tzinfo=ZONE))
    pulse_answers(survey, {1: [9] * 6, 2: [9] * 8})

    trend = survey_trend(survey, TrendFilters(date_from=date(2026, 1, 1)), today=date(2026, 2, 20))

    assert [(p.period.month, p.hidden) for p in trend.points] == [(1, True), (2, False)]


def test_enps_is_charted_by_month_whatever_else_is_asked(
    make_survey, segment: CustomerSegment
) -> None:
    """Weeks and a segment are not offered for eNPS; asked anyway, the months come back."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {3: [9] * 5})

    trend = survey_trend(
        survey,
        TrendFilters(date_from=date(2026, 3, 1), grain=WEEK, segment=segment.pk),
        today=date(2026, 3, 31),
    )

    assert trend.grain == MONTH
    assert summary(trend) == [(date(2026, 3, 1), 5, 100.0, True)]


# The page ---------------------------------------------------------------------------------------


def figure_of(response: Any) -> dict[str, Any]:
    """Return the trend chart's payload (figure, table) as the page hands it to plotly.js."""
    match = re.search(
        r'<script id="chart-survey-trend-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page has no trend chart"
    payload: dict[str, Any] = json.loads(match.group(1))
    return payload


def test_results_page_charts_the_score_per_month_with_its_answers(
    client_for: Callable[[str], Client], make_survey
) -> None:
    """The figure holds March's NPS of 25 and April's gap; its table says so in words."""
    survey = make_survey()
    for score in (10, 9, 7, 3):
        answer(survey, score, at(2026, 3, 10))
    answer(survey, 10, at(2026, 5, 10))
    url = reverse("feedback:survey-detail", args=[survey.pk])

    response = client_for("quality_manager").get(
        url, {"date_from": "2026-03-01", "date_to": "2026-05-31"}
    )

    assert response.status_code == 200
    payload = figure_of(response)
    score_trace = payload["figure"]["data"][0]
    assert score_trace["y"] == [25.0, None, 100.0]
    assert payload["below"]["data"][0]["y"] == [4, 0, 1]
    assert payload["table"]["rows"][1] == ["Apr 2026", None, 0, "no answers"]
    export = f'href="/feedback/surveys/{survey.pk}/responses.csv?date_from=2026-03-01'
    assert export in response.content.decode()


def test_results_page_names_each_refused_filter_next_to_its_field(
    client_for: Callable[[str], Client], make_survey, touchpoint: Touchpoint
) -> None:
    """An end before the start and a touchpoint of another journey: 400, each error by its
    field, no chart and no export link (it would export more than was asked for)."""
    survey = make_survey()
    elsewhere = JourneyFactory.create(name="Get support")

    response = client_for("quality_manager").get(
        reverse("feedback:survey-detail", args=[survey.pk]),
        {
            "date_from": "2026-05-01",
            "date_to": "2026-03-01",
            "journey": str(elsewhere.pk),
            "touchpoint": str(touchpoint.pk),
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="date_to"' in page
    assert "The end comes on or after the start" in page
    assert 'data-field-error="touchpoint"' in page
    assert "This touchpoint belongs to the journey Buy online." in page
    assert "chart-survey-trend-data" not in page
    assert 'data-testid="export"' not in page


def test_frontline_staff_see_the_survey_without_its_results_over_time(
    client_for: Callable[[str], Client], make_survey
) -> None:
    survey = make_survey()
    answer(survey, 9, at(2026, 3, 10))

    response = client_for("frontline").get(reverse("feedback:survey-detail", args=[survey.pk]))

    assert response.status_code == 200
    assert 'data-testid="trend"' not in response.content.decode()


def test_enps_page_offers_months_and_dates_only(
    client_for: Callable[[str], Client], make_survey
) -> None:
    """No segment, journey or touchpoint filter, no week, no export of the answers."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {3: [9] * 5})

    response = client_for("quality_manager").get(
        reverse("feedback:survey-detail", args=[survey.pk]),
        {"grain": "week", "segment": "1", "date_from": "2026-03-01", "date_to": "2026-03-31"},
    )

    page = response.content.decode()
    assert response.status_code == 400  # a week is not a choice here
    assert 'name="segment"' not in page
    assert 'name="touchpoint"' not in page
    assert 'value="week"' not in page
    assert 'data-testid="no-export"' in page


def test_enps_chart_says_why_a_month_has_no_score(
    client_for: Callable[[str], Client], make_survey
) -> None:
    """January 6 answers, February 3, March 5: February is too small, and March (the smallest
    month with enough) would give it away."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    pulse_answers(survey, {1: [9] * 6, 2: [0, 0, 0], 3: [9] * 5})

    response = client_for("quality_manager").get(
        reverse("feedback:survey-detail", args=[survey.pk]),
        {"date_from": "2026-01-01", "date_to": "2026-03-31"},
    )

    payload = figure_of(response)
    assert payload["figure"]["data"][0]["y"] == [100.0, None, None]
    assert [row[3] for row in payload["table"]["rows"]] == [
        "",
        "fewer than 5 answers: no score, to protect anonymity",
        "no score: with the overall eNPS it would give away a smaller month's answers",
    ]


def test_results_page_queries_stay_flat_as_answers_grow(
    client_for: Callable[[str], Client], make_survey, segment: CustomerSegment
) -> None:
    """With a segment filter (the answers are read), many answers cost what one does."""
    survey = make_survey()
    customer = CustomerFactory.create(segment=segment)
    answer(survey, 9, at(2026, 3, 2), customer=customer)
    client = client_for("quality_manager")
    url = reverse("feedback:survey-detail", args=[survey.pk])
    query = {"date_from": "2026-01-01", "date_to": "2026-06-30", "segment": str(segment.pk)}

    def grow() -> None:
        for month in range(1, 7):
            for score in (0, 5, 9, 10):
                answer(survey, score, at(2026, month, 12), customer=customer, comment="Fine.")

    assert_queries_flat(lambda: client.get(url, query), grow)
