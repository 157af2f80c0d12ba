"""Writes of the metrics app: indicator definitions, observations, annotations, limits, drivers.

The recompute itself lives in `recompute.py` (runs) and `series.py` (limits, signals, status).
Other apps (PDCA cycles, imports) annotate charts through `annotation_upsert`: metrics never
imports the apps above it.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import delete_controlled
from core.exceptions import ApplicationError
from core.saving import UNCHANGED, Unchanged, given, validated_save
from core.validation import validate_record_date
from journeys.models import Journey, Touchpoint
from stakeholders.models import CustomerSegment, Partner

from .computations import CUSTOMER_COMPUTATIONS, charts_for
from .models import (
    Annotation,
    Driver,
    Indicator,
    LimitSegment,
    Observation,
    RecomputeRun,
)
from .periods import period_start
from .recompute import recompute_start

# Changing one of these changes which rows an indicator reads or how they are grouped.
DEFINITION_FIELDS = (
    "computation",
    "grain",
    "journey",
    "touchpoint",
    "partner",
    "segment",
    "active_customer",
    "active_window_days",
)
# Changing one of these only changes the limits, signals or status: a series pass redoes them.
SERIES_FIELDS = (
    "chart_type",
    "baseline_periods",
    "rule_set",
    "direction",
    "target",
    "amber_threshold",
    "red_threshold",
)
MAX_OBSERVATIONS = 10_000  # rows per API call: a bigger batch belongs in a CSV import


def _fit_active_customer(indicator: Indicator) -> None:
    """Keep the default definition of an active customer where no customer is counted."""
    if indicator.computation not in CUSTOMER_COMPUTATIONS:
        indicator.active_customer = Indicator.ActiveCustomer.PREVIOUS_PERIOD
        indicator.active_window_days = None


def _check_definition(indicator: Indicator) -> None:
    """Refuse a chart that does not fit the computation and thresholds in the wrong order."""
    errors: dict[str, str] = {}
    if indicator.computation and indicator.chart_type not in charts_for(indicator.computation):
        allowed = ", ".join(sorted(charts_for(indicator.computation)))
        errors["chart_type"] = _(
            "A %(chart)s chart does not fit %(computation)s; use one of: %(allowed)s."
        ) % {
            "chart": indicator.chart_type,
            "computation": indicator.computation,
            "allowed": allowed,
        }
    if indicator.touchpoint_id and indicator.journey_id:
        errors["touchpoint"] = _("Scope an indicator to one journey, touchpoint or partner.")
    if indicator.computation == Indicator.Computation.OBSERVED and indicator.segment_id:
        errors["segment"] = _(
            "Observed values are imported as they are: a segment cannot narrow them."
        )
    thresholds = [
        (name, value)
        for name, value in (
            ("target", indicator.target),
            ("amber_threshold", indicator.amber_threshold),
            ("red_threshold", indicator.red_threshold),
        )
        if value is not None
    ]
    if indicator.target is None and len(thresholds) > 0:
        errors["target"] = _("Set a target before amber and red thresholds.")
    worse_first = indicator.direction == Indicator.Direction.HIGHER_IS_BETTER
    for (name, value), (next_name, next_value) in pairwise(thresholds):
        in_order = value >= next_value if worse_first else value <= next_value
        if not in_order:
            errors[next_name] = _(
                "With %(direction)s, %(field)s must not be better than %(better)s."
            ) % {
                "direction": indicator.get_direction_display().lower(),
                "field": next_name.replace("_", " "),
                "better": name.replace("_", " "),
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_create(
    *,
    code: str,
    name: str,
    kind: str,
    stakeholder_group: str,
    computation: str,
    description: str = "",
    owner: User | None = None,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    partner: Partner | None = None,
    segment: CustomerSegment | None = None,
    unit: str = "",
    direction: str = Indicator.Direction.HIGHER_IS_BETTER,
    target: float | None = None,
    amber_threshold: float | None = None,
    red_threshold: float | None = None,
    grain: str = Indicator.Grain.MONTH,
    chart_type: str = Indicator.ChartType.XMR,
    baseline_periods: int | None = None,
    rule_set: str = Indicator.RuleSet.WESTERN_ELECTRIC,
    active_customer: str = Indicator.ActiveCustomer.PREVIOUS_PERIOD,
    active_window_days: int | None = None,
    is_active: bool = True,
) -> Indicator:
    """Define an indicator; the next recompute (or the one queued now) fills its snapshots."""
    indicator = Indicator(
        code=code,
        name=name,
        kind=kind,
        stakeholder_group=stakeholder_group,
        computation=computation,
        description=description,
        owner=owner,
        journey=journey,
        touchpoint=touchpoint,
        partner=partner,
        segment=segment,
        unit=unit,
        direction=direction,
        target=target,
        amber_threshold=amber_threshold,
        red_threshold=red_threshold,
        grain=grain,
        chart_type=chart_type,
        baseline_periods=baseline_periods,
        rule_set=rule_set,
        active_customer=active_customer,
        active_window_days=active_window_days,
        is_active=is_active,
    )
    _fit_active_customer(indicator)
    _check_definition(indicator)
    indicator.needs_full_recompute = True
    return validated_save(indicator)


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    code: str | Unchanged = UNCHANGED,
    name: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    stakeholder_group: str | Unchanged = UNCHANGED,
    computation: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    owner: User | Unchanged | None = UNCHANGED,
    journey: Journey | Unchanged | None = UNCHANGED,
    touchpoint: Touchpoint | Unchanged | None = UNCHANGED,
    partner: Partner | Unchanged | None = UNCHANGED,
    segment: CustomerSegment | Unchanged | None = UNCHANGED,
    unit: str | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    target: float | Unchanged | None = UNCHANGED,
    amber_threshold: float | Unchanged | None = UNCHANGED,
    red_threshold: float | Unchanged | None = UNCHANGED,
    grain: str | Unchanged = UNCHANGED,
    chart_type: str | Unchanged = UNCHANGED,
    baseline_periods: int | Unchanged | None = UNCHANGED,
    rule_set: str | Unchanged = UNCHANGED,
    active_customer: str | Unchanged = UNCHANGED,
    active_window_days: int | Unchanged | None = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> Indicator:
    """Change an indicator; a new definition makes the next recompute redo all its periods."""
    fields = given(
        code=code,
        name=name,
        kind=kind,
        stakeholder_group=stakeholder_group,
        computation=computation,
        description=description,
        owner=owner,
        journey=journey,
        touchpoint=touchpoint,
        partner=partner,
        segment=segment,
        unit=unit,
        direction=direction,
        target=target,
        amber_threshold=amber_threshold,
        red_threshold=red_threshold,
        grain=grain,
        chart_type=chart_type,
        baseline_periods=baseline_periods,
        rule_set=rule_set,
        active_customer=active_customer,
        active_window_days=active_window_days,
        is_active=is_active,
    )
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = {name: getattr(locked, name) for name in DEFINITION_FIELDS}
    for name, value in fields.items():
        setattr(locked, name, value)
    _fit_active_customer(locked)
    redefined = any(getattr(locked, name) != before[name] for name in DEFINITION_FIELDS)
    _check_definition(locked)
    if redefined or any(name in fields for name in SERIES_FIELDS):
        # A series change redoes limits and status only, but a full pass is cheap per indicator
        # and keeps one path: the definition is what the snapshots must agree with.
        locked.needs_full_recompute = True
    validated_save(locked)
    return locked


@transaction.atomic
def indicator_bulk_recompute(*, indicators: Iterable[Indicator], by: User) -> RecomputeRun:
    """Have every period of the indicators recomputed, by one run started now.

    The indicators are marked for a full recompute and an incremental run is started, which
    redoes them with whatever else changed. When another run is busy, the returned run is a
    skipped one and the marks stay: the next run (at the latest the nightly one) redoes them.
    """
    ids = [indicator.pk for indicator in indicators]
    Indicator.objects.filter(pk__in=ids).update(needs_full_recompute=True)
    return recompute_start(
        mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.BUTTON, user=by
    )


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User) -> None:
    """Delete an indicator with its observations, snapshots, annotations and drivers
    (administrators only: others retire it)."""
    delete_controlled(instance=indicator, by=by)


def _observation_rows(rows: Iterable[Mapping[str, Any]]) -> list[tuple[date, float, float | None]]:
    """Check a batch of {"period", "value", "n"} rows; refuse the whole batch on any error."""
    parsed: list[tuple[date, float, float | None]] = []
    errors: list[str] = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.append(_("Row %(row)d is not an object.") % {"row": position})
            continue
        try:
            period = row["period"]
            period = period if isinstance(period, date) else date.fromisoformat(str(period))
        except (KeyError, ValueError):
            errors.append(
                _("Row %(row)d: period must be a date as YYYY-MM-DD.") % {"row": position}
            )
            continue
        try:
            validate_record_date(period)
        except ValidationError as error:
            errors.append(
                _("Row %(row)d: period: %(reason)s")
                % {"row": position, "reason": " ".join(error.messages)}
            )
            continue

        try:
            value = float(row["value"])
            n = None if row.get("n") in (None, "") else float(row["n"])
        except (KeyError, TypeError, ValueError):
            errors.append(_("Row %(row)d: value and n must be numbers.") % {"row": position})
            continue
        if value != value or abs(value) == float("inf") or (n is not None and not n >= 0):
            errors.append(
                _("Row %(row)d: value must be finite and n zero or more.") % {"row": position}
            )
            continue
        parsed.append((period, value, n))
    if errors:
        raise ApplicationError(
            _("Nothing was saved: %(count)d row(s) are not valid.") % {"count": len(errors)},
            extra={"rows": errors[:50]},
        )
    return parsed


def observation_checks(indicator: Indicator, n: float | None, value: float) -> str:
    """Return why a row cannot be an observation of this indicator ("" when it can)."""
    if indicator.computation != Indicator.Computation.OBSERVED:
        return _("%(code)s is computed from the data; only observed indicators take values.") % {
            "code": indicator.code
        }
    if indicator.chart_type in (Indicator.ChartType.P, Indicator.ChartType.U) and not n:
        return _("A %(chart)s chart needs n (the sample size) on every row.") % {
            "chart": indicator.chart_type
        }
    if indicator.chart_type == Indicator.ChartType.P and n is not None and not 0 <= value <= n:
        return _("For a p chart the value is the nonconforming count: between 0 and n.")
    if indicator.chart_type in (Indicator.ChartType.C, Indicator.ChartType.U) and value < 0:
        return _("A count cannot be negative.")
    return ""


@transaction.atomic
def observations_add(
    *, indicator: Indicator, rows: Iterable[Mapping[str, Any]]
) -> list[Observation]:
    """Store observed values (several in one period form a subgroup); all or nothing."""
    parsed = _observation_rows(rows)
    if not parsed:
        raise ApplicationError(_("Send at least one observation."))
    if len(parsed) > MAX_OBSERVATIONS:
        raise ApplicationError(
            _("Send at most %(max)d observations per call; import a CSV file for more.")
            % {"max": MAX_OBSERVATIONS}
        )
    problems = [
        f"{period}: {reason}"
        for period, value, n in parsed
        if (reason := observation_checks(indicator, n, value))
    ]
    if problems:
        raise ApplicationError(
            _("Nothing was saved: %(reason)s") % {"reason": problems[0]},
            extra={"rows": problems[:50]},
        )
    # One by one through save(): each logs its day for the recompute (a batch is small).
    return [
        validated_save(Observation(indicator=indicator, period=period, value=value, n=n))
        for period, value, n in parsed
    ]


@transaction.atomic
def annotation_upsert(
    *,
    indicator: Indicator,
    starts_on: date,
    label: str,
    kind: str = Annotation.Kind.NOTE,
    ends_on: date | None = None,
    link: str = "",
    source_key: str = "",
    user: User | None = None,
) -> Annotation:
    """Add a dated note to an indicator's charts; with a source key, update the one it wrote."""
    annotation = None
    if source_key:
        annotation = Annotation.objects.filter(indicator=indicator, source_key=source_key).first()
    fields = {
        "kind": kind,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "label": label,
        "link": link,
    }
    if annotation is None:
        annotation = Annotation(
            indicator=indicator, source_key=source_key, created_by=user if user else None
        )
    return validated_save(annotation, **fields)


