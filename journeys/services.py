"""Writes of the journeys app: each business action on the journey model is one function.

Every function validates the whole row (field rules, model rules and database constraints) and
raises Django's ValidationError keyed by field, which pages show next to the field and the API
returns as a 400; nothing already saved is touched when validation fails.

A touchpoint places the feedback recorded at it: the metrics count an answer, an audit or an
idea for the partner that owns its touchpoint now, and for the journey its stage is on. Handing
a touchpoint to another owner therefore logs, in the same transaction, the days of every tracked
row that refers to it, for the nightly recompute (core.changes); a touchpoint cannot change
journey (its handoffs join touchpoints of one journey). Complaints keep the journey and owner
they were logged with, so their numbers do not move (their days are logged all the same: a
cheap redo). Deleting a touchpoint (alone, or with its stage or journey, on a page, in the API
or in the admin) logs the days of the rows that outlive it, which `journeys.apps` arranges with
`core.changes.changes_follow_deletions`.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils.translation import gettext as _

from core.audit import delete_controlled
from core.changes import changes_record_referrers
from core.history import versions_record
from core.saving import UNCHANGED, Unchanged, given, validated_save
from stakeholders.models import CustomerSegment, Department, Partner

from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint

# Positions are renumbered through this offset so that the unique (parent, order) constraints
# never see two rows at one position in the middle of a move.
RENUMBER_OFFSET = 10_000


def _next_order(rows: QuerySet[Any]) -> int:
    return int(rows.aggregate(highest=Max("order"))["highest"] or 0) + 1


def _renumber(rows: list[Any], model: type[Model]) -> None:
    """Give rows the positions 1..n in list order, in two constraint-safe updates; each row
    that moved gets a version in its history (a bulk update bypasses `save()`)."""
    before = {row.pk: row.order for row in rows}
    for position, row in enumerate(rows, start=1):
        row.order = RENUMBER_OFFSET + position
    model.objects.bulk_update(rows, ["order"])  # type: ignore[attr-defined]
    for row in rows:
        row.order -= RENUMBER_OFFSET
    model.objects.bulk_update(rows, ["order"])  # type: ignore[attr-defined]
    versions_record([row for row in rows if row.order != before[row.pk]], model)


# Journeys -------------------------------------------------------------------------------------


@transaction.atomic
def journey_create(
    *,
    name: str,
    segment: CustomerSegment | None = None,
    owner: User | None = None,
    value_statement: str = "",
    status: str = Journey.Status.DRAFT,
) -> Journey:
    """Create a journey (a draft unless a status is given)."""
    return validated_save(
        Journey(),
        name=name,
        segment=segment,
        owner=owner,
        value_statement=value_statement,
        status=status,
    )


@transaction.atomic
def journey_update(
    *,
    journey: Journey,
    name: str | Unchanged = UNCHANGED,
    segment: CustomerSegment | Unchanged | None = UNCHANGED,
    owner: User | Unchanged | None = UNCHANGED,
    value_statement: str | Unchanged = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
) -> Journey:
    """Change a journey's name, segment, owner, value statement or status."""
    return validated_save(
        journey,
        **given(
            name=name,
            segment=segment,
            owner=owner,
            value_statement=value_statement,
            status=status,
        ),
    )


@transaction.atomic
def journey_delete(*, journey: Journey, by: User) -> None:
    """Delete a journey with its stages and touchpoints (administrators only: others retire
    it)."""
    delete_controlled(instance=journey, by=by)


# Stages ---------------------------------------------------------------------------------------


@transaction.atomic
def stage_add(*, journey: Journey, name: str, order: int | None = None) -> Stage:
    """Add a stage at the end of the journey, or at a free position given explicitly."""
    if order is None:
        order = _next_order(journey.stages.all())
    return validated_save(Stage(journey=journey), name=name, order=order)


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    name: str | Unchanged = UNCHANGED,
    order: int | Unchanged = UNCHANGED,
    journey: Journey | Unchanged = UNCHANGED,
) -> Stage:
    """Rename a stage or set its position (which must be free); it stays in its journey."""
    if journey is not UNCHANGED and journey.pk != stage.journey_id:
        raise ValidationError({"journey": _("A stage stays in its journey.")})
    return validated_save(stage, **given(name=name, order=order))


@transaction.atomic
def stage_move(*, stage: Stage, position: int) -> Stage:
    """Move a stage to a 1-based position among its journey's stages, shifting the others."""
    stages = list(Stage.objects.select_for_update().filter(journey=stage.journey_id))
    if not 1 <= position <= len(stages):
        raise ValidationError(
            {"order": _("Choose a position from 1 to %(count)d.") % {"count": len(stages)}}
        )
    moving = next(row for row in stages if row.pk == stage.pk)
    stages.remove(moving)
    stages.insert(position - 1, moving)
    _renumber(stages, Stage)
    stage.refresh_from_db()
    return stage


