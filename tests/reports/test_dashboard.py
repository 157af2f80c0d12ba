"""The system-health dashboard: each panel on a small hand-built organisation, the filters, the
constant cost while the history grows, and where each role lands.

The organisation's clock stands at 15 July 2026, so June 2026 is the last complete month and July
is in progress. Snapshots and verdicts are written as the recompute stores them.
"""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Severity, Survey, SurveyResponse
from improvement.services import actions
from metrics.models import Driver, Indicator, Snapshot
from reports.selectors.dashboard.heat import month_windows
from reports.selectors.dashboard.periods import window_for
from reports.templatetags import dashboard_matrix
from stakeholders.constants import StakeholderGroup
from tests.core.factories import UserFactory
from tests.feedback.factories import ComplaintFactory, SurveyFactory
from tests.improvement.factories import planned_cycle
from tests.improvement.suggested import waiting_suggestion
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import IndicatorFactory
from tests.stakeholders.factories import SegmentFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 15)
JUNE, MAY, JULY, LAST_JUNE = date(2026, 6, 1), date(2026, 5, 1), date(2026, 7, 1), date(2025, 6, 1)
DASHBOARD = "/reports/"
# Net Promoter Score by month, June 2025 to July 2026 (July in progress).
NPS_VALUES = [30.0, 31.0, 32.0, 33.0, 34.0, 33.0, 34.0, 35.0, 36.0, 34.0, 36.0, 35.0, 42.0, 44.0]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand the organisation's clock at 15 July 2026."""
    monkeypatch.setattr("metrics.periods.local_today", lambda: TODAY)


def months_from(first: date, count: int) -> list[date]:
    periods = [first]
    while len(periods) < count:
        last = periods[-1]
        periods.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return periods


