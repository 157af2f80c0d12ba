"""Partner scorecards: score the complete months, set the scoring rules and the expectations.

`scorecards_refresh` runs each night after the metrics recompute (reports.tasks): it scores every
partner in the last SCORECARD_REFRESH_MONTHS complete months (a month in progress is never
scored) and upserts one PartnerScore per partner and month, so a second run changes nothing.
A partner standing poor in the latest complete month gets a suggested partner cycle (CAPA),
unless one is waiting or a partner cycle is running. Changing the weights or an expectation
scores every stored month again with the new rules.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.history import recorded_as
from core.outbox import enqueue
from core.saving import validated_save
from improvement.lifecycle import OPEN_PHASES
from improvement.models import PDCACycle, Suggestion
from improvement.services.suggestions import suggestion_propose
from metrics.periods import MONTH, open_period, period_start, previous_period
from stakeholders.models import Partner

from ..models import Criterion, PartnerExpectation, PartnerScore, ScorecardCriterion, Standing
from ..scorecards.evidence import evidence_of
from ..scorecards.formula import Rule, score_month, standing_of
from ..selectors.scorecards import months_to_refresh
from ..tasks import scorecards_refresh_task

TOTAL_WEIGHT = 100
# Rows per upsert statement: a few hundred partners a month fit in one.
UPSERT_BATCH = 500


def _rules(criteria: Sequence[ScorecardCriterion]) -> dict[int | None, dict[str, Rule]]:
    """Return the rules per partner id (None: the defaults) with the agreed expectations."""
    defaults = {
        criterion.key: Rule(
            weight=criterion.weight,
            expectation=criterion.expectation,
            tolerance=criterion.tolerance,
            higher_is_better=criterion.higher_is_better,
        )
        for criterion in criteria
    }
    rules: dict[int | None, dict[str, Rule]] = {None: defaults}
    for partner_id, key, expectation in PartnerExpectation.objects.values_list(
        "partner", "criterion", "expectation"
    ):
        if key in defaults:
            own = rules.setdefault(partner_id, dict(defaults))
            own[key] = Rule(
                weight=defaults[key].weight,
                expectation=expectation,
                tolerance=defaults[key].tolerance,
                higher_is_better=defaults[key].higher_is_better,
            )
    return rules


@transaction.atomic
def scorecards_refresh(
    *, periods: Sequence[date] | None = None, today: date | None = None
) -> list[PartnerScore]:
    """Score every partner in the complete months asked for (default: the recent ones).

    Idempotent: one row per partner and month is upserted. Returns the rows written.
    """
    current = open_period(MONTH, today)
    wanted = months_to_refresh(today) if periods is None else periods
    # A month in progress (or to come) is never scored: its evidence is still arriving.
    starts = {period_start(month, MONTH) for month in wanted}
    months = sorted(month for month in starts if month < current)
    # Locking the criteria makes a second run wait for this one (and keeps the rules still).
    criteria = list(ScorecardCriterion.objects.select_for_update().order_by("pk"))
    rules = _rules(criteria)
    evidence = evidence_of(months)
    now = timezone.now()
    rows = []
    for partner_id in Partner.objects.order_by("pk").values_list("pk", flat=True):
        partner_rules = rules.get(partner_id, rules[None])
        for month in months:
            measures = {key: found.get((partner_id, month)) for key, found in evidence.items()}
            score, breakdown = score_month(measures, partner_rules)
            rows.append(
                PartnerScore(
                    partner_id=partner_id,
                    period=month,
                    score=score,
                    standing=standing_of(score),
                    breakdown=breakdown,
                    computed_at=now,
                )
            )
    PartnerScore.objects.bulk_create(
        rows,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["partner", "period"],
        update_fields=["score", "standing", "breakdown", "computed_at"],
    )
    # Only the month that closed last proposes: older months were proposed when they closed.
    latest = previous_period(current, MONTH)
    _propose_partner_cycles([row for row in rows if row.period == latest])
    return rows


def _covered(partner_id: int) -> bool:
    """Return whether a partner suggestion waits or a partner cycle runs for the partner."""
    waiting = Suggestion.objects.filter(
        kind=Suggestion.Kind.PARTNER, status=Suggestion.Status.OPEN, partner_id=partner_id
    )
    running = PDCACycle.objects.filter(
        phase__in=OPEN_PHASES,
        partner_id=partner_id,
        origin=PDCACycle.Origin.PARTNER_SCORECARD,
    )
    return waiting.exists() or running.exists()


def _worst(row: PartnerScore) -> list[str]:
    """Return the counted criteria of a month, worst sub-score first, in words."""
    labels = dict(Criterion.choices)
    counted = [
        (entry["sub_score"], key, entry)
        for key, entry in row.breakdown.items()
        if entry["sub_score"] is not None and entry["weight_used"]
    ]
    return [
        _("%(criterion)s %(value)s (expected %(expectation)s)")
        % {
            "criterion": labels.get(key, key),
            "value": f"{entry['value']:.3g}",
            "expectation": f"{entry['expectation']:.3g}",
        }
        for _sub_score, key, entry in sorted(counted, key=lambda item: (item[0], item[1]))[:3]
    ]


def _propose_partner_cycles(rows: Sequence[PartnerScore]) -> list[Suggestion]:
    """Suggest a partner cycle for each poor standing of the month, unless one is under way."""
    made = []
    poor = [row for row in rows if row.standing == Standing.POOR]
    partners = Partner.objects.in_bulk([row.partner_id for row in poor])
    for row in poor:
        if _covered(row.partner_id):
            continue
        partner = partners[row.partner_id]
        words = {
            "partner": partner.name,
            "month": formats.date_format(row.period, "YEAR_MONTH_FORMAT"),
            "score": f"{row.score:g}",
            "watch": settings.SCORECARD_BANDS[Standing.WATCH.value],
            "worst": "; ".join(_worst(row)),
        }
        suggestion = suggestion_propose(
            evidence_key=f"partner:{partner.pk}:{row.period.isoformat()}",
            kind=Suggestion.Kind.PARTNER,
            title=_("%(partner)s's scorecard is poor (%(month)s)") % words,
            summary=_(
                "%(partner)s scored %(score)s of 100 in %(month)s, a poor standing (below "
                "%(watch)s). Furthest from the agreed expectations: %(worst)s."
            )
            % words,
            partner=partner,
            period=row.period,
        )
        if suggestion is not None:
            made.append(suggestion)
    return made


def _check_weights(weights: Mapping[str, int]) -> None:
    """Refuse unknown criteria, a missing one, or weights not adding up to 100."""
    if set(weights) != set(Criterion.values):
        raise ValidationError({"weights": _("Give a weight for each of the six criteria.")})
    total = sum(weights.values())
    if total != TOTAL_WEIGHT:
        raise ValidationError(
            {
                "weights": _("The weights add up to %(total)s; they must add up to 100.")
                % {"total": total}
            }
        )


@transaction.atomic
def scorecard_criteria_update(
    *,
    weights: Mapping[str, int],
    expectations: Mapping[str, float] | None = None,
    tolerances: Mapping[str, float] | None = None,
    by: User,
) -> list[ScorecardCriterion]:
    """Set the criteria's weights (adding up to 100) and defaults; score every month again."""
    _check_weights(weights)
    criteria = list(ScorecardCriterion.objects.select_for_update().order_by("pk"))
    with recorded_as(by):
        for criterion in criteria:
            fields: dict[str, float] = {"weight": weights[criterion.key]}
            if expectations and criterion.key in expectations:
                fields["expectation"] = expectations[criterion.key]
            if tolerances and criterion.key in tolerances:
                fields["tolerance"] = tolerances[criterion.key]
            changed = {
                name: value for name, value in fields.items() if getattr(criterion, name) != value
            }
            if changed:
                validated_save(criterion, **changed)
    enqueue(scorecards_refresh_task, rescore=True)
    return criteria


@transaction.atomic
def partner_expectations_set(
    *, partner: Partner, expectations: Mapping[str, float | None], by: User
) -> list[PartnerExpectation]:
    """Set the expectations agreed with a partner (None: the default); score it again."""
    unknown = set(expectations) - set(Criterion.values)
    if unknown:
        raise ValidationError({"criterion": _("Unknown criterion: %s.") % ", ".join(unknown)})
    current = {row.criterion: row for row in partner.scorecard_expectations.select_for_update()}
    kept = []
    with recorded_as(by):
        for key, value in expectations.items():
            row = current.get(key)
            if value is None:
                if row is not None:
                    row.delete()
                continue
            if row is None:
                row = PartnerExpectation(partner=partner, criterion=key, expectation=value)
                kept.append(validated_save(row))
            elif row.expectation != value:
                kept.append(validated_save(row, expectation=value))
            else:
                kept.append(row)
    enqueue(scorecards_refresh_task, rescore=True)
    return kept