@transaction.atomic
def stage_delete(*, stage: Stage, by: User) -> None:
    """Delete a stage and its touchpoints; the remaining stages close the gap.

    Only an administrator may when that would delete or change a controlled record (an
    objective at one of its touchpoints, a complaint naming one).
    """
    journey_id = stage.journey_id
    delete_controlled(instance=stage, by=by)
    _renumber(list(Stage.objects.filter(journey=journey_id)), Stage)


# Touchpoints ----------------------------------------------------------------------------------


def _placement(touchpoint_id: int) -> tuple[int | None, int]:
    """Return what places the feedback at a touchpoint in the metrics: its owner partner (none
    for a department's) and its journey, as saved."""
    partner_id, journey_id = Touchpoint.objects.values_list(
        "owner_partner_id", "stage__journey_id"
    ).get(pk=touchpoint_id)
    return partner_id, journey_id


def _placement_changes_record(touchpoint: Touchpoint, before: tuple[int | None, int]) -> None:
    """Log the days of the rows recorded at the touchpoint when its owner partner changed.

    A change between departments moves no number: no computation reads a touchpoint's
    department.
    """
    if _placement(touchpoint.pk) != before:
        changes_record_referrers(touchpoint)


def _owner_fields(owner: Department | Partner | None) -> dict[str, Any]:
    if isinstance(owner, Department):
        return {"owner_department": owner, "owner_partner": None}
    if isinstance(owner, Partner):
        return {"owner_department": None, "owner_partner": owner}
    return {"owner_department": None, "owner_partner": None}


@transaction.atomic
def touchpoint_add(
    *,
    stage: Stage,
    name: str,
    channel: str,
    owner_department: Department | None = None,
    owner_partner: Partner | None = None,
    order: int | None = None,
    service_standard: str = "",
    ctq_requirement: str = "",
) -> Touchpoint:
    """Add a touchpoint to a stage, owned by exactly one department or one partner."""
    if order is None:
        order = _next_order(stage.touchpoints.all())
    return validated_save(
        Touchpoint(stage=stage),
        name=name,
        channel=channel,
        owner_department=owner_department,
        owner_partner=owner_partner,
        order=order,
        service_standard=service_standard,
        ctq_requirement=ctq_requirement,
    )


@transaction.atomic
def touchpoint_update(
    *,
    touchpoint: Touchpoint,
    stage: Stage | Unchanged = UNCHANGED,
    name: str | Unchanged = UNCHANGED,
    channel: str | Unchanged = UNCHANGED,
    owner_department: Department | Unchanged | None = UNCHANGED,
    owner_partner: Partner | Unchanged | None = UNCHANGED,
    order: int | Unchanged = UNCHANGED,
    service_standard: str | Unchanged = UNCHANGED,
    ctq_requirement: str | Unchanged = UNCHANGED,
) -> Touchpoint:
    """Change a touchpoint; moving it to another stage puts it at that stage's end.

    A new owner partner moves the answers, audits and ideas recorded at it to that partner's
    numbers: the days they fall on are logged for the nightly recompute.
    """
    old_stage_id = touchpoint.stage_id
    before = _placement(touchpoint.pk)
    moved = False
    if stage is not UNCHANGED and stage.pk != old_stage_id:
        moved = True
        # Handoffs join touchpoints of one journey, so a touchpoint stays in its journey.
        if stage.journey_id != Stage.objects.get(pk=old_stage_id).journey_id:
            raise ValidationError({"stage": _("Choose a stage of the same journey.")})
        if order is UNCHANGED:
            order = _next_order(stage.touchpoints.all())
    validated_save(
        touchpoint,
        **given(
            stage=stage,
            name=name,
            channel=channel,
            owner_department=owner_department,
            owner_partner=owner_partner,
            order=order,
            service_standard=service_standard,
            ctq_requirement=ctq_requirement,
        ),
    )
    if moved:
        _renumber(list(Touchpoint.objects.filter(stage=old_stage_id)), Touchpoint)
    _placement_changes_record(touchpoint, before)
    return touchpoint


@transaction.atomic
def touchpoint_set_owner(
    *, touchpoint: Touchpoint, owner: Department | Partner | None
) -> Touchpoint:
    """Hand a touchpoint to a department or a partner (exactly one); a new owner partner
    takes the answers, audits and ideas recorded at it along (logged for the recompute)."""
    before = _placement(touchpoint.pk)
    validated_save(touchpoint, **_owner_fields(owner))
    _placement_changes_record(touchpoint, before)
    return touchpoint


@transaction.atomic
def touchpoint_move(*, touchpoint: Touchpoint, position: int) -> Touchpoint:
    """Move a touchpoint to a 1-based position within its stage, shifting the others."""
    rows = list(Touchpoint.objects.select_for_update().filter(stage=touchpoint.stage_id))
    if not 1 <= position <= len(rows):
        raise ValidationError(
            {"order": _("Choose a position from 1 to %(count)d.") % {"count": len(rows)}}
        )
    moving = next(row for row in rows if row.pk == touchpoint.pk)
    rows.remove(moving)
    rows.insert(position - 1, moving)
    _renumber(rows, Touchpoint)
    touchpoint.refresh_from_db()
    return touchpoint


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint, by: User) -> None:
    """Delete a touchpoint with its handoffs and failure points.

    Only an administrator may when that would delete or change a controlled record (an
    objective set at it, a complaint or survey naming it).
    """
    stage_id = touchpoint.stage_id
    delete_controlled(instance=touchpoint, by=by)
    _renumber(list(Touchpoint.objects.filter(stage=stage_id)), Touchpoint)