def store(indicator: Indicator, values: dict[date, float], **verdicts: Any) -> Indicator:
    """Write an indicator's snapshots and the verdicts the recompute would store."""
    Snapshot.objects.bulk_create(
        Snapshot(indicator=indicator, period=period, value=value, n=1)
        for period, value in values.items()
    )
    Indicator.objects.filter(pk=indicator.pk).update(**verdicts)
    indicator.refresh_from_db()
    return indicator


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(make_user: Any) -> SimpleNamespace:
    """Two journeys, four active indicators (one weekly), one retired, drivers, a cycle with an
    overdue action, a waiting suggestion, complaints and NPS answers at the touchpoints."""
    retail, business = SegmentFactory.create(name="Retail"), SegmentFactory.create(name="Business")
    support = JourneyFactory.create(name="Get support", segment=retail)
    onboard = JourneyFactory.create(name="Onboard", segment=business)
    ask = StageFactory.create(journey=support, name="Ask")
    resolve = StageFactory.create(journey=support, name="Resolve")
    sign_up = StageFactory.create(journey=onboard, name="Sign up")
    ask_web = TouchpointFactory.create(stage=ask, name="Help page")
    resolve_phone = TouchpointFactory.create(stage=resolve, name="Call centre")
    resolve_chat = TouchpointFactory.create(stage=resolve, name="Chat")
    TouchpointFactory.create(stage=sign_up, name="Sign-up form")

    nps = store(
        IndicatorFactory.create(
            code="nps",
            name="Net Promoter Score",
            kind=Indicator.Kind.LAGGING,
            journey=support,
            target=40,
        ),
        dict(zip(months_from(LAST_JUNE, 14), NPS_VALUES, strict=True)),
        status=Indicator.Status.MEETS_TARGET,
        variation=Indicator.Variation.SPECIAL_IMPROVING,
        assurance=Indicator.Assurance.HIT_AND_MISS,
        trend=Indicator.TrendVerdict.IMPROVING,
        trend_slope=0.8,
        trend_p_value=0.01,
        latest_period=JUNE,
        latest_value=42.0,
        complete_before=JULY,
        current_period=JULY,
        current_value=44.0,
    )
    turnover = store(
        IndicatorFactory.create(
            code="turnover",
            name="Staff turnover",
            kind=Indicator.Kind.LAGGING,
            stakeholder_group=StakeholderGroup.EMPLOYEES,
            direction=Indicator.Direction.LOWER_IS_BETTER,
            unit="%",
            target=10,
        ),
        {LAST_JUNE: 11.0, MAY: 12.0, JUNE: 15.0},
        status=Indicator.Status.RED,
        variation=Indicator.Variation.SPECIAL_DETERIORATING,
        assurance=Indicator.Assurance.FAILING,
        trend=Indicator.TrendVerdict.DETERIORATING,
        latest_period=JUNE,
        complete_before=JULY,
    )
    courier = store(
        IndicatorFactory.create(
            code="courier-on-time",
            name="Courier on time",
            stakeholder_group=StakeholderGroup.PARTNERS,
            touchpoint=resolve_phone,
            unit="%",
            target=92,
        ),
        {MAY: 90.0, JUNE: 88.0},
        status=Indicator.Status.AMBER,
        variation=Indicator.Variation.COMMON_CAUSE,
        assurance=Indicator.Assurance.HIT_AND_MISS,
        trend=Indicator.TrendVerdict.NO_TREND,
        latest_period=JUNE,
        complete_before=JULY,
    )
    weekly = store(
        IndicatorFactory.create(
            code="weekly-complaints",
            name="Weekly complaints",
            grain=Indicator.Grain.WEEK,
            journey=onboard,
            direction=Indicator.Direction.LOWER_IS_BETTER,
        ),
        {
            date(2025, 6, 23): 20.0,
            date(2026, 6, 15): 14.0,
            date(2026, 6, 22): 12.0,
            date(2026, 6, 29): 9.0,
        },
        status=Indicator.Status.WITHIN_TOLERANCE,
        variation=Indicator.Variation.COMMON_CAUSE,
        latest_period=date(2026, 6, 29),
        complete_before=date(2026, 7, 13),
    )
    IndicatorFactory.create(code="retired", name="Retired measure", is_active=False)
    Driver.objects.create(
        leading=courier, lagging=nps, best_lag=1, best_r=0.72, best_p_value=0.004, best_n=20
    )
    Driver.objects.create(
        leading=weekly, lagging=nps, best_lag=0, best_r=-0.41, best_p_value=0.08, best_n=20
    )

    manager = make_user("quality_manager", username="quinn")
    cycle = planned_cycle(manager, nps)
    actions.action_add(
        cycle=cycle, by=manager, title="Retrain the chat team", owner=manager, due_on=JULY
    )
    waiting_suggestion()

    complaints = {
        # (touchpoint, received on): June at the help page twice, once in May and last June.
        "ask-june-answered": (ask_web, date(2026, 6, 3)),
        "ask-june-open": (ask_web, date(2026, 6, 20)),
        "ask-may": (ask_web, date(2026, 5, 12)),
        "ask-last-june": (ask_web, date(2025, 6, 9)),
        "phone-june": (resolve_phone, date(2026, 6, 11)),
        "chat-june": (resolve_chat, date(2026, 6, 28)),
    }
    logged = {
        key: ComplaintFactory.create(touchpoint=touchpoint, received_at=at(day))
        for key, (touchpoint, day) in complaints.items()
    }
    # Answered within both clocks: the only June complaint that breached no SLA.
    answered = logged["ask-june-answered"]
    feedback_services.complaint_acknowledge(
        complaint=answered, by=manager, at=answered.received_at + timedelta(hours=1)
    )
    feedback_services.complaint_respond(
        complaint=answered,
        by=manager,
        decision="Refunded the delivery fee.",
        at=answered.received_at + timedelta(hours=2),
    )

    survey = SurveyFactory.create(kind=Survey.Kind.NPS, touchpoint=ask_web)
    for day, scores in ((JUNE, [10, 9, 7, 3]), (MAY, [10, 10]), (LAST_JUNE, [0])):
        for score in scores:
            feedback_services.survey_respond(
                survey=survey,
                score=score,
                channel=SurveyResponse.Channel.API,
                responded_at=at(day + timedelta(days=4)),
            )
    return SimpleNamespace(
        manager=manager,
        support=support,
        onboard=onboard,
        retail=retail,
        business=business,
        ask=ask,
        resolve=resolve,
        sign_up=sign_up,
        nps=nps,
        turnover=turnover,
        courier=courier,
        weekly=weekly,
        cycle=cycle,
    )


