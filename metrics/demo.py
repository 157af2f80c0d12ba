"""Demo data of the metrics app: Brightline's 32 indicators, a year of observations, one rebuild.

Indicators cover the six stakeholder groups and the three journeys, leading and lagging. Most
are computed from the feedback and activity demos; the observed ones tell their own part of the
same year: the call centre's answer time falls after a staffing PDCA cycle (the improvement
demo's cycle, whose adoption recalculates the limits), SwiftParcel's late deliveries climb
through its bad spell, PayFlow has one outage week, engagement improves slowly. The seasonal
heating rush shows in complaints every winter.
"""

import math
import random
from datetime import date, timedelta
from typing import Any

from celery import current_app
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from core.demo import backdate, office_moment
from core.history import recorded_as
from feedback.demo.planning import trouble_level
from feedback.demo.surveys import CALLBACK_DAYS_AGO
from journeys import services as journey_services
from journeys.models import Journey, QualityObjective, Touchpoint
from stakeholders.models import Partner

from . import alerts_demo, services
from .models import Driver, Indicator, Observation, RecomputeRun
from .periods import period_start
from .recompute import recompute_start

STAFFING_DAYS_AGO = 105  # CallPoint added a late shift after a PDCA cycle on answer times
PAYFLOW_OUTAGE_WEEKS_AGO = 9
WEEKS = 52
MONTHS = 18

