"""The monthly report's complaints section: volume and rate against the month before and a year
ago, SLA compliance of the clocks due in the month, escalations, categories, themes, ombudsman
cases, its chart and its template."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from feedback import services
from feedback.models import Complaint, Insight, Theme
from metrics.models import Snapshot
from reports.monthly.months import ReportMonth
from reports.monthly.sections import complaints
from reports.selectors.pareto import BY_CATEGORY, complaint_pareto
from tests.feedback.factories import InsightFactory, ThemeFactory
from tests.metrics.factories import IndicatorFactory
from tests.reports.complaint_records import activities, complaint, local

pytestmark = pytest.mark.django_db

NOVEMBER = ReportMonth.parse("2026-11")


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who handles and tags the complaints."""
    return make_user("quality_manager", username="qm")


@pytest.fixture
def frontline(make_user: Any) -> User:
    """A member of frontline staff who logs complaints."""
    return make_user("frontline", username="frank")


def log(frontline: User, manager: User, on: date, **fields: Any) -> Complaint:
    """Log a medium complaint received at 10:00 local time on a day."""
    return complaint(by=frontline, manager=manager, received_on=on, **fields)


def acknowledge(row: Complaint, manager: User, after: timedelta) -> Complaint:
    return services.complaint_acknowledge(complaint=row, by=manager, at=row.received_at + after)


def respond(row: Complaint, manager: User, after: timedelta) -> Complaint:
    return services.complaint_respond(
        complaint=row, by=manager, decision="A new parcel.", at=row.received_at + after
    )


def test_volume_and_rate_compare_with_the_month_before_and_no_record_a_year_ago(
    frontline: User, manager: User
) -> None:
    """Hand-computed: 3 complaints of November on 1,500 activities = 3 / 1500 x 1000 = 2.0 per
    1,000; October's 1 on 500 = 2.0 too; +2 complaints on October's 1 = +200 %. The log began in
    October 2026, so November 2025 has no record (None), not zero."""
    for day in (date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 30)):
        log(frontline, manager, day)
    log(frontline, manager, date(2026, 10, 15))
    activities(1500, on=date(2026, 11, 12))
    activities(500, on=date(2026, 10, 12))
    activities(800, on=date(2025, 11, 12))

    data = complaints.build(NOVEMBER)

    assert (data["received"], data["received_previous"], data["received_year_ago"]) == (3, 1, None)
    assert data["rate"] == pytest.approx(2.0)
    assert data["rate_previous"] == pytest.approx(2.0)
    assert data["rate_year_ago"] is None
    assert data["change_previous"]["received"] == 2
    assert data["change_previous"]["received_percent"] == pytest.approx(200.0)
    assert data["log_began"] == "2026-10-01"


def test_the_rate_is_left_out_without_customer_activities(frontline: User, manager: User) -> None:
    log(frontline, manager, date(2026, 11, 10))

    data = complaints.build(NOVEMBER)

    assert data["received"] == 1
    assert data["rate"] is None


def test_sla_compliance_counts_the_clocks_that_fell_due_in_the_month(
    frontline: User, manager: User
) -> None:
    """Medium complaints: acknowledge within 24 hours, resolve within 5 working days.

    A (Tue 10 Nov) acknowledged after 1 hour, responded after 2 days: both in time.
    B (Tue 10 Nov) acknowledged after 30 hours, responded on Fri 20 Nov (due Tue 17): both late.
    C (Tue 10 Nov) never acknowledged: both clocks ran out in November, so both missed.
    D (Fri 27 Nov) acknowledged after 1 hour: its acknowledgement was due on 28 Nov, its
    resolution only on Fri 4 Dec (not November's).
    E (Fri 30 Oct) acknowledged after 1 hour (October's clock), responded on Tue 3 Nov: its
    resolution was due on Fri 6 Nov, so it counts in November.
    Hand-computed: acknowledgement due in November A, B, C, D, in time A, D: 2 / 4 = 0.5;
    resolution due A, B, C, E, in time A, E: 2 / 4 = 0.5. October: acknowledgement 1 / 1.
    """
    a, b, c, d = (
        log(frontline, manager, day) for day in (date(2026, 11, 10),) * 3 + (date(2026, 11, 27),)
    )
    e = log(frontline, manager, date(2026, 10, 30))
    respond(acknowledge(a, manager, timedelta(hours=1)), manager, timedelta(days=2))
    respond(acknowledge(b, manager, timedelta(hours=30)), manager, timedelta(days=10))
    acknowledge(d, manager, timedelta(hours=1))
    respond(acknowledge(e, manager, timedelta(hours=1)), manager, timedelta(days=4))
    assert c.status == Complaint.Status.RECEIVED

    data = complaints.build(NOVEMBER)

    november, october = data["months"][0], data["months"][1]
    assert (november["acknowledge_met"], november["acknowledge_due"]) == (2, 4)
    assert (november["resolve_met"], november["resolve_due"]) == (2, 4)
    assert data["acknowledge_compliance"] == pytest.approx(0.5)
    assert data["sla_compliance"] == pytest.approx(0.5)
    assert (october["acknowledge_met"], october["acknowledge_due"]) == (1, 1)
    assert data["change_previous"]["acknowledge_points"] == pytest.approx(-50.0)