# Handoffs and failure points --------------------------------------------------------------------


@transaction.atomic
def handoff_add(
    *, from_touchpoint: Touchpoint, to_touchpoint: Touchpoint, description: str = ""
) -> Handoff:
    """Record that the customer passes from one touchpoint to another of the same journey."""
    return validated_save(
        Handoff(),
        from_touchpoint=from_touchpoint,
        to_touchpoint=to_touchpoint,
        description=description,
    )


@transaction.atomic
def handoff_update(
    *,
    handoff: Handoff,
    from_touchpoint: Touchpoint | Unchanged = UNCHANGED,
    to_touchpoint: Touchpoint | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> Handoff:
    """Change a handoff's ends or description."""
    return validated_save(
        handoff,
        **given(
            from_touchpoint=from_touchpoint, to_touchpoint=to_touchpoint, description=description
        ),
    )


@transaction.atomic
def handoff_delete(*, handoff: Handoff) -> None:
    """Delete a handoff."""
    handoff.delete()


@transaction.atomic
def failure_point_add(
    *,
    touchpoint: Touchpoint,
    description: str,
    severity: int,
    occurrence: int,
    detection: int,
    variability_source: str = "",
) -> FailurePoint:
    """Record a known failure mode of a touchpoint with its FMEA ratings."""
    failure_point = validated_save(
        FailurePoint(touchpoint=touchpoint),
        description=description,
        severity=severity,
        occurrence=occurrence,
        detection=detection,
        variability_source=variability_source,
    )
    failure_point.refresh_from_db(fields=["rpn"])  # computed by the database
    return failure_point


@transaction.atomic
def failure_point_update(
    *,
    failure_point: FailurePoint,
    touchpoint: Touchpoint | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    severity: int | Unchanged = UNCHANGED,
    occurrence: int | Unchanged = UNCHANGED,
    detection: int | Unchanged = UNCHANGED,
    variability_source: str | Unchanged = UNCHANGED,
) -> FailurePoint:
    """Change a failure point's description, ratings or source of variability."""
    validated_save(
        failure_point,
        **given(
            touchpoint=touchpoint,
            description=description,
            severity=severity,
            occurrence=occurrence,
            detection=detection,
            variability_source=variability_source,
        ),
    )
    failure_point.refresh_from_db(fields=["rpn"])
    return failure_point


@transaction.atomic
def failure_point_delete(*, failure_point: FailurePoint) -> None:
    """Delete a failure point."""
    failure_point.delete()


# Quality objectives -----------------------------------------------------------------------------


@transaction.atomic
def objective_create(
    *,
    statement: str,
    target_value: Decimal,
    unit: str,
    due_date: date,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    customer_requirement: str = "",
    direction: str = QualityObjective.Direction.AT_LEAST,
    owner: User | None = None,
    indicator: Model | None = None,
    is_active: bool = True,
) -> QualityObjective:
    """Set a quality objective at a journey or a touchpoint.

    `indicator` is a metrics indicator (metrics sits above journeys, so it is typed as a row).
    """
    return validated_save(
        QualityObjective(),
        statement=statement,
        target_value=target_value,
        unit=unit,
        due_date=due_date,
        journey=journey,
        touchpoint=touchpoint,
        customer_requirement=customer_requirement,
        direction=direction,
        owner=owner,
        indicator=indicator,
        is_active=is_active,
    )


@transaction.atomic
def objective_update(
    *,
    objective: QualityObjective,
    statement: str | Unchanged = UNCHANGED,
    target_value: Decimal | Unchanged = UNCHANGED,
    unit: str | Unchanged = UNCHANGED,
    due_date: date | Unchanged = UNCHANGED,
    journey: Journey | Unchanged | None = UNCHANGED,
    touchpoint: Touchpoint | Unchanged | None = UNCHANGED,
    customer_requirement: str | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    owner: User | Unchanged | None = UNCHANGED,
    indicator: Model | Unchanged | None = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> QualityObjective:
    """Change a quality objective (retire it with `is_active=False`); history keeps what it
    was."""
    return validated_save(
        objective,
        **given(
            statement=statement,
            target_value=target_value,
            unit=unit,
            due_date=due_date,
            journey=journey,
            touchpoint=touchpoint,
            customer_requirement=customer_requirement,
            direction=direction,
            owner=owner,
            indicator=indicator,
            is_active=is_active,
        ),
    )


@transaction.atomic
def objective_delete(*, objective: QualityObjective, by: User) -> None:
    """Delete a quality objective (administrators only: others retire it)."""
    delete_controlled(instance=objective, by=by)
