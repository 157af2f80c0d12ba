"""Improvement pages: the board, a cycle's page and its forms, actions and My actions."""

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.roles import Role
from feedback import services as feedback_services
from feedback.models import Recognition
from improvement.models import CycleAction, PDCACycle
from improvement.services import actions as action_services
from improvement.services import cycles as cycle_services
from improvement.services import phases
from improvement.views.board import CLOSED_SIZE, COLUMN_SIZE
from journeys.models import Journey, Touchpoint
from tests.core.factories import UserFactory
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import ComplaintFactory, IdeaFactory
from tests.improvement.factories import (
    CHANGE_ON,
    cycle_in_check,
    indicator_with_data,
    planned_cycle,
)

pytestmark = pytest.mark.django_db

READERS = ["frontline", "quality_manager", "executive"]
HTMX = {"HX-Request": "true"}


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who runs the cycles."""
    return make_user("quality_manager", username="qm", first_name="Quinn", last_name="Manager")


@pytest.fixture
def qm(manager: User) -> Client:
    return signed_in(manager)


def bare_cycle(owner: User, **fields: Any) -> PDCACycle:
    """Return a cycle in Plan with nothing planned yet."""
    return cycle_services.cycle_create(by=owner, title="Shorter queues", owner=owner, **fields)


def chart_of(html: str) -> dict[str, Any]:
    """Return what the page hands to charts.js: the control chart, the one under it, the table."""
    found = re.search(
        r'<script id="control-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


# The board ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_staff_role_reads_the_board_and_only_managers_get_its_buttons(
    make_user: Any, manager: User, role: str
) -> None:
    """Staff read the board; only quality managers see "New cycle" and the move buttons."""
    bare_cycle(manager)
    client = signed_in(make_user(role))

    html = html_of(client, reverse("improvement:board"))

    assert 'data-phase="plan"' in html
    assert 'data-phase="closed"' in html
    assert "Shorter queues" in html
    runs = role == "quality_manager"
    assert ('data-testid="new-cycle"' in html) is runs
    assert ('data-move="do"' in html) is runs


def test_a_card_shows_reference_owner_type_origin_and_the_indicators_value_and_status(
    qm: Client, manager: User
) -> None:
    """A card names the cycle, its owner, type and origin, and where its indicator stands."""
    indicator = indicator_with_data(name="Call-back CSAT", unit="%")
    indicator.status = "amber"
    indicator.current_value = 77.5
    indicator.save(update_fields=["status", "current_value"])
    cycle = planned_cycle(manager, indicator, origin=PDCACycle.Origin.SIGNAL, type="corrective")

    html = html_of(qm, reverse("improvement:board"))

    card = html[html.index(f'id="card-{cycle.reference}"') :]
    card = card[: card.index("</article>")]
    assert cycle.reference in card
    assert "Quinn Manager" in card
    assert "Special-cause signal" in card
    assert "Corrective" in card
    assert "Call-back CSAT" in card
    assert "78%" in card  # the latest complete period (the last value written)
    assert 'data-status="amber"' in card
    assert "so far 77.5%" in card


def test_the_board_filters_by_journey_owner_origin_and_type(
    qm: Client, manager: User, make_user: Any, journey: Journey
) -> None:
    """Each filter keeps only the cycles that match it."""
    other = make_user("quality_manager", username="other-qm")
    bare_cycle(manager, journey=journey, origin="signal", type="corrective")
    cycle_services.cycle_create(by=other, title="Faster refunds", owner=other)
    board = reverse("improvement:board")

    for query in (
        f"journey={journey.pk}",
        f"owner={manager.pk}",
        "origin=signal",
        "type=corrective",
    ):
        html = html_of(qm, f"{board}?{query}")
        assert "Shorter queues" in html, query
        assert "Faster refunds" not in html, query


def test_a_running_column_caps_its_cards_with_a_more_link(qm: Client, manager: User) -> None:
    """A long Plan column shows its first cards and links to the rest, page by page."""
    for number in range(COLUMN_SIZE + 2):
        cycle_services.cycle_create(by=manager, title=f"Cycle {number}", owner=manager)

    html = html_of(qm, reverse("improvement:board"))

    plan = html[html.index('data-phase="plan"') : html.index('data-phase="do"')]
    assert plan.count("<article") == COLUMN_SIZE
    assert "2 more" in plan
    listed = html_of(qm, reverse("improvement:cycle-list") + "?phase=plan")
    assert listed.count("data-cycle=") == COLUMN_SIZE + 2


def test_the_closed_column_shows_the_latest_few_and_links_to_the_paginated_list(
    qm: Client, manager: User
) -> None:
    """Closed cycles: the latest few on the board; all of them, 25 a page, in the closed list."""
    closed = []
    for number in range(CLOSED_SIZE + 1):
        cycle = bare_cycle(manager)
        PDCACycle.objects.filter(pk=cycle.pk).update(
            phase="closed", closed_on=date(2026, 1, 1) + timedelta(days=number)
        )
        closed.append(cycle.reference)

    html = html_of(qm, reverse("improvement:board"))

    column = html[html.index('data-phase="closed"') :]
    assert column.count("<article") == CLOSED_SIZE
    assert closed[0] not in column  # the oldest closed cycle is only in the list
    assert "1 more closed cycle" in column
    listed = html_of(qm, reverse("improvement:cycle-list") + "?phase=closed")
    assert all(reference in listed for reference in closed)


def test_moving_a_card_whose_plan_is_incomplete_shows_the_missing_items_next_to_it(
    qm: Client, manager: User
) -> None:
    """The board's "Move to Do" is refused beside the card, naming every missing Plan item."""
    cycle = bare_cycle(manager)

    response = qm.post(
        reverse("improvement:cycle-advance", args=[cycle.reference]),
        {"next": reverse("improvement:board")},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="card-{cycle.reference}"' in html
    assert 'data-testid="card-refusal"' in html
    for words in ("problem statement", "fishbone category", "target indicator", "target value"):
        assert words in html
    cycle.refresh_from_db()
    assert cycle.phase == "plan"


def test_moving_a_card_with_a_complete_plan_redraws_the_board_with_it_in_do(
    qm: Client, manager: User
) -> None:
    """A card whose Plan is complete moves to Do; htmx gets the whole board back."""
    cycle = planned_cycle(manager)

    response = qm.post(
        reverse("improvement:cycle-advance", args=[cycle.reference]),
        {"next": reverse("improvement:board")},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response["HX-Retarget"] == "#board"
    do_column = html[html.index('data-phase="do"') : html.index('data-phase="check"')]
    assert cycle.reference in do_column
    cycle.refresh_from_db()
    assert cycle.phase == "do"


def test_moving_a_card_without_javascript_returns_to_the_board_with_a_message(
    qm: Client, manager: User
) -> None:
    """Without htmx the refusal is a message on the board."""
    cycle = bare_cycle(manager)

    response = qm.post(reverse("improvement:cycle-advance", args=[cycle.reference]), follow=True)

    assert "cannot leave Plan yet" in response.content.decode()


def test_frontline_staff_cannot_move_a_card(make_user: Any, manager: User) -> None:
    """Only quality managers move cycles."""
    cycle = planned_cycle(manager)
    client = signed_in(make_user("frontline"))

    response = client.post(reverse("improvement:cycle-advance", args=[cycle.reference]))

    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.phase == "plan"


# Creating a cycle --------------------------------------------------------------------------------


def test_a_manager_opens_a_cycle_with_its_plan_complaints_and_ideas(
    qm: Client, manager: User, touchpoint: Touchpoint
) -> None:
    """The create page opens the cycle in Plan with what was typed, linked to its sources."""
    indicator = indicator_with_data()
    complaint = ComplaintFactory.create(logged_by=manager)
    idea = IdeaFactory.create()

    response = qm.post(
        reverse("improvement:cycle-create"),
        {
            "title": "Call customers back",
            "owner": manager.pk,
            "type": "corrective",
            "origin": "complaints",
            "touchpoint": touchpoint.pk,
            "complaints": complaint.reference.lower(),
            "ideas": f"{idea.reference}, ",
            "problem_statement": "Customers wait on hold.",
            "root_cause_category": "method",
            "five_whys": "Customers wait\n\nEvery call is answered live\n",
            "target_indicator": indicator.pk,
            "target_value": "78",
        },
    )

    cycle = PDCACycle.objects.get(title="Call customers back")
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    assert cycle.five_whys == ["Customers wait", "Every call is answered live"]
    assert list(cycle.complaints.all()) == [complaint]
    assert list(cycle.ideas.all()) == [idea]
    assert cycle.baseline_value is not None


def test_an_unknown_complaint_reference_is_named_next_to_its_field_and_nothing_is_saved(
    qm: Client, manager: User
) -> None:
    """A mistyped reference comes back beside the field, with everything typed kept."""
    response = qm.post(
        reverse("improvement:cycle-create"),
        {
            "title": "Call customers back",
            "owner": manager.pk,
            "type": "corrective",
            "origin": "manual",
            "complaints": "CMP-2026-999999",
            "problem_statement": "Customers wait on hold.",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="complaints"' in html
    assert "CMP-2026-999999" in html
    assert "Customers wait on hold." in html
    assert not PDCACycle.objects.exists()


def test_a_service_refusal_of_a_field_shows_next_to_that_field(qm: Client, manager: User) -> None:
    """Six whys are refused by the service, next to the 5 whys field."""
    response = qm.post(
        reverse("improvement:cycle-create"),
        {
            "title": "Call customers back",
            "owner": manager.pk,
            "type": "improvement",
            "origin": "manual",
            "five_whys": "\n".join(f"Because {number}" for number in range(6)),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'data-field-error="five_whys">.*?Ask at most five whys', html, re.S)
    assert not PDCACycle.objects.exists()


def test_frontline_staff_cannot_open_a_cycle(client_for: Any) -> None:
    """The create page is for quality managers."""
    assert client_for("frontline").get(reverse("improvement:cycle-create")).status_code == 403


# The cycle page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_staff_role_reads_a_cycle_and_only_managers_get_its_forms(
    make_user: Any, manager: User, role: str
) -> None:
    """Any staff member reads a cycle; the Plan form and the moves are for quality managers."""
    cycle = planned_cycle(manager)
    client = signed_in(make_user(role))

    html = html_of(client, cycle.get_absolute_url())

    assert cycle.title in html
    runs = role == "quality_manager"
    assert ('data-testid="plan-form"' in html) is runs
    assert ('data-move-form="do"' in html) is runs


def test_the_cycle_page_shows_the_plan_with_whys_in_order_and_the_computed_baseline(
    qm: Client, manager: User
) -> None:
    """The Plan: problem, the whys as an ordered list, fishbone, indicator, baseline, target."""
    cycle = planned_cycle(manager)

    html = html_of(qm, cycle.get_absolute_url())

    whys = html[html.index('data-testid="five-whys"') :]
    whys = whys[: whys.index("</ol>")]
    assert whys.index("Customers wait") < whys.index("No call-back option")
    assert "Method" in html
    baseline = html[html.index('data-testid="baseline"') :]
    # The baseline is the mean of the year before the change: 846 / 12 = 70.5.
    assert "70.5" in baseline[:400]
    assert "12 periods" in baseline[:400]
    assert "Jan 2025" in baseline[:600]
    assert "Dec 2025" in baseline[:600]


def test_the_check_shows_before_after_difference_ci_test_shift_and_verdict(
    qm: Client, manager: User
) -> None:
    """The Check in numbers: a rise from 70.5 to 78.5 (+8, +11.3 %), Welch's test, effective.

    Before: the year 70, 72, 69, 71, 70, 73, 68, 71, 70, 72, 69, 71: 846 / 12 = 70.5.
    After: 79, 78, 80, 77, 79, 78: 471 / 6 = 78.5. Difference 8.0; 8 / 70.5 = 11.35 %.
    """
    cycle = cycle_in_check(manager)

    html = html_of(qm, cycle.get_absolute_url())

    numbers = html[html.index('data-testid="check-numbers"') :]
    assert "70.5" in numbers[: numbers.index('data-testid="check-after"')]
    assert "78.5" in numbers[: numbers.index('data-testid="check-difference"')]
    difference = numbers[numbers.index('data-testid="check-difference"') :][:200]
    assert "+8" in difference
    assert "+11.3 %" in difference
    assert "Welch" in numbers
    assert "p &lt; 0.001" in numbers or "p < 0.001" in numbers
    assert "Effective" in numbers[numbers.index('data-testid="check-verdict"') :][:300]
    assert escape(cycle.check_result["summary"]) in html


def test_an_inconclusive_check_says_how_many_more_periods_it_needs(
    qm: Client, manager: User
) -> None:
    """With one period after the change and three planned, two more are needed."""
    indicator = indicator_with_data(after=[79.0])
    cycle = cycle_in_check(manager, indicator)

    html = html_of(qm, cycle.get_absolute_url())

    verdict = html[html.index('data-testid="check-verdict"') :][:400]
    assert "Inconclusive" in verdict
    assert "2 more periods needed" in verdict


def test_the_decision_offers_only_what_the_verdict_allows(qm: Client, manager: User) -> None:
    """An inconclusive Check offers only abandoning, and says why; an effective one all three."""
    waiting = cycle_in_check(manager, indicator_with_data(after=[79.0]))
    effective = cycle_in_check(manager)

    waiting_html = html_of(qm, waiting.get_absolute_url())
    effective_html = html_of(qm, effective.get_absolute_url())

    assert 'name="outcome" value="abandon"' in waiting_html
    assert 'name="outcome" value="adopt"' not in waiting_html
    assert 'name="outcome" value="adapt"' not in waiting_html
    assert "still inconclusive" in waiting_html
    for outcome in ("adopt", "adapt", "abandon"):
        assert f'name="outcome" value="{outcome}"' in effective_html


def test_the_cycle_page_draws_the_indicators_chart_with_the_cycles_own_annotations(
    qm: Client, manager: User
) -> None:
    """The chart shows the indicator's points and the cycle's start, Do, Check and windows."""
    cycle = cycle_in_check(manager)

    chart = chart_of(html_of(qm, cycle.get_absolute_url()))

    assert len(chart["table"]["rows"]) == 18
    notes = [note for note in chart["figure"]["layout"]["annotations"] if note.get("hovertext")]
    labels = [note["hovertext"] for note in notes]
    reference = cycle.reference
    for label in ("started", "baseline", "Do: change made", "Check", "after the change"):
        assert any(label in text and reference in text for text in labels), label
    after = next(note for note in notes if "after the change" in note["hovertext"])
    assert after["x"] == CHANGE_ON.isoformat()


def test_moving_to_do_with_an_incomplete_plan_is_refused_naming_what_is_missing(
    qm: Client, manager: User
) -> None:
    """The refusal stands at the top of the move's form and lists every missing Plan item."""
    cycle = bare_cycle(manager, problem_statement="Customers wait on hold.")

    response = qm.post(reverse("improvement:cycle-move", args=[cycle.reference, "do"]), {})

    html = response.content.decode()
    assert response.status_code == 400
    form = html[html.index('data-move-form="do"') :]
    form = form[: form.index("</form>")]
    assert "cannot leave Plan yet" in form
    assert "target indicator" in form
    assert "target value" in form
    assert "problem statement" not in form  # given
    assert 'data-missing="target_indicator"' in html
    cycle.refresh_from_db()
    assert cycle.phase == "plan"


def test_a_refused_decision_keeps_what_was_typed(qm: Client, manager: User) -> None:
    """Adopting an inconclusive change is refused; the reason typed is still in the form."""
    cycle = cycle_in_check(manager, indicator_with_data(after=[79.0]))

    response = qm.post(
        reverse("improvement:cycle-move", args=[cycle.reference, "decide"]),
        {"outcome": "adopt", "reason": "The team loves it", "new_standard": "Call back in 2 h"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    form = html[html.index('data-move-form="decide"') :]
    form = form[: form.index("</form>")]
    assert "cannot be decided yet" in form
    assert "The team loves it" in form
    assert "Call back in 2 h" in form
    cycle.refresh_from_db()
    assert cycle.phase == "check"


def test_abandoning_needs_a_reason_next_to_its_field(qm: Client, manager: User) -> None:
    """An empty reason is refused beside the field; the cycle stays in Check."""
    cycle = cycle_in_check(manager)

    response = qm.post(
        reverse("improvement:cycle-move", args=[cycle.reference, "abandon"]),
        {"abandon_reason": ""},
    )

    assert response.status_code == 400
    assert 'data-field-error="abandon_reason"' in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.phase == "check"


def test_a_manager_walks_a_cycle_through_do_check_decide_and_close(
    qm: Client, manager: User
) -> None:
    """Each move of the cycle page takes its step and comes back to the cycle."""
    cycle = planned_cycle(manager)
    url = cycle.get_absolute_url()

    def move(name: str, **data: str) -> None:
        response = qm.post(reverse("improvement:cycle-move", args=[cycle.reference, name]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == url

    move("do", started_on=(CHANGE_ON - timedelta(days=20)).isoformat())
    move("check", change_on=CHANGE_ON.isoformat())
    move("recheck")
    move("decide", outcome="adapt", reason="Works on weekdays only", new_standard="")
    move("close")

    cycle.refresh_from_db()
    assert cycle.phase == "closed"
    assert cycle.verdict == "effective"
    assert cycle.follow_ups.count() == 1
    assert cycle.follow_ups.get().reference in html_of(qm, url)


def test_the_do_phase_cannot_begin_in_the_future(qm: Client, manager: User) -> None:
    """A Do start after today is refused next to its field."""
    cycle = planned_cycle(manager)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = qm.post(
        reverse("improvement:cycle-move", args=[cycle.reference, "do"]),
        {"started_on": tomorrow.isoformat()},
    )

    assert response.status_code == 400
    assert 'data-field-error="started_on"' in response.content.decode()


def test_saving_the_plan_recomputes_the_baseline_and_a_narrow_window_is_refused_by_its_field(
    qm: Client, manager: User
) -> None:
    """A one-month baseline window is refused beside "Baseline from"; nothing changes."""
    cycle = planned_cycle(manager)
    data = {
        "title": cycle.title,
        "owner": manager.pk,
        "type": cycle.type,
        "problem_statement": cycle.problem_statement,
        "root_cause_category": "method",
        "five_whys": "\n".join(cycle.five_whys),
        "target_indicator": cycle.target_indicator_id,
        "baseline_from": "2025-03-01",
        "baseline_to": "2025-03-31",
        "target_value": "79",
        "check_periods": "3",
    }

    response = qm.post(reverse("improvement:cycle-plan", args=[cycle.reference]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'data-field-error="baseline_from">.*?fewer than 2 complete', html, re.S)
    cycle.refresh_from_db()
    assert cycle.target_value == 78.0

    data["baseline_to"] = "2025-06-30"
    response = qm.post(reverse("improvement:cycle-plan", args=[cycle.reference]), data)

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.baseline_periods == 4
    assert cycle.target_value == 79.0


def test_the_cycle_page_shows_only_the_complaints_the_reader_may_open(
    make_user: Any, manager: User
) -> None:
    """Frontline staff see their own complaint's link, and only a count of the others."""
    frontline = make_user("frontline")
    theirs = ComplaintFactory.create(logged_by=frontline)
    hidden = ComplaintFactory.create(logged_by=manager)
    cycle = bare_cycle(manager, complaints=[theirs, hidden])

    html = html_of(signed_in(frontline), cycle.get_absolute_url())

    assert theirs.reference in html
    assert hidden.reference not in html
    assert "1 complaint you cannot open." in html


def test_a_page_for_a_cycle_that_does_not_exist_is_404(qm: Client) -> None:
    """An unknown reference is not found."""
    assert qm.get(reverse("improvement:cycle-detail", args=["PDCA-1999-000001"])).status_code == 404


# Actions -----------------------------------------------------------------------------------------


def test_a_manager_adds_a_containment_action(qm: Client, manager: User) -> None:
    """The action form adds the action, flagged as containment, to the checklist."""
    cycle = bare_cycle(manager)

    response = qm.post(
        reverse("improvement:action-add", args=[cycle.reference]),
        {
            "action_title": "Call back today's waiting customers",
            "owner": manager.pk,
            "due_on": timezone.localdate().isoformat(),
            "containment": "on",
        },
    )

    assert response.status_code == 302
    action = CycleAction.objects.get()
    assert action.containment
    html = html_of(qm, cycle.get_absolute_url())
    assert 'data-testid="containment"' in html


def test_an_action_without_an_owner_is_refused_next_to_its_field(qm: Client, manager: User) -> None:
    """The page comes back with the error beside the owner and the title kept."""
    cycle = bare_cycle(manager)

    response = qm.post(
        reverse("improvement:action-add", args=[cycle.reference]),
        {"action_title": "Train the team", "due_on": "2026-12-31"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="owner"' in html
    assert "Train the team" in html
    assert not CycleAction.objects.exists()


def test_an_overdue_action_is_highlighted(qm: Client, manager: User) -> None:
    """An open action past its due date is marked overdue."""
    cycle = bare_cycle(manager)
    action_services.action_add(
        cycle=cycle, by=manager, title="Late", owner=manager, due_on=date(2026, 1, 1)
    )

    html = html_of(qm, cycle.get_absolute_url())

    assert 'data-testid="overdue"' in html


def test_the_owner_ticks_off_an_action_with_htmx_and_gets_the_row_back(
    make_user: Any, manager: User
) -> None:
    """A frontline owner ticks their own action; htmx gets the done row."""
    owner = make_user("frontline")
    cycle = bare_cycle(manager)
    action = action_services.action_add(
        cycle=cycle, by=manager, title="Print the call-back leaflet", owner=owner, due_on=CHANGE_ON
    )

    response = signed_in(owner).post(
        reverse("improvement:action-complete", args=[action.pk]), {}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="action-{action.pk}"' in html
    assert 'data-state="done"' in html
    # The Do heading's count is redrawn beside the row: nothing is open any more.
    assert (
        'id="open-action-count" class="fs-6 fw-normal text-body-secondary" hx-swap-oob="true"'
        in html
    )
    assert "0 open actions" in html
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_someone_elses_action_cannot_be_ticked_off(make_user: Any, manager: User) -> None:
    """A frontline colleague who does not own the action is refused."""
    cycle = bare_cycle(manager)
    action = action_services.action_add(
        cycle=cycle, by=manager, title="Leaflet", owner=manager, due_on=CHANGE_ON
    )

    response = signed_in(make_user("frontline")).post(
        reverse("improvement:action-complete", args=[action.pk])
    )

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.done_on is None


def test_deferring_needs_a_reason_and_reopening_takes_the_action_up_again(
    qm: Client, manager: User
) -> None:
    """An empty reason is refused in the row; a reason defers it; reopen makes it open."""
    cycle = bare_cycle(manager)
    action = action_services.action_add(
        cycle=cycle, by=manager, title="Leaflet", owner=manager, due_on=CHANGE_ON
    )
    defer = reverse("improvement:action-defer", args=[action.pk])

    refused = qm.post(defer, {"reason": ""}, headers=HTMX).content.decode()
    too_long = qm.post(defer, {"reason": "x" * 5001}, headers=HTMX).content.decode()
    qm.post(defer, {"reason": "Printer broken"}, headers=HTMX)
    action.refresh_from_db()
    deferred = action.deferred_reason
    reopened = qm.post(reverse("improvement:action-reopen", args=[action.pk]), headers=HTMX)

    assert "is-invalid" in refused
    assert "at most 5000 characters" in too_long
    assert deferred == "Printer broken"
    assert 'data-state="open"' in reopened.content.decode()
    action.refresh_from_db()
    assert action.is_open


def test_my_actions_lists_only_my_open_actions_soonest_first(make_user: Any, manager: User) -> None:
    """My actions shows the open actions one owns in running cycles, by due date."""
    owner = make_user("frontline")
    cycle = bare_cycle(manager)
    for title, due in (("Second", date(2027, 2, 1)), ("First", date(2027, 1, 1))):
        action_services.action_add(cycle=cycle, by=manager, title=title, owner=owner, due_on=due)
    done = action_services.action_add(
        cycle=cycle, by=manager, title="Finished", owner=owner, due_on=date(2027, 1, 1)
    )
    action_services.action_complete(action=done, by=owner)
    action_services.action_add(
        cycle=cycle, by=manager, title="Not mine", owner=manager, due_on=date(2027, 1, 1)
    )

    html = html_of(signed_in(owner), reverse("improvement:my-actions"))

    assert html.index("First") < html.index("Second")
    assert "Finished" not in html
    assert "Not mine" not in html


def test_an_action_owner_sees_my_actions_on_the_home_page(make_user: Any, manager: User) -> None:
    """The home page's "My actions" panel lists one's open actions; hidden when there are none."""
    owner = make_user("frontline")
    client = signed_in(owner)
    assert 'data-panel="my-actions"' not in html_of(client, reverse("home"))
    action_services.action_add(
        cycle=bare_cycle(manager), by=manager, title="Leaflet", owner=owner, due_on=CHANGE_ON
    )

    html = html_of(client, reverse("home"))

    assert 'data-panel="my-actions"' in html
    assert "Leaflet" in html


# From an idea, and recognition -------------------------------------------------------------------


def accepted_idea(manager: User) -> Any:
    idea = IdeaFactory.create(title="Call-back slots")
    return feedback_services.idea_accept(idea=idea, by=manager)


def test_the_idea_page_offers_managers_to_start_a_cycle_from_an_accepted_idea(
    qm: Client, manager: User, client_for: Any
) -> None:
    """Quality managers get "Start a PDCA cycle" on an accepted idea; frontline staff do not."""
    idea = accepted_idea(manager)

    assert 'data-testid="start-cycle"' in html_of(qm, idea.get_absolute_url())
    assert 'data-testid="start-cycle"' not in html_of(
        client_for("frontline"), idea.get_absolute_url()
    )


def test_one_click_turns_an_accepted_idea_into_a_cycle(qm: Client, manager: User) -> None:
    """The button opens the cycle in Plan with the idea's problem; the idea links to it."""
    idea = accepted_idea(manager)

    response = qm.post(reverse("improvement:cycle-from-idea", args=[idea.pk]))

    cycle = PDCACycle.objects.get()
    assert response["Location"] == cycle.get_absolute_url()
    assert cycle.origin == "idea"
    assert cycle.problem_statement == idea.problem
    assert cycle.reference in html_of(qm, idea.get_absolute_url())


def test_an_idea_not_accepted_starts_no_cycle_and_says_why(qm: Client) -> None:
    """A submitted idea is refused with a message on its page."""
    idea = IdeaFactory.create()

    response = qm.post(reverse("improvement:cycle-from-idea", args=[idea.pk]), follow=True)

    assert "only an accepted idea starts a cycle" in response.content.decode()
    assert not PDCACycle.objects.exists()


def test_an_adopted_cycle_proposes_recognition_that_names_the_measured_outcome(
    qm: Client, manager: User, make_user: Any
) -> None:
    """After adoption the idea's submitter is proposed; one click gives the kudos."""
    submitter = make_user("frontline", username="sam")
    idea = IdeaFactory.create(submitted_by=submitter)
    feedback_services.idea_accept(idea=idea, by=manager)
    cycle = cycle_in_check(manager, ideas=[idea])
    phases.cycle_decide(cycle=cycle, by=manager, outcome="adopt")

    html = html_of(qm, cycle.get_absolute_url())
    behaviour = re.search(r'data-recognise="sam".*?name="behaviour" value="([^"]*)"', html, re.S)
    assert behaviour
    response = qm.post(
        reverse("improvement:cycle-recognise", args=[cycle.reference]),
        {"recipient": submitter.pk, "behaviour": behaviour.group(1).replace("&quot;", '"')},
    )

    recognition = Recognition.objects.get(recipient=submitter)
    assert response.status_code == 302
    assert recognition.cycle_id == cycle.pk
    assert "rose from 70.5 to 78.5" in recognition.behaviour
    assert "Recognised" in html_of(qm, cycle.get_absolute_url())


# Query counts ------------------------------------------------------------------------------------


def test_the_board_runs_as_many_queries_for_10_cycles_in_each_phase_as_for_2(
    qm: Client, manager: User
) -> None:
    """The board's cost does not grow with the cycles on it."""
    indicator = indicator_with_data()

    def add(count: int) -> None:
        for _number in range(count):
            planned_cycle(manager, indicator)
            moved = planned_cycle(manager, indicator)
            phases.cycle_start_do(cycle=moved, by=manager)
            closed = bare_cycle(UserFactory.create(role=Role.QUALITY_MANAGER))
            PDCACycle.objects.filter(pk=closed.pk).update(phase="closed")

    add(2)
    assert_queries_flat(lambda: qm.get(reverse("improvement:board")), lambda: add(8))


def test_the_cycle_page_runs_as_many_queries_with_10_actions_and_links_as_with_2(
    qm: Client, manager: User, make_user: Any
) -> None:
    """A cycle's page costs the same whatever its actions, complaints, ideas and team."""
    cycle = cycle_in_check(manager)
    url = cycle.get_absolute_url()

    def add(count: int) -> None:
        people = [make_user("frontline") for _number in range(count)]
        for person in people:
            CycleAction.objects.create(
                cycle=cycle, title="Follow", owner=person, due_on=date(2027, 1, 1)
            )
            cycle.complaints.add(ComplaintFactory.create(logged_by=manager))
            cycle.ideas.add(IdeaFactory.create(submitted_by=person))
            cycle.team.add(person)
        bare_cycle(manager)  # other cycles change nothing either

    add(2)
    assert_queries_flat(lambda: qm.get(url), lambda: add(8))


def test_my_actions_runs_as_many_queries_for_10_actions_as_for_2(
    make_user: Any, manager: User
) -> None:
    """My actions' cost does not grow with the actions listed."""
    owner = make_user("frontline")
    client = signed_in(owner)
    cycle = bare_cycle(manager)

    def add(count: int) -> None:
        for _number in range(count):
            action_services.action_add(
                cycle=bare_cycle(manager) if _number % 2 else cycle,
                by=manager,
                title="Leaflet",
                owner=owner,
                due_on=date(2027, 1, 1),
            )

    add(2)
    assert_queries_flat(lambda: client.get(reverse("improvement:my-actions")), lambda: add(8))
