"""The demo's PDCA cycles as a timeline: where each one stands today, its scope, its target
indicator and the days its phases moved. The words are in `cycles.toml` under the same key.

Cycles that reached their Check are timed on the data the other demos made, so that the Check
computes the verdict the story tells: the support call-back (CALLBACK_DAYS_AGO, visible in phone
CSAT) and CallPoint's late shift (STAFFING_DAYS_AGO, in the answer time) worked; a checklist for
first-contact resolution and a standard van stock did not move their indicators; a delivery
promise per postcode lifted delivery CSAT once the courier's bad spell was over.
"""

from dataclasses import dataclass

from feedback.demo.surveys import CALLBACK_DAYS_AGO
from improvement.models import PDCACycle
from metrics.demo import PAYFLOW_OUTAGE_WEEKS_AGO, STAFFING_DAYS_AGO

Phase = PDCACycle.Phase
Type = PDCACycle.Type
Origin = PDCACycle.Origin
Outcome = PDCACycle.Outcome


@dataclass(frozen=True)
class Story:
    """One demo cycle's timeline and scope (its words: `cycles.toml` under `key`)."""

    key: str
    phase: str  # where the cycle stands today
    type: str
    origin: str  # an idea origin falls back to `fallback_origin` when the idea is not there
    owner: int  # which quality manager owns it: 0 is the demo's quality login
    indicator: str
    target: float | None
    journey: str | None = None
    touchpoint: str | None = None
    partner: str | None = None
    fallback_origin: str = Origin.MANUAL
    # The complaints it came from: those at this touchpoint with this root-cause category in the
    # COMPLAINT_DAYS before it started.
    complaints: tuple[str, str] | None = None
    check_periods: int = 3
    # When the change went live: a fixed number of days ago, or the day before the period that
    # began `change_periods_ago` periods before the current one (so that exactly `check_periods`
    # periods have ended since, whatever today's date).
    change_days_ago: int | None = None
    change_periods_ago: int | None = None
    lead_days: tuple[int, int] = (21, 14)  # days from the start to Do, from Do to the change
    # Cycles not yet in Check: how many days ago they started and moved to Do.
    started_days_ago: int = 0
    started_weeks_ago: int | None = None  # instead: the Thursday of the week so many weeks ago
    do_days_ago: int | None = None
    check_days_ago: int | None = None  # a Check still waiting: the day it began
    outcome: str = ""
    decide_after: int = 3  # days after the Check
    close_after: int = 10  # days after the decision
    publish: bool = False
    parent: str = ""  # a follow-up: the story whose adaptation created it
    do_after: int = 7  # a follow-up: days after its creation it moved to Do


COMPLAINT_DAYS = 90
MOST_COMPLAINTS = 8  # the complaints a cycle lists: the latest ones are evidence enough

