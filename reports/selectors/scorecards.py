"""Reads of the partner scorecards shared by the pages, the API and the nightly refresh.

Who sees which scorecards is one rule, `scorecard_partners_visible_to`: staff holding
`reports.view_all_scorecards` see every partner's; a partner contact holding
`reports.view_partnerscore` sees only their own partner's; nobody else any. Pages read the
stored PartnerScore rows only, in a fixed number of queries whatever the history.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery

from improvement.lifecycle import OPEN_PHASES
from improvement.models import PDCACycle, Suggestion
from metrics.periods import MONTH, open_period, previous_period
from stakeholders.models import Partner
from stakeholders.selectors import contact_partner

from ..models import PartnerExpectation, PartnerScore, ScorecardCriterion, Standing

TREND_MONTHS = 12  # the trend of a scorecard: the last twelve complete months
# The comparison's sort keys (the query string's `sort`, "-" for descending) and their columns.
SORTS = {"name": "name", "score": "latest_score", "change": "change"}
DEFAULT_SORT = "score"  # worst first: the partners needing attention lead


def scorecard_partners_visible_to(user: Any) -> QuerySet[Partner]:
    """Return the partners whose scorecards a user may read."""
    if not user.is_authenticated:
        return Partner.objects.none()
    if user.has_perm("reports.view_all_scorecards"):
        return Partner.objects.all()
    # A partner contact (an active one, with the portal's permission) reads their own partner's.
    partner = contact_partner(user)
    if partner is not None and user.has_perm("reports.view_partnerscore"):
        return Partner.objects.filter(pk=partner.pk)
    return Partner.objects.none()


def latest_complete_month(today: date | None = None) -> date:
    """Return the start of the last month that has ended."""
    return previous_period(open_period(MONTH, today), MONTH)


def months_ending(last: date, count: int = TREND_MONTHS) -> list[date]:
    """Return the starts of `count` consecutive months ending with `last`, oldest first."""
    months = [last]
    while len(months) < count:
        months.insert(0, previous_period(months[0], MONTH))
    return months


def months_to_refresh(today: date | None = None) -> list[date]:
    """Return the complete months the nightly refresh scores (SCORECARD_REFRESH_MONTHS)."""
    return months_ending(latest_complete_month(today), settings.SCORECARD_REFRESH_MONTHS)


def stored_months() -> list[date]:
    """Return every month a score is stored for."""
    return list(PartnerScore.objects.values_list("period", flat=True).distinct().order_by("period"))


def scorecard_comparison(
    partners: QuerySet[Partner], *, month: date, sort: str = DEFAULT_SORT
) -> QuerySet[Partner]:
    """Return the partners with their score and standing in `month`, the month before's score
    and the change, sorted (`sort` from SORTS, "-" first for descending; no score last)."""
    previous = previous_period(month, MONTH)

    def stored(period: date, field: str) -> Subquery:
        return Subquery(
            PartnerScore.objects.filter(partner=OuterRef("pk"), period=period).values(field)[:1]
        )

    rows = partners.annotate(
        latest_score=stored(month, "score"),
        latest_standing=stored(month, "standing"),
        previous_score=stored(previous, "score"),
    ).annotate(change=F("latest_score") - F("previous_score"))
    descending = sort.startswith("-")
    column = F(SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT]))
    order = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return rows.order_by(order, "name", "pk")


@dataclass(frozen=True)
class MonthScore:
    """A partner's stored score of one month (None values: no data, or not computed)."""

    period: date
    score: float | None
    standing: str


def scorecard_trends(
    partner_ids: Iterable[int], months: Sequence[date]
) -> dict[int, list[MonthScore]]:
    """Return each partner's scores over the months, one entry per month (gaps as None)."""
    stored: dict[int, dict[date, tuple[float | None, str]]] = defaultdict(dict)
    rows = PartnerScore.objects.filter(
        partner_id__in=list(partner_ids), period__gte=months[0], period__lte=months[-1]
    ).values_list("partner_id", "period", "score", "standing")
    for partner_id, period, score, standing in rows:
        stored[partner_id][period] = (score, standing)
    return {
        partner_id: [
            MonthScore(month, *stored[partner_id].get(month, (None, ""))) for month in months
        ]
        for partner_id in partner_ids
    }


