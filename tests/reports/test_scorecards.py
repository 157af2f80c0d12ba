"""Partner scorecards: the score of a month from its evidence, the bands, the weights, the
suggested partner cycle, the pages and the API, and who sees which partner.

The tests' clock stands on 15 November 2026: October is the last complete month, November is in
progress. Unless a test changes them, the criteria have their starting rules (migration 0001):

    criterion            weight  expectation  scores 0 this far worse
    complaint rate         25    10 / 1,000   15 (lower is better)
    SLA compliance         20    90 %         30
    failed handoffs        10    10 / 1,000   15 (lower is better)
    mystery shop           15    80 %         30
    survey score           20    80 points    25
    indicators on target   10    75 %         75
"""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from core.roles import Role
from improvement.models import PDCACycle, Suggestion
from improvement.services.suggestions import suggestion_accept, suggestion_dismiss
from reports.models import PartnerExpectation, PartnerScore, ScorecardCriterion
from reports.scorecards.evidence import Measure
from reports.scorecards.formula import Rule, score_month, standing_of, sub_score
from reports.selectors.scorecards import scorecard_partners_visible_to
from reports.services.scorecards import (
    partner_expectations_set,
    scorecard_criteria_update,
    scorecards_refresh,
)
from reports.tasks import scorecards_refresh_task
from stakeholders.models import Partner, PartnerContact
from tests.core.queries import assert_queries_flat
from tests.reports.factories import (
    PartnerSite,
    activities,
    answers,
    audit,
    complaint,
    partner_site,
    weekly_indicator,
)
from tests.stakeholders.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 15)
AUGUST, OCTOBER, NOVEMBER = date(2026, 8, 1), date(2026, 10, 1), date(2026, 11, 1)
IN_OCTOBER = date(2026, 10, 12)
DEFAULT_WEIGHTS = {
    "complaint_rate": 25,
    "sla_compliance": 20,
    "failed_handoffs": 10,
    "mystery_shop": 15,
    "survey_score": 20,
    "observed_indicators": 10,
}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand on 15 November 2026."""
    monkeypatch.setattr("metrics.periods.local_today", lambda: TODAY)


@pytest.fixture
def manager(make_user: Any) -> User:
    """The quality manager who logs and answers the complaints and records the audits."""
    return make_user("quality_manager", username="qm")


@pytest.fixture
def site(db: None) -> PartnerSite:
    """BoxCo's delivery (after a department's packing) and its returns desk."""
    return partner_site("BoxCo")


def october_evidence(site: PartnerSite, manager: User, *, with_audit: bool = True) -> None:
    """Give BoxCo a month of every kind of evidence in October (see the hand-computed test)."""
    activities(800, IN_OCTOBER)
    for number in range(6):
        complaint(site.delivery, on=IN_OCTOBER, by=manager, within_sla=number >= 2)
    for _number in range(4):
        complaint(site.returns, on=IN_OCTOBER, by=manager, within_sla=True)
    if with_audit:
        audit(site.delivery, on=IN_OCTOBER, by=manager, item_score=3)
    answers(site.delivery, [5, 4, 3, 4], on=IN_OCTOBER, by=manager)
    weekly_indicator(
        site.partner,
        {
            date(2026, 9, 28): 10.0,  # September's week: not October's evidence
            date(2026, 10, 5): 50.0,
            date(2026, 10, 12): 70.0,
            date(2026, 10, 19): 55.0,
            date(2026, 10, 26): 80.0,
        },
        target=60.0,
        complete_before=date(2026, 11, 2),
    )


def score_of(partner: Partner, month: date = OCTOBER) -> PartnerScore:
    return PartnerScore.objects.get(partner=partner, period=month)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The score of a month ---------------------------------------------------------------------------


def test_a_partner_month_scores_the_weighted_sub_scores_of_its_evidence(
    site: PartnerSite, manager: User
) -> None:
    """October, 800 activities:
    - complaint rate: 6 at the delivery + 4 at returns = 10 / 800 x 1,000 = 12.5, 2.5 worse than
      10: 100 x (1 - 2.5/15) = 83.33;
    - SLA: 8 of 10 answered within it = 80 %, 10 below 90: 100 x (1 - 10/30) = 66.67;
    - failed handoffs: the 6 at the delivery (receiving packing's handoff) / 800 x 1,000 = 7.5,
      better than 10: 100;
    - mystery shop: every item 3 of 4 = 75 %, 5 below 80: 100 x (1 - 5/30) = 83.33;
    - survey: CSAT 5, 4, 3, 4 = 100, 75, 50, 75 points, mean 75, 5 below 80: 100 x (1 - 5/25) = 80;
    - indicators: October's weeks 50, 70, 55, 80 against at most 60: 2 of 4 = 50 %, 25 below 75:
      100 x (1 - 25/75) = 66.67.
    Score: (83.33 x 25 + 66.67 x 20 + 100 x 10 + 83.33 x 15 + 80 x 20 + 66.67 x 10) / 100
    = (2083.33 + 1333.33 + 1000 + 1250 + 1600 + 666.67) / 100 = 79.33 -> 79.3, good."""
    october_evidence(site, manager)

    scorecards_refresh(periods=[OCTOBER])

    score = score_of(site.partner)
    assert (score.score, score.standing) == (79.3, "good")
    assert {key: entry["value"] for key, entry in score.breakdown.items()} == {
        "complaint_rate": 12.5,
        "sla_compliance": 80.0,
        "failed_handoffs": 7.5,
        "mystery_shop": 75.0,
        "survey_score": 75.0,
        "observed_indicators": 50.0,
    }
    assert {key: entry["sub_score"] for key, entry in score.breakdown.items()} == {
        "complaint_rate": 83.3,
        "sla_compliance": 66.7,
        "failed_handoffs": 100.0,
        "mystery_shop": 83.3,
        "survey_score": 80.0,
        "observed_indicators": 66.7,
    }
    assert score.breakdown["complaint_rate"]["n"] == 10
    assert score.breakdown["complaint_rate"]["base"] == 800


def test_a_criterion_without_data_is_left_out_and_the_other_weights_renormalised(
    site: PartnerSite, manager: User
) -> None:
    """The same October without the mystery shop: the other five weights count for 100 between
    them: (2083.33 + 1333.33 + 1000 + 1600 + 666.67) / (100 - 15) = 6683.33 / 85 = 78.63 -> 78.6;
    the complaint rate's 25 counts as 25 / 85 = 29.4 %."""
    october_evidence(site, manager, with_audit=False)

    scorecards_refresh(periods=[OCTOBER])

    score = score_of(site.partner)
    assert score.score == 78.6
    assert score.breakdown["mystery_shop"] | {"expectation": None} == {
        "value": None,
        "n": None,
        "base": None,
        "expectation": None,
        "sub_score": None,
        "weight": 15,
        "weight_used": 0.0,
    }
    assert score.breakdown["complaint_rate"]["weight_used"] == 29.4


def test_an_agreed_expectation_replaces_the_default(site: PartnerSite, manager: User) -> None:
    """A complaint rate of 12.5 against an agreed 13 is better than expected: 100, not 83.33."""
    october_evidence(site, manager)
    partner_expectations_set(
        partner=site.partner, expectations={"complaint_rate": 13.0}, by=manager
    )

    scorecards_refresh(periods=[OCTOBER])

    entry = score_of(site.partner).breakdown["complaint_rate"]
    assert (entry["expectation"], entry["sub_score"]) == (13.0, 100.0)


def test_a_month_in_progress_is_never_scored(site: PartnerSite, manager: User) -> None:
    """November has evidence but has not ended: asking for it scores nothing."""
    activities(500, date(2026, 11, 3))
    complaint(site.delivery, on=date(2026, 11, 3), by=manager, within_sla=True)

    written = scorecards_refresh(periods=[NOVEMBER])

    assert written == []
    assert not PartnerScore.objects.filter(period=NOVEMBER).exists()


def test_a_month_without_any_evidence_has_no_score(site: PartnerSite, manager: User) -> None:
    """August, before the first complaint on record and without any answer, audit, activity or
    indicator week: no criterion has data, so no score and no standing (not 0, not poor)."""
    october_evidence(site, manager)

    scorecards_refresh(periods=[AUGUST, OCTOBER])

    august = score_of(site.partner, AUGUST)
    assert (august.score, august.standing) == (None, "")
    assert score_of(site.partner).score == 79.3


def test_the_refresh_runs_twice_to_the_same_rows(site: PartnerSite, manager: User) -> None:
    """The nightly task upserts: a second run leaves one row per partner and month."""
    october_evidence(site, manager)

    scorecards_refresh_task()
    first = list(PartnerScore.objects.values_list("partner", "period", "score"))
    scorecards_refresh_task()

    assert list(PartnerScore.objects.values_list("partner", "period", "score")) == first
    assert (site.partner.pk, OCTOBER, 79.3) in first


# The formula ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "higher_is_better", "expected"),
    [
        (90.0, True, 100.0),  # at the expectation
        (95.0, True, 100.0),  # better
        (75.0, True, 50.0),  # 15 of 30 worse: 100 x (1 - 15/30)
        (60.0, True, 0.0),  # 30 worse: 0
        (10.0, True, 0.0),  # further: still 0
        (81.0, False, 100.0),  # lower is better, below the expectation
        (99.0, False, 70.0),  # 9 of 30 worse: 100 x (1 - 9/30)
    ],
)
def test_a_sub_score_falls_linearly_from_the_expectation_to_zero(
    value: float, higher_is_better: bool, expected: float
) -> None:
    """Expectation 90, 0 at 30 worse."""
    rule = Rule(weight=10, expectation=90.0, tolerance=30.0, higher_is_better=higher_is_better)

    assert sub_score(value, rule) == pytest.approx(expected)