STORIES = [
    Story(
        key="checklist",
        phase=Phase.CLOSED,
        type=Type.IMPROVEMENT,
        origin=Origin.MANAGEMENT_REVIEW,
        owner=2,
        indicator="fcr-phone",
        target=50,
        journey="Get support",
        touchpoint="Phone support",
        change_days_ago=200,
        lead_days=(28, 21),
        outcome=Outcome.ABANDON,
        decide_after=6,
        close_after=1,
    ),
    Story(
        key="van_stock",
        phase=Phase.CLOSED,
        type=Type.CORRECTIVE,
        origin=Origin.COMPLAINTS,
        owner=0,
        indicator="time-to-resolve",
        target=60,
        journey="Get support",
        touchpoint="Engineer visit",
        complaints=("Engineer visit", "material"),
        change_periods_ago=4,
        lead_days=(24, 20),
        outcome=Outcome.ADAPT,
        close_after=1,
    ),
    Story(
        key="van_stock_follow_up",
        phase=Phase.DO,
        type=Type.CORRECTIVE,
        origin=Origin.COMPLAINTS,
        owner=0,
        indicator="time-to-resolve",
        target=60,
        parent="van_stock",
    ),
    Story(
        key="callback",
        phase=Phase.CLOSED,
        type=Type.IMPROVEMENT,
        origin=Origin.IDEA,
        fallback_origin=Origin.COMPLAINTS,
        owner=0,
        indicator="csat-phone",
        target=85,
        journey="Get support",
        touchpoint="Phone support",
        partner="CallPoint Contact Centres",
        complaints=("Phone support", "method"),
        check_periods=2,
        change_days_ago=CALLBACK_DAYS_AGO,
        lead_days=(24, 20),
        outcome=Outcome.ADOPT,
        close_after=7,
        publish=True,
    ),
    Story(
        key="late_shift",
        phase=Phase.CLOSED,
        type=Type.CORRECTIVE,
        origin=Origin.PARTNER_SCORECARD,
        owner=1,
        indicator="callpoint-answer-time",
        target=60,
        journey="Get support",
        partner="CallPoint Contact Centres",
        check_periods=6,
        # The first day of a week wholly on the late shift (metrics.demo staffs the weeks that
        # began fewer than STAFFING_DAYS_AGO days ago).
        change_days_ago=STAFFING_DAYS_AGO - 1,
        lead_days=(20, 24),
        outcome=Outcome.ADOPT,
        close_after=14,
        publish=True,
    ),
    Story(
        key="delivery_promise",
        phase=Phase.ACT,
        type=Type.PREVENTIVE,
        origin=Origin.IDEA,
        owner=3,
        indicator="csat-delivery",
        target=85,
        journey="Buy online",
        touchpoint="Online checkout",
        check_periods=2,
        change_periods_ago=2,
        lead_days=(20, 15),
        outcome=Outcome.ADOPT,
        decide_after=2,
        publish=True,
    ),
    Story(
        key="payflow",
        phase=Phase.PLAN,
        type=Type.CORRECTIVE,
        origin=Origin.SIGNAL,
        owner=0,
        indicator="payflow-failures",
        target=None,
        journey="Buy online",
        touchpoint="Card and iDEAL payment",
        partner="PayFlow",
        started_weeks_ago=PAYFLOW_OUTAGE_WEEKS_AGO,  # in the outage week
    ),
    Story(
        key="renewal_answers",
        phase=Phase.DO,
        type=Type.IMPROVEMENT,
        origin=Origin.MANUAL,
        owner=2,
        indicator="nps-renew",
        target=40,
        journey="Renew contract",
        touchpoint="Renewal questions",
        started_days_ago=45,
        do_days_ago=26,
    ),
    Story(
        key="chat_person",
        phase=Phase.CHECK,
        type=Type.CORRECTIVE,
        origin=Origin.MYSTERY_SHOP,
        owner=2,
        indicator="ces-support",
        target=5.5,
        journey="Get support",
        touchpoint="Live chat",
        check_periods=8,
        change_days_ago=24,
        lead_days=(16, 10),
        check_days_ago=2,
    ),
    Story(
        key="voucher",
        phase=Phase.CHECK,
        type=Type.IMPROVEMENT,
        origin=Origin.IDEA,
        owner=0,
        indicator="fcr-phone",
        target=40,
        journey="Get support",
        touchpoint="Phone support",
        change_days_ago=20,
        lead_days=(10, 8),
        check_days_ago=3,
    ),
    Story(
        key="installation",
        phase=Phase.DO,
        type=Type.CORRECTIVE,
        origin=Origin.COMPLAINTS,
        owner=1,
        indicator="csat-installation",
        target=85,
        journey="Buy online",
        touchpoint="Installation visit",
        complaints=("Installation visit", "people"),
        started_days_ago=30,
        do_days_ago=12,
    ),
    Story(
        key="roster_forecast",
        phase=Phase.PLAN,
        type=Type.PREVENTIVE,
        origin=Origin.MANAGEMENT_REVIEW,
        owner=3,
        indicator="callpoint-answer-time",
        target=60,
        journey="Get support",
        touchpoint="Phone support",
        partner="CallPoint Contact Centres",
        started_days_ago=6,
    ),
]