def page(client: Client, query: str = "", status: int = 200) -> Any:
    response = client.get(f"{DASHBOARD}{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def row_html(html: str, code: str) -> str:
    """Return the matrix row of an indicator."""
    found = re.search(rf'<tr data-indicator="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert found, f"no matrix row for {code}"
    return found.group(1)


def matrix_row(response: Any, code: str) -> Any:
    return next(item.row for item in response.context["matrix"] if item.row.indicator.code == code)


def matrix_codes(response: Any) -> list[str]:
    return [item.row.indicator.code for item in response.context["matrix"]]


# The periods ---------------------------------------------------------------------------------


def test_a_week_stands_for_a_month_by_its_last_week_ending_in_the_month() -> None:
    """June 2026 ends on Tuesday 30 June: the week of 29 June runs into July, so June's week is
    the one of 22 June; the one before starts on 15 June; 52 weeks before, on 23 June 2025."""
    window = window_for("week", JUNE, TODAY)

    assert (window.period, window.previous, window.last_year) == (
        date(2026, 6, 22),
        date(2026, 6, 15),
        date(2025, 6, 23),
    )
    assert window.first == date(2026, 3, 30)  # 12 weeks before the chosen one
    assert window.in_progress is False


def test_the_month_in_progress_reads_the_period_in_progress() -> None:
    """In July 2026 (today the 15th) a weekly indicator reads the week of 13 July, so far."""
    window = window_for("week", JULY, TODAY)

    assert window.period == date(2026, 7, 13)
    assert window.in_progress is True


# The summary matrix ----------------------------------------------------------------------------


def test_matrix_lists_the_active_indicators_by_stakeholder_group(world: Any, client_for) -> None:
    """Customers first (NPS, then weekly complaints by name), then employees, then partners; the
    retired indicator is left out."""
    response = page(client_for("quality_manager"))

    assert matrix_codes(response) == ["nps", "weekly-complaints", "turnover", "courier-on-time"]
    html = response.content.decode()
    assert html.index('data-group-heading="customers"') < html.index(
        'data-group-heading="employees"'
    )


def test_matrix_shows_the_month_the_previous_one_and_last_years(world: Any, client_for) -> None:
    """NPS in June 2026 is 42 against 35 in May (+7, better) and 30 in June 2025 (+12, better);
    staff turnover, where lower is better, rose from 12 % to 15 % (+3, worse)."""
    response = page(client_for("quality_manager"))

    rows = {item.row.indicator.code: item.row for item in response.context["matrix"]}
    nps, turnover, weekly = rows["nps"], rows["turnover"], rows["weekly-complaints"]
    assert (nps.value, nps.previous, nps.last_year) == (42.0, 35.0, 30.0)
    assert (nps.change_previous.difference, nps.change_previous.better) == (7.0, True)
    assert (nps.change_last_year.difference, nps.change_last_year.better) == (12.0, True)
    assert (turnover.change_previous.difference, turnover.change_previous.better) == (3.0, False)
    # The weekly indicator reads the week of 22 June, the one before and 52 weeks before.
    assert (weekly.value, weekly.previous, weekly.last_year) == (12.0, 14.0, 20.0)
    assert rows["courier-on-time"].last_year is None


def test_matrix_sparkline_holds_the_last_twelve_complete_periods(world: Any, client_for) -> None:
    """NPS's sparkline runs July 2025 to June 2026 (12 values; July 2026 is in progress, June 2025
    the 13th back) and its last point takes the stored variation's colour, "improving"."""
    response = page(client_for("quality_manager"))

    nps = next(item for item in response.context["matrix"] if item.row.indicator.code == "nps")
    row = nps.row
    assert row.sparkline_periods == months_from(date(2025, 7, 1), 12)
    assert row.sparkline_values == NPS_VALUES[1:13]
    assert row.last_state == "improving"
    assert nps.chart.compact is True


def test_matrix_sparkline_marks_the_stored_signals_by_their_side_of_the_centre(
    world: Any, client_for
) -> None:
    """NPS (higher is better) with a stored signal in October 2025 above a centre of 30 and one
    in January 2026 below it: the first improves, the second concerns; the rest are common."""
    snapshots = Snapshot.objects.filter(indicator=world.nps)
    snapshots.filter(period=date(2025, 10, 1)).update(signals=["we1"], center=-100.0)
    snapshots.filter(period=date(2026, 1, 1)).update(signals=["we2"], center=100.0)

    response = page(client_for("quality_manager"))

    nps = next(item for item in response.context["matrix"] if item.row.indicator.code == "nps")
    states = dict(zip(nps.row.sparkline_periods, nps.row.sparkline_states, strict=True))
    assert states.pop(date(2025, 10, 1)) == "improving"
    assert states.pop(date(2026, 1, 1)) == "concerning"
    assert set(states.values()) == {None}
    marked = {trace.name: list(trace.x) for trace in nps.chart.plotly_figure().data[1:]}
    assert len(marked["Special cause, improving"]) == 1
    assert len(marked["Special cause, concerning"]) == 1


def test_matrix_icons_are_the_stored_verdicts(world: Any, client_for) -> None:
    """Each row's status, variation, assurance and trend icons carry the indicator's stored
    fields, drawn by the indicator page's own partials."""
    html = page(client_for("quality_manager")).content.decode()

    for indicator in (world.nps, world.turnover, world.courier, world.weekly):
        row = row_html(html, indicator.code)
        assert f'data-status="{indicator.status}"' in row
        assert f'data-variation="{indicator.variation}"' in row
        assert f'data-assurance="{indicator.assurance}"' in row
        assert f'data-trend="{indicator.trend}"' in row
        assert 'class="mdc-icon"' in row  # the same SVG as on the indicator page


def test_matrix_counts_the_open_cycles_on_each_indicator(world: Any, client_for) -> None:
    """The cycle in Plan targets NPS: one open cycle there, none elsewhere."""
    html = page(client_for("quality_manager")).content.decode()

    assert 'data-open-cycles="1"' in row_html(html, "nps")
    assert 'data-open-cycles="0"' in row_html(html, "turnover")


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("?group=employees", ["turnover"]),
        ("?kind=leading", ["weekly-complaints", "courier-on-time"]),
        # The courier indicator is scoped to a touchpoint of the support journey.
        ("?journey={support}", ["nps", "courier-on-time"]),
        ("?segment={business}", ["weekly-complaints"]),
    ],
    ids=["group", "kind", "journey", "segment"],
)
def test_matrix_filters(world: Any, client_for, query: str, codes: list[str]) -> None:
    """The group, kind, journey and segment filters keep only the matching indicators."""
    url = query.format(support=world.support.pk, business=world.business.pk)

    assert matrix_codes(page(client_for("quality_manager"), url)) == codes