def scorecard_criteria() -> list[ScorecardCriterion]:
    """Return the six criteria in their order."""
    return list(ScorecardCriterion.objects.order_by("pk"))


def partner_expectations(partner: Partner) -> dict[str, float]:
    """Return the expectations agreed with a partner, by criterion key."""
    return dict(
        PartnerExpectation.objects.filter(partner=partner).values_list("criterion", "expectation")
    )


def scored_months(partner: Partner) -> list[date]:
    """Return the months a partner has a score in, newest first (the period picker)."""
    return list(
        PartnerScore.objects.filter(partner=partner, score__isnull=False)
        .order_by("-period")
        .values_list("period", flat=True)
    )


def partner_score(partner: Partner, month: date) -> PartnerScore | None:
    """Return a partner's stored scorecard of a month, if any."""
    return PartnerScore.objects.filter(partner=partner, period=month).first()


@dataclass(frozen=True)
class BreakdownRow:
    """One criterion of a month's scorecard as the pages show it."""

    key: str
    label: str
    unit: str
    higher_is_better: bool
    value: float | None
    n: int | None
    base: int | None
    expectation: float
    agreed: bool  # the expectation was agreed with the partner (not the default)
    sub_score: float | None
    weight: int
    weight_used: float

    @property
    def left_out(self) -> bool:
        """Return whether the criterion did not count this month (no data, or weight 0)."""
        return not self.weight_used


def breakdown_rows(
    score: PartnerScore | None,
    criteria: Sequence[ScorecardCriterion],
    agreed: dict[str, float],
) -> list[BreakdownRow]:
    """Return the month's breakdown in the criteria's order (stored values, today's labels)."""
    stored = score.breakdown if score is not None else {}
    rows = []
    for criterion in criteria:
        entry = stored.get(criterion.key, {})
        rows.append(
            BreakdownRow(
                key=criterion.key,
                label=str(criterion.get_key_display()),
                unit=criterion.unit,
                higher_is_better=criterion.higher_is_better,
                value=entry.get("value"),
                n=entry.get("n"),
                base=entry.get("base"),
                expectation=entry.get(
                    "expectation", agreed.get(criterion.key, criterion.expectation)
                ),
                agreed=criterion.key in agreed,
                sub_score=entry.get("sub_score"),
                weight=entry.get("weight", criterion.weight),
                weight_used=entry.get("weight_used", 0.0),
            )
        )
    return rows


def open_partner_capa(partner: Partner) -> tuple[list[Suggestion], list[PDCACycle]]:
    """Return the waiting partner suggestions and the running cycles about a partner."""
    suggestions = list(
        Suggestion.objects.filter(
            partner=partner, kind=Suggestion.Kind.PARTNER, status=Suggestion.Status.OPEN
        ).order_by("-created_at", "-id")
    )
    cycles = list(PDCACycle.objects.filter(partner=partner, phase__in=OPEN_PHASES).order_by("-id"))
    return suggestions, cycles


def band_limits() -> list[tuple[str, str, int]]:
    """Return (standing, label, score it starts from) for the bands above poor, highest first."""
    bands = settings.SCORECARD_BANDS
    return [
        (standing.value, str(standing.label), int(bands[standing.value]))
        for standing in (Standing.EXCELLENT, Standing.GOOD, Standing.WATCH)
    ]


def month_before(month: date) -> date:
    """Return the start of the month before."""
    return previous_period(month, MONTH)


def today_month(today: date | None = None) -> date:
    """Return the start of the month in progress."""
    return open_period(MONTH, today)