def test_escalations_count_those_escalated_in_the_month(frontline: User, manager: User) -> None:
    """Two complaints escalated in November, one in October, one not at all."""
    rows = [log(frontline, manager, date(2026, 10, 20)) for _number in range(4)]
    days = (date(2026, 11, 2), date(2026, 11, 25), date(2026, 10, 21))
    for row, day in zip(rows[:3], days, strict=True):
        services.complaint_escalate(complaint=row, by=frontline)
        # The service stamps the escalation now; these happened on the days given.
        Complaint.objects.filter(pk=row.pk).update(escalated_at=local(day))

    data = complaints.build(NOVEMBER)

    assert (data["escalations"], data["escalations_previous"]) == (2, 1)


def test_categories_rank_as_the_pareto_page_ranks_the_month(frontline: User, manager: User) -> None:
    """Hand-computed: Late delivery on 3 complaints, Billing on 2 (one of them also Late), one
    complaint untagged: 5 tags of 4 categorised complaints; Late 3/5 = 60 %, Billing 2/5 = 40 %,
    cumulative 60 % and 100 %. An October complaint does not count."""
    late = ThemeFactory.create(by=manager, name="Late delivery")
    billing = ThemeFactory.create(by=manager, name="Billing")
    november = date(2026, 11, 10)
    log(frontline, manager, november, themes=[late])
    log(frontline, manager, november, themes=[late])
    log(frontline, manager, november, themes=[late, billing])
    log(frontline, manager, november, themes=[billing])
    log(frontline, manager, november)
    log(frontline, manager, date(2026, 10, 10), themes=[billing])

    data = complaints.build(NOVEMBER)

    categories = data["categories"]
    assert [(bar["label"], bar["count"]) for bar in categories["bars"]] == [
        ("Late delivery", 3),
        ("Billing", 2),
    ]
    assert [round(bar["cumulative"]) for bar in categories["bars"]] == [60, 100]
    assert (categories["tags"], categories["unclassified"], categories["categorised"]) == (5, 1, 4)
    page = complaint_pareto(
        by=BY_CATEGORY, date_from=NOVEMBER.first, date_to=NOVEMBER.last, user=manager
    )
    assert [(bar.label, bar.count) for bar in page.bars] == [("Late delivery", 3), ("Billing", 2)]


def test_themes_count_the_insights_of_the_month_against_the_month_before(
    frontline: User, manager: User
) -> None:
    """Staff notes of November: two tagged Waiting time, one Friendly staff, one untagged; one
    of October tagged Waiting time."""
    waiting = ThemeFactory.create(by=manager, name="Waiting time")
    friendly = ThemeFactory.create(by=manager, name="Friendly staff")

    def note(on: date, themes: list[Theme]) -> None:
        insight = InsightFactory.create()
        # Notes are stamped when written; these were written on the days given.
        Insight.objects.filter(pk=insight.pk).update(occurred_at=local(on))
        if themes:
            services.insight_tag(insight=insight, themes=themes, by=manager)

    note(date(2026, 11, 3), [waiting])
    note(date(2026, 11, 4), [waiting])
    note(date(2026, 11, 5), [friendly])
    note(date(2026, 11, 6), [])
    note(date(2026, 10, 6), [waiting])

    themes = complaints.build(NOVEMBER)["themes"]

    assert themes["rows"] == [
        {"name": "Waiting time", "count": 2, "previous": 1},
        {"name": "Friendly staff", "count": 1, "previous": 0},
    ]
    assert (themes["insights"], themes["untagged"]) == (4, 1)
    assert Insight.objects.count() == 5


def test_ombudsman_cases_come_from_the_indicator_counting_them(db: None) -> None:
    indicator = IndicatorFactory.create(name="Ombudsman escalations")
    for period, value in ((date(2026, 11, 1), 2.0), (date(2026, 10, 1), 1.0)):
        Snapshot.objects.create(indicator=indicator, period=period, value=value)

    data = complaints.build(NOVEMBER)

    assert data["regulator_sources"] == ["Ombudsman escalations"]
    assert (data["regulator_cases"], data["regulator_cases_previous"]) == (2.0, 1.0)
    assert data["regulator_cases_year_ago"] is None
    assert data["regulator_open"] is None


def test_without_such_an_indicator_no_ombudsman_case_is_claimed(db: None) -> None:
    data = complaints.build(NOVEMBER)

    assert data["regulator_sources"] == []
    assert data["regulator_cases"] is None


def test_the_chart_is_a_pareto_of_the_categories_and_the_template_prints_words(
    frontline: User, manager: User
) -> None:
    late = ThemeFactory.create(by=manager, name="Late delivery")
    log(frontline, manager, date(2026, 11, 10), themes=[late])
    activities(100, on=date(2026, 11, 12))
    data = complaints.build(NOVEMBER)

    charts = complaints.charts(data, NOVEMBER)
    html = render_to_string(
        "reports/monthly/sections/complaints.html",
        {"data": data, "charts": {chart.key: None for chart in charts}},
    )

    assert [chart.key for chart in charts] == ["complaints_pareto"]
    assert charts[0].table.rows == [["Late delivery", 1, 100.0]]
    assert "November 2026, against October 2026 and November 2025" in html
    assert "The complaint log began in November 2026" in html
    assert "No ombudsman or regulator cases are on record" in html
    assert "2026-11" not in html


def test_a_month_without_categorised_complaints_has_no_chart(db: None) -> None:
    data = complaints.build(NOVEMBER)

    assert complaints.charts(data, NOVEMBER) == []
    assert data["received"] is None  # no complaint on record at all: the log has not begun