def test_an_earlier_month_compares_with_its_own_previous_and_last_year(world, client_for) -> None:
    """May 2026: NPS is 35 against 36 in April (-1, worse) and no value in May 2025."""
    response = page(client_for("quality_manager"), "?period=2026-05")

    nps = next(item.row for item in response.context["matrix"] if item.row.indicator.code == "nps")
    assert (nps.value, nps.previous, nps.last_year) == (35.0, 36.0, None)
    assert nps.change_previous.better is False
    # The stored verdicts judge June, not May: the last point of May's sparkline is not coloured.
    assert nps.last_state is None


def test_the_month_in_progress_shows_values_so_far_without_a_verdict(world, client_for) -> None:
    """July 2026 so far: NPS 44 against June's 42, a change that is neither better nor worse."""
    response = page(client_for("quality_manager"), "?period=2026-07")

    nps = next(item.row for item in response.context["matrix"] if item.row.indicator.code == "nps")
    assert (nps.value, nps.in_progress) == (44.0, True)
    assert (nps.change_previous.difference, nps.change_previous.better) == (2.0, None)
    assert nps.sparkline_periods[-1] == JUNE  # the period in progress is not drawn
    assert 'data-testid="so-far"' in response.content.decode()


def test_an_invalid_filter_is_named_next_to_its_field(world: Any, client_for) -> None:
    """A month not offered answers 400 with the error at the field; the page still shows June."""
    response = page(client_for("quality_manager"), "?period=1999-13&group=employees", status=400)

    html = response.content.decode()
    assert 'data-field-error="period"' in html
    assert response.context["filters"].month == JUNE
    assert matrix_codes(response) == ["turnover"]  # the valid filters still apply