# code, name, kind, stakeholder group, computation, grain, chart, scope, unit, direction,
# (target, amber, red), description
HIGHER, LOWER = "higher_is_better", "lower_is_better"
INDICATORS: list[tuple[Any, ...]] = [
    ("nps", "Net Promoter Score", "lagging", "customers", "nps", "month", "xmr", {}, "points",
     HIGHER, (35, 30, 20), "Relationship NPS over every NPS survey."),
    ("nps-buy-online", "NPS: Buy online", "lagging", "customers", "nps", "month", "xmr",
     {"journey": "Buy online"}, "points", HIGHER, (40, 30, 20), ""),
    ("nps-get-support", "NPS: Get support", "lagging", "customers", "nps", "month", "xmr",
     {"journey": "Get support"}, "points", HIGHER, (30, 25, 15), ""),
    ("nps-renew", "NPS: Renew contract", "lagging", "customers", "nps", "month", "xmr",
     {"journey": "Renew contract"}, "points", HIGHER, (35, 30, 20), ""),
    ("csat-delivery", "Delivery CSAT", "leading", "customers", "csat", "month", "p",
     {"touchpoint": "Parcel delivery"}, "%", HIGHER, (85, 80, 70),
     "Share of delivery answers scoring 4 or 5."),
    ("csat-installation", "Installation CSAT", "leading", "customers", "csat", "month", "p",
     {"touchpoint": "Installation visit"}, "%", HIGHER, (85, 80, 70), ""),
    ("csat-phone", "Phone support CSAT", "leading", "customers", "csat", "month", "p",
     {"touchpoint": "Phone support"}, "%", HIGHER, (80, 75, 65), ""),
    ("ces-support", "Support effort (CES)", "leading", "customers", "ces", "week", "xmr",
     {"journey": "Get support"}, "points (1-7)", HIGHER, (5.5, 5.0, 4.5),
     "Mean answer to 'How easy was it to get what you needed?'"),
    ("renewal-rate", "Contract renewal rate", "lagging", "customers", "observed", "month", "p",
     {"journey": "Renew contract"}, "%", HIGHER, (85, 80, 70),
     "Contracts renewed of those due in the month, from billing."),
    ("referral-rate", "Referral rate", "lagging", "customers", "referral_rate", "month", "xmr",
     {}, "%", HIGHER, None, "Customers under contract in the month who referred someone."),
    ("churn", "Contract churn", "lagging", "shareholders", "churn", "month", "xmr", {}, "%",
     LOWER, (1.1, 1.4, 1.8), "Contracts in force on the first of the month that had ended by the "
     "next first (cancelled or not renewed), of all those in force."),
    ("retention", "Contract retention", "lagging", "customers", "retention", "month", "xmr", {},
     "%", HIGHER, (98.9, 98.6, 98.2),
     "Contracts in force on the first of the month still in force on the next first."),
    ("repeat-purchase", "Repeat business", "lagging", "shareholders", "repeat_purchase",
     "month", "xmr", {}, "%", HIGHER, None,
     "The month's buyers (purchases and renewals) who already held a contract."),
    ("complaints", "Complaints received", "leading", "customers", "complaint_count", "week",
     "c", {}, "complaints", LOWER, None, "Every complaint, by the week it arrived."),
    ("complaint-rate", "Complaints per 1,000 activities", "lagging", "communities",
     "complaint_rate", "month", "u", {}, "per 1,000", LOWER, (60, 75, 100),
     "Reported to the consumer ombudsman every quarter."),
    ("complaints-swiftparcel", "Complaints about SwiftParcel", "leading", "partners",
     "complaint_count", "week", "c", {"partner": "SwiftParcel"}, "complaints", LOWER, None, ""),
    ("time-to-acknowledge", "Time to acknowledge", "leading", "communities",
     "time_to_acknowledge", "month", "xmr", {}, "hours", LOWER, (8, 12, 24),
     "ISO 10002: complaints are acknowledged promptly (median hours)."),
    ("time-to-resolve", "Time to resolve a support request", "leading", "employees",
     "time_to_resolve", "month", "xmr", {"journey": "Get support"}, "hours", LOWER,
     (72, 96, 120), "Median hours from a complaint to the decision communicated."),
    ("sla-compliance", "Complaints resolved within SLA", "leading", "communities",
     "sla_compliance", "month", "p", {}, "%", HIGHER, (90, 85, 75), ""),
    ("fcr-phone", "First-contact resolution (phone)", "leading", "employees",
     "first_contact_resolution", "month", "p", {"touchpoint": "Phone support"}, "%", HIGHER,
     (70, 60, 50), ""),
    ("mystery-shop", "Mystery-shop score", "leading", "leaders", "mystery_shop_score", "month",
     "xmr", {}, "%", HIGHER, (85, 80, 70), "Executives and shoppers score the touchpoints."),
    ("ideas-implemented", "Ideas implemented", "leading", "employees", "ideas_implemented",
     "month", "c", {}, "ideas", HIGHER, None, "Staff and customer ideas put into practice."),
    ("enps", "Employee NPS", "leading", "employees", "enps", "month", "xmr", {}, "points",
     HIGHER, (20, 10, 0), "From the anonymous pulses (groups of five or more)."),
    ("callpoint-answer-time", "Call-centre answer time", "leading", "partners", "observed",
     "week", "xbar_r", {"partner": "CallPoint Contact Centres"}, "seconds", LOWER,
     (60, 75, 90), "Daily mean seconds to answer, Monday to Friday, from CallPoint's ACD."),
    ("swiftparcel-late", "SwiftParcel late deliveries", "leading", "partners", "observed",
     "week", "p", {"partner": "SwiftParcel"}, "%", LOWER, (3, 5, 8),
     "Parcels delivered after the promised day, from SwiftParcel's weekly file."),
    ("payflow-failures", "PayFlow failed payments", "leading", "partners", "observed", "week",
     "p", {"partner": "PayFlow"}, "%", LOWER, (1.5, 2, 3), "Card and iDEAL payments refused."),
    ("engagement", "Employee engagement", "leading", "employees", "observed", "month", "xbar_r",
     {}, "index", HIGHER, (70, 65, 60), "Engagement index per department (five departments)."),
    ("leadership-walks", "Leadership quality walks", "leading", "leaders", "observed", "month",
     "c", {}, "walks", HIGHER, (8, 6, 4), "Gemba walks by the management team."),
    ("revenue-retention", "Net revenue retention", "lagging", "shareholders", "observed",
     "month", "xmr", {}, "%", HIGHER, (100, 98, 95), "Contract revenue kept, with upgrades."),
    ("cost-of-poor-quality", "Cost of poor quality", "lagging", "shareholders", "observed",
     "month", "xmr", {}, "k EUR", LOWER, (40, 50, 60),
     "Refunds, repeat visits and goodwill, from finance."),
    ("ombudsman-escalations", "Ombudsman escalations", "lagging", "communities", "observed",
     "month", "c", {}, "cases", LOWER, (1, 2, 4), "Complaints customers took to the ombudsman."),
    # Last: added after the others (issue 18), so that their owners and dates stay as they were.
    ("complaint-satisfaction", "Complaint-handling satisfaction", "lagging", "customers",
     "complaint_satisfaction", "month", "p", {}, "%", HIGHER, (80, 72, 65),
     "Of the complaints whose customer rated the handling (at closure or in the survey sent "
     "after it), the share rating it 4 or 5, by the month the complaint arrived."),
]  # fmt: skip

