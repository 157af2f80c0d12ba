"""Builders of the scorecard tests: a partner's touchpoints and the evidence of a month, made
through the services as people and integrations make them (snapshots as the recompute stores
them, customer activity as a bulk load)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Complaint, SurveyResponse
from journeys.models import Touchpoint
from metrics import services as metrics_services
from metrics.models import Indicator, Snapshot
from stakeholders.models import CustomerActivity, Partner
from tests.feedback.factories import AuditFactory, ChecklistFactory, SurveyFactory
from tests.journeys.factories import HandoffFactory, StageFactory, TouchpointFactory
from tests.stakeholders.factories import CustomerFactory, PartnerFactory


def local(day: date, hour: int = 10) -> datetime:
    """Return the aware local moment of an hour of a day."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass(frozen=True)
class PartnerSite:
    """A partner's two touchpoints: `delivery` receives a handoff from a department's `packing`
    (a cross-owner handoff), `returns` receives none."""

    partner: Partner
    delivery: Touchpoint
    returns: Touchpoint
    packing: Touchpoint


def partner_site(name: str = "BoxCo") -> PartnerSite:
    """Make a partner owning a delivery (after a department's packing) and a returns desk."""
    partner = PartnerFactory.create(name=name)
    stage = StageFactory.create()
    packing = TouchpointFactory.create(stage=stage, name=f"{name} packing")
    delivery = TouchpointFactory.create(stage=stage, name=f"{name} delivery", owner_partner=partner)
    returns = TouchpointFactory.create(stage=stage, name=f"{name} returns", owner_partner=partner)
    HandoffFactory.create(from_touchpoint=packing, to_touchpoint=delivery)
    return PartnerSite(partner, delivery, returns, packing)


def activities(count: int, on: date) -> None:
    """Load `count` purchases of a new customer on a day (as an integration's bulk load)."""
    customer = CustomerFactory.create()
    CustomerActivity.objects.bulk_create(
        CustomerActivity(customer=customer, occurred_at=local(on), kind="purchase")
        for _number in range(count)
    )


def complaint(
    touchpoint: Touchpoint,
    *,
    on: date,
    by: User,
    within_sla: bool | None = None,
) -> Complaint:
    """Log a complaint at a touchpoint; `within_sla` True/False: acknowledged at once and
    answered within the hour, or forty days later (past every SLA); None: still open."""
    received = local(on)
    logged = feedback_services.complaint_log(
        logged_by=by,
        description="The parcel came late.",
        touchpoint=touchpoint,
        received_at=received,
    )
    if within_sla is not None:
        answered = received + (timedelta(hours=1) if within_sla else timedelta(days=40))
        feedback_services.complaint_acknowledge(
            complaint=logged, by=by, at=received + timedelta(minutes=30)
        )
        feedback_services.complaint_respond(
            complaint=logged, by=by, decision="Refunded the delivery fee.", at=answered
        )
    return Complaint.objects.get(pk=logged.pk)


def answers(
    touchpoint: Touchpoint, scores: list[int], *, on: date, by: User, kind: str = "csat"
) -> list[SurveyResponse]:
    """Record answers to a new survey of the touchpoint, through the API channel."""
    survey = SurveyFactory.create(created_by=by, kind=kind, touchpoint=touchpoint)
    return [
        feedback_services.survey_respond(
            survey=survey, score=score, channel=SurveyResponse.Channel.API, responded_at=local(on)
        )
        for score in scores
    ]


def audit(touchpoint: Touchpoint, *, on: date, by: User, item_score: int) -> None:
    """Record a mystery shop of the touchpoint scoring every item the same (3 of 4: 75 %)."""
    checklist = ChecklistFactory.create(by=by, touchpoint=touchpoint)
    AuditFactory.create(
        template=checklist,
        auditor=by,
        visited_on=on,
        scores={item.pk: item_score for item in checklist.items.all()},
    )


def weekly_indicator(
    partner: Partner, values: dict[date, float], *, target: float, complete_before: date
) -> Indicator:
    """Define a partner's observed weekly indicator (lower is better) and store its snapshots,
    as the recompute would, with the periods before `complete_before` complete."""
    indicator = metrics_services.indicator_create(
        code=f"{partner.pk}-late-parcels",
        name="Late parcels",
        kind=Indicator.Kind.LEADING,
        stakeholder_group="partners",
        computation=Indicator.Computation.OBSERVED,
        partner=partner,
        grain=Indicator.Grain.WEEK,
        direction=Indicator.Direction.LOWER_IS_BETTER,
        target=target,
    )
    Snapshot.objects.bulk_create(
        Snapshot(indicator=indicator, period=period, value=value, n=1)
        for period, value in values.items()
    )
    Indicator.objects.filter(pk=indicator.pk).update(complete_before=complete_before)
    return indicator