def test_matrix_sorts_by_a_column_and_reverses(world: Any, client_for) -> None:
    """Within customers, sorting by status puts weekly complaints (missing its target) before NPS
    (meeting it); again reversed puts NPS first; the heading says how it is sorted."""
    client = client_for("quality_manager")

    by_status = page(client, "?sort=status")
    reversed_status = page(client, "?sort=-status")

    assert matrix_codes(by_status)[:2] == ["weekly-complaints", "nps"]
    assert matrix_codes(reversed_status)[:2] == ["nps", "weekly-complaints"]
    assert 'aria-sort="ascending"' in by_status.content.decode()
    assert "sort=-status" in by_status.content.decode()  # the heading's link reverses it


# The balance, leading and lagging, drivers ----------------------------------------------------


def test_balance_counts_each_group_and_names_the_unmeasured(world: Any, client_for) -> None:
    """Customers: NPS on target and improving, weekly complaints off target: "watch"; employees:
    turnover red and concerning; partners: the courier amber; leaders, shareholders and
    communities have no indicator."""
    response = page(client_for("quality_manager"))

    groups = {group.group: group for group in response.context["balance"]}
    customers, employees = groups["customers"], groups["employees"]
    assert (customers.total, customers.on_target, customers.off_target) == (2, 1, 1)
    assert (customers.improving, customers.state) == (1, "amber")
    assert (employees.red, employees.concerning, employees.state) == (1, 1, "red")
    assert (groups["partners"].off_target, groups["partners"].state) == (1, "amber")
    unmeasured = [key for key, group in groups.items() if group.state == "unmeasured"]
    assert unmeasured == ["leaders", "shareholders", "communities"]
    assert "No indicator measures this group yet." in response.content.decode()


def test_a_group_whose_indicators_all_meet_their_targets_is_healthy(world, client_for) -> None:
    """With the weekly complaints back on target, customers are "healthy"; a group of indicators
    without targets is "not judged"."""
    Indicator.objects.filter(code="weekly-complaints").update(status=Indicator.Status.MEETS_TARGET)
    IndicatorFactory.create(
        stakeholder_group=StakeholderGroup.LEADERS, status=Indicator.Status.NO_TARGET
    )

    groups = {group.group: group for group in page(client_for("executive")).context["balance"]}

    assert groups["customers"].state == "green"
    assert groups["leaders"].state == "unjudged"


def test_leading_and_lagging_sit_side_by_side_worst_first(world: Any, client_for) -> None:
    """Lagging: staff turnover (red) before NPS (on target); leading: the courier (amber) before
    the weekly complaints (within tolerance)."""
    kinds = page(client_for("quality_manager")).context["kinds"]

    assert [indicator.code for indicator in kinds["lagging"]["indicators"]] == ["turnover", "nps"]
    assert [indicator.code for indicator in kinds["leading"]["indicators"]] == [
        "courier-on-time",
        "weekly-complaints",
    ]


def test_strongest_drivers_come_first_with_their_stored_lag(world: Any, client_for) -> None:
    """|0.72| beats |-0.41|: the courier drives NPS most strongly, at a lag of one month."""
    response = page(client_for("quality_manager"))

    drivers = response.context["drivers"]
    assert [(driver.leading.code, driver.best_lag) for driver in drivers] == [
        ("courier-on-time", 1),
        ("weekly-complaints", 0),
    ]
    assert 'data-driver="courier-on-time:nps"' in response.content.decode()