# Brightline sells contracts: its customer ratios count a customer as active while a contract
# is in force (purchase or renewal within the term); the window covers customers without one.
CONTRACT_RATIOS = {"referral-rate", "churn", "retention", "repeat-purchase"}
CONTRACT_DEFINITION: dict[str, Any] = {"active_customer": "contract", "active_window_days": 365}

# leading code -> lagging code: drivers the quality team declared (journey pairs are found).
DECLARED_DRIVERS = [
    ("csat-delivery", "nps"),
    ("time-to-resolve", "nps"),
]
# The indicators were defined over a fortnight, a little over a year ago, each by its owner.
DEFINED_DAYS_AGO = 395
# Indicators whose targets the management review changed: by how much less ambitious the first
# target, amber and red thresholds were, and how many days ago they became those in the spec.
TARGET_REVISIONS = {"time-to-resolve": (24, 150), "nps": (5, 60), "fcr-phone": (5, 60)}
# Days ago the quality manager linked the journeys' objectives to the indicators measuring them:
# after the journeys' own target revisions, so that each version follows the one before.
LINKED_DAYS_AGO = 45
OBJECTIVE_INDICATORS = {
    "Time to resolve a support request": "time-to-resolve",
    "Resolve at first contact": "fcr-phone",
    "Renewal rate of expiring contracts": "renewal-rate",
}


def _scope(spec: dict[str, str]) -> dict[str, Any]:
    scope: dict[str, Any] = {}
    if "journey" in spec:
        scope["journey"] = Journey.objects.get(name=spec["journey"])
    if "touchpoint" in spec:
        scope["touchpoint"] = Touchpoint.objects.get(name=spec["touchpoint"])
    if "partner" in spec:
        scope["partner"] = Partner.objects.get(name=spec["partner"])
    return scope


def _weeks(today: date) -> list[date]:
    this_week = period_start(today, "week")
    return [this_week - timedelta(weeks=WEEKS - 1 - number) for number in range(WEEKS)]


def _months(today: date) -> list[date]:
    months = [period_start(today, "month")]
    while len(months) < MONTHS:
        months.insert(0, period_start(months[0] - timedelta(days=1), "month"))
    return months