@transaction.atomic
def annotation_delete(*, annotation: Annotation) -> None:
    """Remove an annotation from the charts."""
    annotation.delete()


@transaction.atomic
def limits_recalculate(
    *, indicator: Indicator, starts_on: date, reason: str, user: User | None = None
) -> LimitSegment:
    """Start a new calibration window at a period (after a process change), keeping the old one."""
    start = period_start(starts_on, indicator.grain)
    if not indicator.snapshots.filter(period__lt=start).exists():
        raise ApplicationError(
            _("Limits can restart only after the first period with data: pick a later period.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the process changed (e.g. the PDCA cycle).")})
    segment = validated_save(
        LimitSegment(indicator=indicator, starts_on=start, reason=reason.strip(), created_by=user)
    )
    annotation_upsert(
        indicator=indicator,
        starts_on=start,
        label=_("New limits: %(reason)s") % {"reason": reason.strip()},
        kind=Annotation.Kind.LIMITS,
        source_key=f"limits:{segment.pk}",
        user=user,
    )
    Indicator.objects.filter(pk=indicator.pk).update(needs_full_recompute=True)
    return segment


@transaction.atomic
def limits_remove(*, segment: LimitSegment) -> None:
    """Undo a limit recalculation: the previous window's limits extend over its periods."""
    Annotation.objects.filter(
        indicator_id=segment.indicator_id, source_key=f"limits:{segment.pk}"
    ).delete()
    Indicator.objects.filter(pk=segment.indicator_id).update(needs_full_recompute=True)
    segment.delete()


@transaction.atomic
def driver_declare(*, leading: Indicator, lagging: Indicator) -> Driver:
    """Declare that a leading indicator is believed to move a lagging one."""
    if leading.kind != Indicator.Kind.LEADING or lagging.kind != Indicator.Kind.LAGGING:
        raise ApplicationError(_("A driver pairs a leading indicator with a lagging one."))
    if leading.grain != lagging.grain:
        raise ApplicationError(
            _("Both indicators need the same grain to be correlated period by period.")
        )
    driver, _created = Driver.objects.get_or_create(leading=leading, lagging=lagging)
    if not driver.declared:
        driver.declared = True
        driver.save(update_fields=["declared"])
    return driver


@transaction.atomic
def annotations_remove(*, source_prefix: str, keep: list[str] | None = None) -> int:
    """Remove the annotations another app wrote under a source-key prefix ("pdca:12:"), except
    those it still keeps; return how many went."""
    if not source_prefix:
        raise ValueError("A source prefix is required: it would remove people's own notes.")
    annotations = Annotation.objects.filter(source_key__startswith=source_prefix)
    if keep:
        annotations = annotations.exclude(source_key__in=keep)
    removed, _by_model = annotations.delete()
    return removed