# Journey health --------------------------------------------------------------------------------


def cells(response: Any) -> dict[tuple[str, str], Any]:
    heat = response.context["heat"]
    return {(row.journey.name, cell.stage.name): cell for row in heat.rows for cell in row.cells}


def test_heat_counts_complaints_per_stage_for_the_month(world: Any, client_for) -> None:
    """June 2026: Ask 2 (May 1, June 2025 1), Resolve 2 (call centre and chat), Sign up 0."""
    response = page(client_for("quality_manager"))

    heat = cells(response)
    ask = heat[("Get support", "Ask")]
    assert (ask.value, ask.previous, ask.last_year) == (2, 1, 1)
    assert heat[("Get support", "Resolve")].value == 2
    assert heat[("Onboard", "Sign up")].value == 0
    assert response.context["heat_chart"] is not None


def test_heat_links_each_cell_to_its_stage_touchpoints(world: Any, client_for) -> None:
    """A cell opens its journey's heat view for the same measure and month, at the stage."""
    response = page(client_for("quality_manager"))

    ask = cells(response)[("Get support", "Ask")]
    heat_view = reverse("reports:journey-heat", args=[world.support.pk])
    assert ask.url == (
        f"{heat_view}?measure=complaint_count&date_from=2026-06-01&date_to=2026-06-30"
        f"#stage-{world.ask.pk}"
    )


def test_heat_counts_sla_breaches(world: Any, client_for) -> None:
    """At Ask, the complaint answered within both clocks breached nothing, the one still open
    missed its clock: 1; at Resolve both complaints are still open past due: 2."""
    response = page(client_for("quality_manager"), "?measure=sla_breaches")

    heat = cells(response)
    assert heat[("Get support", "Ask")].value == 1
    assert heat[("Get support", "Resolve")].value == 2


def test_heat_shows_the_nps_of_each_stage_from_the_survey_days(world: Any, client_for) -> None:
    """June at the help page: 10, 9, 7, 3 → 2 promoters, 1 detractor of 4 → NPS 25; May: 10, 10
    → 100; June 2025: 0 → -100. No NPS answer at Resolve: no value."""
    response = page(client_for("quality_manager"), "?measure=nps")

    heat = cells(response)
    ask = heat[("Get support", "Ask")]
    assert (ask.value, ask.previous, ask.last_year, ask.answers) == (25, 100, -100, 4)
    assert heat[("Get support", "Resolve")].value is None


def test_heat_counts_only_the_complaints_a_frontline_user_may_see(world, client_for) -> None:
    """Frontline staff count the complaints they logged or hold: none of these."""
    response = page(client_for("frontline"))

    assert {cell.value for cell in cells(response).values()} == {0}


def test_heat_reads_the_journey_and_segment_filters(world: Any, client_for) -> None:
    """The business segment's journey is Onboard: its row only."""
    response = page(client_for("quality_manager"), f"?segment={world.business.pk}")

    assert [row.journey.name for row in response.context["heat"].rows] == ["Onboard"]


def test_month_windows_are_whole_months() -> None:
    """June 2026: 1 to 30 June, May 1 to 31, June 2025 1 to 30."""
    windows = month_windows(JUNE)

    assert windows == {
        "current": (date(2026, 6, 1), date(2026, 6, 30)),
        "previous": (date(2026, 5, 1), date(2026, 5, 31)),
        "last_year": (date(2025, 6, 1), date(2025, 6, 30)),
    }


# Needs attention -------------------------------------------------------------------------------