def _winter(day: date) -> float:
    """Return how deep into the heating-season rush a day is, from 0 to 1 (peak early January)."""
    return max(0.0, math.cos((day.timetuple().tm_yday - 5) / 365 * 2 * math.pi)) ** 2


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def observations(rng: random.Random, today: date) -> dict[str, list[dict[str, Any]]]:
    """Return the observed indicators' rows for the demo year (period, value, n)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    weeks, months = _weeks(today), _months(today)

    answer_times = []
    for week in weeks:
        days_ago = (today - week).days
        staffed = days_ago < STAFFING_DAYS_AGO
        mean = (62 if staffed else 96) + 6 * _winter(week)
        for day in range(5):
            answer_times.append(
                {"period": week + timedelta(days=day), "value": round(rng.gauss(mean, 9), 1)}
            )
    rows["callpoint-answer-time"] = answer_times

    late = []
    for week in weeks:
        parcels = rng.randint(780, 1_020)
        share = 0.032 + 0.085 * trouble_level((today - week).days)
        late.append(
            {
                "period": week,
                "value": sum(rng.random() < share for _ in range(parcels)),
                "n": parcels,
            }
        )
    rows["swiftparcel-late"] = late

    failures = []
    for number, week in enumerate(weeks):
        attempts = rng.randint(2_700, 3_300)
        share = 0.045 if number == WEEKS - 1 - PAYFLOW_OUTAGE_WEEKS_AGO else 0.012
        failures.append(
            {
                "period": week,
                "value": sum(rng.random() < share for _ in range(attempts)),
                "n": attempts,
            }
        )
    rows["payflow-failures"] = failures

    engagement, walks, revenue, cost, ombudsman, renewals = [], [], [], [], [], []
    for number, month in enumerate(months):
        days_ago = (today - month).days
        trouble = trouble_level(days_ago)
        lift = 4.0 * max(0, number - (MONTHS - 6)) / 6  # the recognition programme
        for department in range(5):
            engagement.append(
                {"period": month, "value": round(rng.gauss(66 + lift + department, 3.5), 1)}
            )
        walks.append({"period": month, "value": _poisson(rng, 5 + 4 * number / MONTHS)})
        revenue.append({"period": month, "value": round(rng.gauss(101.2 - 3.5 * trouble, 0.8), 2)})
        cost.append(
            {
                "period": month,
                "value": round(rng.gauss(41 + 14 * trouble + 6 * _winter(month), 3), 1),
            }
        )
        ombudsman.append({"period": month, "value": _poisson(rng, 0.8 + 2.5 * trouble)})
        due = rng.randint(1_450, 1_850)
        kept = (
            0.89 - 0.06 * trouble + 0.02 * min(1.0, max(0.0, (CALLBACK_DAYS_AGO - days_ago) / 60))
        )
        renewals.append(
            {"period": month, "value": sum(rng.random() < kept for _ in range(due)), "n": due}
        )
    rows.update(
        {
            "engagement": engagement,
            "leadership-walks": walks,
            "revenue-retention": revenue,
            "cost-of-poor-quality": cost,
            "ombudsman-escalations": ombudsman,
            "renewal-rate": renewals,
        }
    )
    return rows


@transaction.atomic
def create_indicators(*, seed: int, today: date) -> int:
    """Define the indicators that do not exist yet, with their observations and annotations."""
    owners = list(User.objects.filter(groups__name="Quality manager").order_by("pk"))
    quality = User.objects.filter(username="quality").first()
    # A demo loaded before an indicator was added gets that indicator alone: the observations,
    # target revisions and links below were made with the others.
    topping_up = Indicator.objects.exists()
    created = 0
    for number, spec in enumerate(INDICATORS):
        code, direction, thresholds = spec[0], spec[9], spec[10]
        if Indicator.objects.filter(code=code).exists():
            continue
        target, amber, red = thresholds or (None, None, None)
        owner = quality if number % 3 == 0 or not owners else owners[number % len(owners)]
        if code in TARGET_REVISIONS and thresholds:
            # Less ambitious first: lower where higher is better, higher where lower is.
            easier = TARGET_REVISIONS[code][0] * (-1 if direction == HIGHER else 1)
            target, amber, red = (value + easier for value in thresholds)
        defined = office_moment(DEFINED_DAYS_AGO - number // 3, hour=9 + number % 8)
        with recorded_as(owner, at=defined):
            indicator = define_indicator(spec, owner=owner, thresholds=(target, amber, red))
        backdate(indicator, field="created_at", moment=defined)
        created += 1
    if not created or topping_up:
        return created
    revise_targets(quality)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    Observation.objects.bulk_create(
        Observation(indicator=indicators[code], **row)
        for code, rows in observations(rng, today).items()
        for row in rows
    )
    _annotate(indicators, today, quality)
    with recorded_as(quality, at=office_moment(LINKED_DAYS_AGO, hour=16)):
        for objective in QualityObjective.objects.filter(
            statement__in=OBJECTIVE_INDICATORS, indicator=None
        ):
            journey_services.objective_update(
                objective=objective, indicator=indicators[OBJECTIVE_INDICATORS[objective.statement]]
            )
    for leading, lagging in DECLARED_DRIVERS:
        services.driver_declare(leading=indicators[leading], lagging=indicators[lagging])
    return created


def define_indicator(
    spec: tuple[Any, ...], *, owner: User | None, thresholds: tuple[Any, Any, Any]
) -> Indicator:
    """Define one indicator of the spec, with the thresholds given."""
    code, name, kind, group, computation, grain, chart, scope, unit, direction = spec[:10]
    description = spec[11]
    target, amber, red = thresholds
    return services.indicator_create(
        code=code,
        name=name,
        description=description,
        kind=kind,
        stakeholder_group=group,
        computation=computation,
        grain=grain,
        chart_type=chart,
        unit=unit,
        direction=direction,
        target=target,
        amber_threshold=amber,
        red_threshold=red,
        owner=owner,
        # Limits from the first quarter of weeks or half-year of months: before the bad spell.
        baseline_periods=12 if grain == "week" else 6,
        **_scope(scope),
        **(CONTRACT_DEFINITION if code in CONTRACT_RATIOS else {}),
    )


def revise_targets(by: User | None) -> None:
    """Set the targets the management review revised, each on its day, in the history."""
    specs = {spec[0]: spec for spec in INDICATORS}
    for code, (_easier, days_ago) in TARGET_REVISIONS.items():
        target, amber, red = specs[code][10]
        with recorded_as(by, at=office_moment(days_ago, hour=15)):
            services.indicator_update(
                indicator=Indicator.objects.get(code=code),
                target=target,
                amber_threshold=amber,
                red_threshold=red,
            )


def _annotate(indicators: dict[str, Indicator], today: date, user: User | None) -> None:
    # The call-back and late-shift changes are PDCA cycles: the improvement demo's cycles draw
    # them on their indicators' charts, and the late shift's adoption restarts the limits.
    outage = _weeks(today)[WEEKS - 1 - PAYFLOW_OUTAGE_WEEKS_AGO]
    services.annotation_upsert(
        indicator=indicators["payflow-failures"],
        starts_on=outage,
        ends_on=outage + timedelta(days=6),
        label="PayFlow outage (incident PF-2291)",
        source_key="demo:payflow-outage",
        user=user,
    )


def load(*, seed: int) -> dict[str, int]:
    """Create the indicators that do not exist yet and bring every snapshot up to date."""
    if not Touchpoint.objects.exists():
        return {"indicators": 0}  # the journeys demo was not loaded
    created = create_indicators(seed=seed, today=timezone.localdate())
    if connection.vendor == "postgresql":
        # The demo filled the tables a moment ago: without fresh statistics PostgreSQL plans the
        # customer ratios' subqueries for empty tables and scans the activity once per customer.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The demo has no worker yet: its rebuild runs in this process, and mails no alerts.
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        run = recompute_start(mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.DEMO)
    finally:
        current_app.conf.task_always_eager = eager
    run.refresh_from_db()
    return {
        "indicators": created,
        "snapshots cells written": run.cells,
        "drivers": Driver.objects.count(),
        # Last: the alert rules are judged on the snapshots the run wrote.
        **alerts_demo.load(),
    }
