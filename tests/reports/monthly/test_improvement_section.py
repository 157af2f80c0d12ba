"""The monthly report's improvement section: cycles opened, checked and decided in the month,
each decision with its measured effect, and the cycles open at the month's end by phase."""

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from improvement.models import PDCACycle
from improvement.services import actions, phases
from reports.monthly.months import ReportMonth
from reports.monthly.sections import improvement
from tests.improvement.factories import CHANGE_ON, planned_cycle
from tests.reports.complaint_records import local

pytestmark = pytest.mark.django_db

NOVEMBER = ReportMonth.parse("2026-11")


@pytest.fixture
def owner(make_user: Any) -> User:
    """The quality manager who runs the cycles."""
    return make_user("quality_manager", username="qm")


def dated(cycle: PDCACycle, moment: datetime) -> None:
    """Date every saved version of the cycle at a moment (the services stamp them now)."""
    PDCACycle.history.filter(id=cycle.pk).update(history_date=moment)


def checked_on(owner: User, day: date, **fields: Any) -> PDCACycle:
    """Return a cycle whose Check ran on a day: a year of baseline (mean 70.5), the change live
    on 1 January 2026 and six months after it (mean 78.5), all versions dated that day."""
    cycle = planned_cycle(owner, **fields)
    action = actions.action_add(
        cycle=cycle, by=owner, title="Offer call-back slots", owner=owner, due_on=CHANGE_ON
    )
    phases.cycle_start_do(cycle=cycle, by=owner, at=date(2025, 12, 12))
    actions.action_complete(action=action, by=owner, done_on=date(2025, 12, 30))
    cycle = phases.cycle_start_check(cycle=cycle, by=owner, change_on=CHANGE_ON, at=day)
    dated(cycle, local(day))
    return cycle


def test_counts_and_lists_the_cycles_of_the_month(owner: User) -> None:
    """Opened: one in Plan started 10 November, one started 2 November moved to Do on the 4th.
    Checked: two, on 3 and 4 November; the first adopted on the 5th, the second abandoned on
    the 20th and closed the same day. Open on 30 November: Plan 1, Do 1, Check 0, Act 1."""
    adopted = checked_on(owner, date(2026, 11, 3), title="Call customers back")
    phases.cycle_decide(cycle=adopted, by=owner, outcome="adopt", at=date(2026, 11, 5))
    abandoned = checked_on(owner, date(2026, 11, 4), title="A new script")
    phases.cycle_decide(
        cycle=abandoned,
        by=owner,
        outcome="abandon",
        reason="Customers did not notice.",
        at=date(2026, 11, 20),
    )
    phases.cycle_close(cycle=abandoned, by=owner, at=date(2026, 11, 20))
    planned_cycle(owner, title="Plan only", started_on=date(2026, 11, 10))
    doing = planned_cycle(owner, title="Doing", started_on=date(2026, 11, 2))
    phases.cycle_start_do(cycle=doing, by=owner, at=date(2026, 11, 4))

    data = improvement.build(NOVEMBER)

    assert (data["opened"], data["checked"], data["adopted"], data["abandoned"]) == (2, 2, 1, 1)
    assert [row["title"] for row in data["opened_cycles"]] == ["Doing", "Plan only"]
    assert {row["title"]: row["verdict"] for row in data["checked_cycles"]} == {
        "Call customers back": "effective",
        "A new script": "effective",
    }
    assert [(row["phase"], row["count"]) for row in data["open_by_phase"]] == [
        ("plan", 1),
        ("do", 1),
        ("check", 0),
        ("act", 1),
    ]
    assert data["open_total"] == 3


def test_an_adoption_carries_its_measured_effect(owner: User) -> None:
    """Hand-computed: baseline mean (70+72+69+71+70+73+68+71+70+72+69+71) / 12 = 70.5, after
    (79+78+80+77+79+78) / 6 = 78.5: the measured effect is 78.5 - 70.5 = +8.0."""
    cycle = checked_on(owner, date(2026, 11, 3))
    phases.cycle_decide(cycle=cycle, by=owner, outcome="adopt", at=date(2026, 11, 5))

    decided = improvement.build(NOVEMBER)["decided_cycles"]

    assert len(decided) == 1
    assert decided[0]["outcome"] == "adopt"
    assert decided[0]["verdict_label"] == "Effective"
    assert decided[0]["impact_effect"] == pytest.approx(8.0)
    assert decided[0]["acted_on"] == "2026-11-05"


def test_a_verdict_counts_in_the_month_it_was_given_not_when_last_looked_at(
    owner: User,
) -> None:
    """A Check computed in October and looked at again in November without a new result (as
    the daily re-run of a waiting Check does: `checked_at` moves, no new version) was checked
    in October only."""
    cycle = checked_on(owner, date(2026, 10, 20))
    PDCACycle.objects.filter(pk=cycle.pk).update(checked_at=local(date(2026, 11, 15)))

    november, october = improvement.build(NOVEMBER), improvement.build(NOVEMBER.previous)

    assert (november["checked"], october["checked"]) == (0, 1)
    assert november["previous"]["checked"] == 1
    assert [(row["phase"], row["count"]) for row in november["open_by_phase"]][2] == ("check", 1)


def test_the_phase_on_a_day_follows_the_dates_each_phase_began() -> None:
    moved = {
        "do_on": date(2026, 11, 4),
        "check_on": date(2026, 12, 2),
        "acted_on": None,
        "closed_on": None,
    }

    assert improvement.phase_on(date(2026, 11, 3), **moved) == "plan"
    assert improvement.phase_on(date(2026, 11, 30), **moved) == "do"
    assert improvement.phase_on(date(2026, 12, 2), **moved) == "check"


def test_the_template_prints_the_period_and_an_empty_month_in_words(db: None) -> None:
    data = improvement.build(NOVEMBER)

    html = render_to_string(
        "reports/monthly/sections/improvement.html", {"data": data, "charts": {}}
    )

    assert improvement.charts(data, NOVEMBER) == []
    assert "in November 2026, against October 2026" in html
    assert "still open on 30 November 2026" in html
    assert "No cycle was decided in November 2026." in html
    assert "No cycle was open at the end of the month." in html