def test_needs_attention_counts_what_is_waiting(world: Any, client_for) -> None:
    """One concerning special cause and one red indicator (staff turnover), the cycle's action
    due on 1 July, a complaint whose acknowledgement fell due this week unanswered, and the
    suggestion from yesterday's mystery shop."""
    logged_at = timezone.now() - timedelta(days=3)
    ComplaintFactory.create(severity=Severity.MEDIUM, received_at=logged_at)

    response = page(client_for("quality_manager"))

    counts = {item.key: item.count for item in response.context["attention"]}
    assert counts == {
        "signals": 1,
        "red": 1,
        "overdue-actions": 1,
        "sla-breaches": 1,
        "suggestions": 1,
    }
    lists = {item.key: item for item in response.context["attention"]}
    assert [indicator.code for indicator in lists["red"].items] == ["turnover"]
    assert 'data-attention="overdue-actions"' in response.content.decode()


def test_needs_attention_counts_past_the_five_it_lists(world: Any, client_for) -> None:
    """Seven breached complaints: the list shows the latest five and counts seven (the count
    and the rows come from one query); a list with nothing waiting counts nought."""
    for days in range(2, 9):
        ComplaintFactory.create(received_at=timezone.now() - timedelta(days=days, hours=1))

    response = page(client_for("quality_manager"))

    lists = {item.key: item for item in response.context["attention"]}
    breaches = lists["sla-breaches"]
    assert breaches.count == 7
    assert len(breaches.items) == 5
    received = [complaint.received_at for complaint in breaches.items]
    assert received == sorted(received, reverse=True)
    Indicator.objects.update(status=Indicator.Status.MEETS_TARGET)
    again = {item.key: item for item in page(client_for("quality_manager")).context["attention"]}
    assert (again["red"].count, again["red"].items) == (0, [])


def test_needs_attention_shows_frontline_only_their_complaints(world: Any, make_user) -> None:
    """A colleague's breached complaint is not counted for a frontline member of staff; their
    own is."""
    mine = make_user("frontline", username="fran")
    ComplaintFactory.create(received_at=timezone.now() - timedelta(days=3))
    ComplaintFactory.create(logged_by=mine, received_at=timezone.now() - timedelta(days=3))

    response = page(signed_in(mine))

    lists = {item.key: item for item in response.context["attention"]}
    assert lists["sla-breaches"].count == 1
    assert lists["sla-breaches"].items[0].logged_by == mine


# Cost ------------------------------------------------------------------------------------------


def grow(world: Any) -> None:
    """Add two more years of snapshots to every indicator, five more indicators with a year each,
    more drivers, cycles, complaints and answers."""
    earlier = months_from(date(2023, 6, 1), 24)
    for indicator in (world.nps, world.turnover, world.courier):
        Snapshot.objects.bulk_create(
            Snapshot(indicator=indicator, period=period, value=50.0) for period in earlier
        )
    for number in range(5):
        extra = store(
            IndicatorFactory.create(
                stakeholder_group=StakeholderGroup.LEADERS, journey=world.support
            ),
            dict.fromkeys(months_from(LAST_JUNE, 13), float(number)),
            status=Indicator.Status.RED,
            latest_period=JUNE,
            complete_before=JULY,
        )
        Driver.objects.create(leading=extra, lagging=world.nps, best_lag=2, best_r=0.1)
        planned_cycle(world.manager, extra)
    for day in (date(2026, 6, 2), date(2026, 6, 5), date(2025, 6, 3)):
        ComplaintFactory.create(touchpoint=world.resolve.touchpoints.first(), received_at=at(day))


def test_the_dashboard_costs_the_same_queries_however_long_the_history(
    world: Any, client_for, django_assert_num_queries
) -> None:
    """Two more years of snapshots, five more indicators with drivers and cycles, more complaints:
    the same number of queries for every panel."""
    client = client_for("quality_manager")
    page(client)  # warm the session's caches (roles, permissions)
    with CaptureQueriesContext(connection) as before:
        page(client)

    grow(world)

    with django_assert_num_queries(len(before)):
        page(client)


# Rows kept by their inputs (reports/templatetags/dashboard_matrix.py) -------------------------