def test_a_weight_of_zero_leaves_a_criterion_with_data_out() -> None:
    """Two criteria, 60 and 100 points with weights 0 and 40: the score is 100, not 80."""
    rules = {
        "sla_compliance": Rule(weight=0, expectation=90.0, tolerance=30.0, higher_is_better=True),
        "survey_score": Rule(weight=40, expectation=80.0, tolerance=25.0, higher_is_better=True),
    }
    measures = {"sla_compliance": Measure(78.0, 10), "survey_score": Measure(85.0, 4)}

    score, breakdown = score_month(measures, rules)

    assert score == 100.0
    assert breakdown["sla_compliance"]["sub_score"] == 60.0
    assert breakdown["sla_compliance"]["weight_used"] == 0.0


@pytest.mark.parametrize(
    ("score", "standing"),
    [
        (None, ""),
        (0.0, "poor"),
        (49.9, "poor"),
        (50.0, "watch"),
        (69.9, "watch"),
        (70.0, "good"),
        (84.9, "good"),
        (85.0, "excellent"),
        (100.0, "excellent"),
    ],
)
def test_standing_bands_start_at_the_configured_scores(score: float | None, standing: str) -> None:
    """poor < 50 <= watch < 70 <= good < 85 <= excellent (settings.SCORECARD_BANDS)."""
    assert standing_of(score) == standing