@pytest.fixture
def rows_drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Start with no row kept in this process; return the list of rows drawn since (by code)."""
    drawn: list[str] = []
    draw = dashboard_matrix.render_to_string

    def counting(template_name: str, context: dict[str, Any]) -> str:
        drawn.append(context["indicator"].code)
        return draw(template_name, context)

    dashboard_matrix.forget_rows()
    monkeypatch.setattr(dashboard_matrix, "render_to_string", counting)
    return drawn


def test_a_second_visit_draws_no_row_and_shows_the_same_matrix(
    world: Any, client_for, rows_drawn: list[str]
) -> None:
    """Rows are drawn on the first visit; the next visit, by another reader, draws none and
    shows the same rows."""
    first = page(client_for("quality_manager")).content.decode()
    assert sorted(rows_drawn) == sorted(["nps", "turnover", "weekly-complaints", "courier-on-time"])
    rows_drawn.clear()

    second = page(client_for("executive")).content.decode()

    assert rows_drawn == []
    for code in ("nps", "turnover", "weekly-complaints", "courier-on-time"):
        assert row_html(second, code) == row_html(first, code)


def test_a_kept_row_is_drawn_again_when_what_it_shows_changes(
    world: Any, client_for, rows_drawn: list[str]
) -> None:
    """A new value, a new verdict, another open cycle or a renamed journey or touchpoint each
    draw the row again with what changed; the rows that did not change stay kept."""
    client = client_for("quality_manager")
    page(client)
    rows_drawn.clear()

    Snapshot.objects.filter(indicator=world.nps, period=JUNE).update(value=47.5)
    nps = row_html(page(client).content.decode(), "nps")
    assert rows_drawn == ["nps"]
    assert 'data-value="47.5"' in nps

    Indicator.objects.filter(pk=world.nps.pk).update(status=Indicator.Status.RED)
    assert 'data-status="red"' in row_html(page(client).content.decode(), "nps")

    planned_cycle(world.manager, world.nps)
    assert 'data-open-cycles="2"' in row_html(page(client).content.decode(), "nps")

    world.support.name = "Get help"
    world.support.save()
    assert "Get help" in row_html(page(client).content.decode(), "nps")

    world.courier.touchpoint.name = "Phone line"
    world.courier.touchpoint.save()
    assert "Phone line" in row_html(page(client).content.decode(), "courier-on-time")
    assert rows_drawn.count("turnover") == 0


# Who reads it, and where each role lands -------------------------------------------------------


def test_whoever_reads_indicators_reads_the_dashboard(client_for) -> None:
    """Frontline staff, quality managers and executives read it; an account without a role
    cannot."""
    partner_account = Client()
    partner_account.force_login(UserFactory.create())

    for key in ("frontline", "quality_manager", "executive"):
        assert client_for(key).get(DASHBOARD).status_code == 200
    assert partner_account.get(DASHBOARD).status_code == 403


@pytest.mark.parametrize("key", ["quality_manager", "executive"])
def test_quality_managers_and_executives_land_on_the_dashboard(client_for, key: str) -> None:
    """Their home is the dashboard; "My work" keeps their panels."""
    client = client_for(key)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")
    assert client.get(reverse("my-work")).status_code == 200


def test_frontline_staff_keep_their_capture_first_home(client_for) -> None:
    """Frontline staff land on their panels, the complaint capture first."""
    response = client_for("frontline").get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-panel="capture"' in html


def test_the_dashboard_comes_first_in_the_navigation(client_for) -> None:
    """For those who read it, "Dashboard" is the first entry of the bar; the monthly report
    and "My work" follow."""
    html = client_for("quality_manager").get(reverse("my-work")).content.decode()

    entries = re.findall(r'data-nav="([^"]+)"', html)
    assert entries[:3] == ["reports:dashboard", "reports:monthly-list", "my-work"]


def test_a_quality_manager_signing_in_lands_on_the_dashboard(make_user) -> None:
    """Signing in goes home, and home is the dashboard."""
    user = make_user("quality_manager", username="qm-login")
    user.set_password("a-long-enough-password")
    user.save()
    client = Client()

    response = client.post(
        reverse("login"),
        {"username": "qm-login", "password": "a-long-enough-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")