def test_the_bands_follow_the_settings(settings: Any) -> None:
    """With watch from 60, a score of 55 stands poor."""
    settings.SCORECARD_BANDS = {"watch": 60, "good": 75, "excellent": 90}

    assert (standing_of(55.0), standing_of(80.0)) == ("poor", "good")


# The weights ------------------------------------------------------------------------------------


def test_weights_not_adding_up_to_100_are_refused_naming_the_weights(manager: User) -> None:
    """25 + 20 + 10 + 15 + 20 + 20 = 110: refused, nothing changed."""
    with pytest.raises(ValidationError) as refused:
        scorecard_criteria_update(
            weights={**DEFAULT_WEIGHTS, "observed_indicators": 20}, by=manager
        )

    assert "weights" in refused.value.message_dict
    assert "110" in refused.value.message_dict["weights"][0]
    assert ScorecardCriterion.objects.get(key="observed_indicators").weight == 10


def weights_post(weights: dict[str, int]) -> dict[str, Any]:
    """Return the weights page's post: the weights given, the other rules as they start."""
    data: dict[str, Any] = {}
    for criterion in ScorecardCriterion.objects.all():
        data[f"weight_{criterion.key}"] = weights[criterion.key]
        data[f"expectation_{criterion.key}"] = criterion.expectation
        data[f"tolerance_{criterion.key}"] = criterion.tolerance
    return data


def test_the_weights_page_refuses_a_total_other_than_100_next_to_the_total(
    manager: User,
) -> None:
    """40 instead of 25 for the complaint rate: 115; the page answers 400, the error stands next
    to the total and nothing is saved."""
    before = list(ScorecardCriterion.objects.values_list("key", "weight"))

    response = signed_in(manager).post(
        reverse("reports:scorecard-weights"),
        weights_post({**DEFAULT_WEIGHTS, "complaint_rate": 40}),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="total"' in html
    assert "The weights add up to 115; they must add up to 100." in html
    assert list(ScorecardCriterion.objects.values_list("key", "weight")) == before


def test_new_weights_are_saved_with_their_history_and_every_month_scored_again(
    manager: User,
) -> None:
    """Moving 5 from the mystery shop to the survey keeps 100: saved, versioned, and the
    refresh of every stored month is queued."""
    weights = {**DEFAULT_WEIGHTS, "mystery_shop": 10, "survey_score": 25}

    response = signed_in(manager).post(reverse("reports:scorecard-weights"), weights_post(weights))

    assert response.status_code == 302
    survey = ScorecardCriterion.objects.get(key="survey_score")
    assert survey.weight == 25
    assert survey.history.first().history_user == manager
    assert OutboxMessage.objects.filter(
        task="reports.tasks.scorecards_refresh_task", kwargs={"rescore": True}
    ).exists()


def test_only_quality_managers_edit_the_weights(client_for: Any) -> None:
    """Executives read the scorecards but may not change how they are scored."""
    response = client_for("executive").get(reverse("reports:scorecard-weights"))

    assert response.status_code == 403


def test_a_partners_expectations_page_saves_agreed_ones_and_empty_keeps_the_default(
    site: PartnerSite, manager: User
) -> None:
    """12 agreed for the complaint rate, the SLA left empty (and an agreed one removed)."""
    partner_expectations_set(
        partner=site.partner, expectations={"sla_compliance": 95.0}, by=manager
    )
    data = {f"expectation_{key}": "" for key in DEFAULT_WEIGHTS} | {
        "expectation_complaint_rate": "12"
    }

    response = signed_in(manager).post(
        reverse("reports:scorecard-expectations", args=[site.partner.pk]), data
    )

    assert response.status_code == 302
    assert dict(
        PartnerExpectation.objects.filter(partner=site.partner).values_list(
            "criterion", "expectation"
        )
    ) == {"complaint_rate": 12.0}


# The suggested partner cycle --------------------------------------------------------------------


def poor_october(site: PartnerSite, manager: User) -> None:
    """Give BoxCo a bad October: 40 complaints per 1,000 activities, all answered late."""
    activities(100, IN_OCTOBER)
    for _number in range(4):
        complaint(site.returns, on=IN_OCTOBER, by=manager, within_sla=False)


def test_a_poor_standing_suggests_one_partner_cycle_however_often_it_runs(
    site: PartnerSite, manager: User
) -> None:
    """Complaint rate 40 (0 points), SLA 0 % (0), handoffs 0 (100): (0 x 25 + 0 x 20 + 100 x 10)
    / 55 = 18.2, poor. The refresh suggests a partner cycle; a second run adds none."""
    poor_october(site, manager)

    scorecards_refresh()
    scorecards_refresh()

    assert score_of(site.partner).standing == "poor"
    suggestion = Suggestion.objects.get(kind=Suggestion.Kind.PARTNER)
    assert (suggestion.partner, suggestion.period, suggestion.status) == (
        site.partner,
        OCTOBER,
        Suggestion.Status.OPEN,
    )
    assert "BoxCo scored 18.2 of 100 in October 2026" in suggestion.summary


def test_a_dismissed_partner_suggestion_is_not_suggested_again(
    site: PartnerSite, manager: User
) -> None:
    """Dismissed with a reason, the same partner month never comes back."""
    poor_october(site, manager)
    scorecards_refresh()
    suggestion_dismiss(
        suggestion=Suggestion.objects.get(kind=Suggestion.Kind.PARTNER),
        by=manager,
        reason="Agreed a recovery plan at the quarterly review.",
    )

    scorecards_refresh()

    assert list(Suggestion.objects.values_list("status", flat=True)) == ["dismissed"]


def test_accepting_a_partner_suggestion_opens_a_corrective_cycle_on_the_partner(
    site: PartnerSite, manager: User
) -> None:
    """The cycle names the partner and comes from its scorecard."""
    poor_october(site, manager)
    scorecards_refresh()

    cycle = suggestion_accept(
        suggestion=Suggestion.objects.get(kind=Suggestion.Kind.PARTNER), by=manager
    )

    assert (cycle.partner, cycle.origin, cycle.type) == (
        site.partner,
        PDCACycle.Origin.PARTNER_SCORECARD,
        PDCACycle.Type.CORRECTIVE,
    )


def test_a_good_standing_suggests_nothing(site: PartnerSite, manager: User) -> None:
    """79.3 stands good: no suggestion."""
    october_evidence(site, manager)

    scorecards_refresh()

    assert not Suggestion.objects.filter(kind=Suggestion.Kind.PARTNER).exists()


# The pages --------------------------------------------------------------------------------------


def test_the_comparison_shows_each_partners_score_standing_and_change(
    site: PartnerSite, manager: User
) -> None:
    """BoxCo: 79.3 in October (good), 20.7 down on September (only its indicator's week, on
    target: 100); a partner without evidence shows "no data"."""
    october_evidence(site, manager)
    PartnerFactory.create(name="Quiet Ltd")
    scorecards_refresh()

    response = signed_in(manager).get(reverse("reports:scorecard-list"))

    assert response.status_code == 200
    html = response.content.decode()
    boxco = html[html.index(f'data-partner="{site.partner.pk}"') :]
    assert "79.3" in boxco[:3000]
    assert 'data-standing="good"' in boxco[:3000]
    assert 'data-change="down"' in boxco[:3000]
    assert "October 2026" in html
    assert "November 2026 is in progress, not scored" in html
    assert "no data" in html


def test_the_comparison_sorts_by_score_worst_first_and_by_name(
    site: PartnerSite, manager: User
) -> None:
    """BoxCo (79.3) and a poor Acme (18.2): by score Acme comes first, best first BoxCo does."""
    october_evidence(site, manager)
    acme = partner_site("Acme")
    poor_october(acme, manager)
    scorecards_refresh()
    client = signed_in(manager)

    by_score = client.get(reverse("reports:scorecard-list")).content.decode()
    best_first = client.get(reverse("reports:scorecard-list") + "?sort=-score").content.decode()

    acme_row, boxco_row = (f'data-partner="{p.pk}"' for p in (acme.partner, site.partner))
    assert by_score.index(acme_row) < by_score.index(boxco_row)
    assert best_first.index(boxco_row) < best_first.index(acme_row)


def test_the_scorecard_page_shows_the_breakdown_the_criteria_left_out_and_the_trend(
    site: PartnerSite, manager: User
) -> None:
    """October without the audit: the mystery shop is named as left out; the quality manager
    gets the links to the expectations and the weights."""
    october_evidence(site, manager, with_audit=False)
    scorecards_refresh()

    response = signed_in(manager).get(reverse("reports:scorecard-detail", args=[site.partner.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "78.6" in html
    assert "Left out this month:" in html
    assert "Mystery-shop score (no data)" in html
    assert 'id="chart-scorecard-trend"' in html
    assert 'data-testid="edit-expectations"' in html
    assert 'data-testid="edit-weights"' in html


def test_an_executive_reads_the_scorecard_without_the_editing_links(
    site: PartnerSite, manager: User, make_user: Any
) -> None:
    october_evidence(site, manager)
    scorecards_refresh()

    response = signed_in(make_user("executive")).get(
        reverse("reports:scorecard-detail", args=[site.partner.pk])
    )

    assert response.status_code == 200
    assert 'data-testid="edit-expectations"' not in response.content.decode()


def test_the_scorecard_shows_the_month_picked_and_refuses_a_month_without_a_score(
    site: PartnerSite, manager: User
) -> None:
    """October is scored; March 2026 is not a month the partner has a score in: 400, named."""
    october_evidence(site, manager)
    scorecards_refresh()
    url = reverse("reports:scorecard-detail", args=[site.partner.pk])

    picked = signed_in(manager).get(url, {"period": "2026-10-01"})
    refused = signed_in(manager).get(url, {"period": "2026-03-01"})

    assert picked.status_code == 200
    assert refused.status_code == 400
    assert 'id="error_period"' in refused.content.decode()


def test_the_partner_page_links_to_its_scorecard(site: PartnerSite, manager: User) -> None:
    response = signed_in(manager).get(
        reverse("stakeholders:partner-detail", args=[site.partner.pk])
    )

    assert reverse("reports:scorecard-detail", args=[site.partner.pk]) in response.content.decode()


def grow_history(manager: User) -> None:
    """Add five partners and a year of scored months."""
    for number in range(5):
        grown = partner_site(f"Grown {number}")
        for month in range(1, 11):
            activities(10, date(2026, month, 5))
            complaint(grown.delivery, on=date(2026, month, 5), by=manager, within_sla=True)
    scorecards_refresh()


def test_the_comparison_runs_as_many_queries_whatever_the_history(
    site: PartnerSite, manager: User
) -> None:
    october_evidence(site, manager)
    scorecards_refresh()
    client = signed_in(manager)

    assert_queries_flat(
        lambda: client.get(reverse("reports:scorecard-list")), lambda: grow_history(manager)
    )


def test_the_scorecard_page_runs_as_many_queries_whatever_the_history(
    site: PartnerSite, manager: User
) -> None:
    october_evidence(site, manager)
    scorecards_refresh(periods=[OCTOBER])
    client = signed_in(manager)
    url = reverse("reports:scorecard-detail", args=[site.partner.pk])

    def more_months() -> None:
        for month in range(1, 10):
            complaint(site.returns, on=date(2026, month, 5), by=manager, within_sla=True)
            activities(10, date(2026, month, 5))
        grow_history(manager)

    assert_queries_flat(lambda: client.get(url), more_months)


# The API ----------------------------------------------------------------------------------------


def test_the_api_lists_each_partner_with_its_latest_score(site: PartnerSite, manager: User) -> None:
    october_evidence(site, manager)
    scorecards_refresh()

    response = signed_in(manager).get("/api/v1/scorecards/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "partner": site.partner.pk,
            "partner_name": "BoxCo",
            "period": "2026-10-01",
            "score": 79.3,
            "standing": "good",
            "previous_score": 100.0,  # September: only its indicator's week, on target
            "change": -20.7,
        }
    ]


def test_the_api_gives_a_partners_twelve_months_and_the_breakdown(
    site: PartnerSite, manager: User
) -> None:
    october_evidence(site, manager)
    scorecards_refresh()

    body = signed_in(manager).get(f"/api/v1/scorecards/{site.partner.pk}/").json()

    assert [month["period"] for month in body["months"]][::11] == ["2025-11-01", "2026-10-01"]
    assert body["months"][-1] == {"period": "2026-10-01", "score": 79.3, "standing": "good"}
    assert body["in_progress"] == "2026-11-01"
    survey = next(row for row in body["breakdown"] if row["criterion"] == "survey_score")
    assert (survey["value"], survey["n"], survey["sub_score"], survey["left_out"]) == (
        75.0,
        4,
        80.0,
        False,
    )


def test_the_api_refuses_frontline_staff(site: PartnerSite, client_for: Any) -> None:
    response = client_for("frontline").get("/api/v1/scorecards/")

    assert response.status_code == 403


# Who sees which scorecards ----------------------------------------------------------------------


def test_staff_who_read_every_scorecard_see_every_partner(
    site: PartnerSite, make_user: Any
) -> None:
    other = partner_site("Acme").partner

    for key in ("quality_manager", "executive", "administrator"):
        visible = set(scorecard_partners_visible_to(make_user(key)))
        assert visible == {site.partner, other}, key


def test_frontline_staff_and_strangers_see_no_scorecard(site: PartnerSite, make_user: Any) -> None:
    assert not scorecard_partners_visible_to(make_user("frontline")).exists()
    assert not scorecard_partners_visible_to(AnonymousUser()).exists()


def test_a_partner_contact_sees_only_their_own_partners_scorecard(
    site: PartnerSite, roles: None
) -> None:
    other = partner_site("Acme").partner
    user = User.objects.create_user(username="ruth", email="ruth@boxco.example")
    user.groups.add(Group.objects.get(name=Role.PARTNER.value))
    PartnerContact.objects.create(user=user, partner=site.partner, invited_at=timezone.now())

    visible = list(scorecard_partners_visible_to(User.objects.get(pk=user.pk)))

    assert visible == [site.partner]
    assert other not in visible
