"""The report's section: partners and mystery shopping (ISO 9001 §9.3.2 c 7: the performance of
external providers).

Partner standings come from the stored monthly scorecards (PartnerScore, read with the
scorecards' selectors): each partner's score and standing this month against the month before,
and the movers. A rise or a fall is a change of score between the two months; the largest
MOVERS_SHOWN of each are listed, and every change of standing is. A partner without a stored
score in one of the two months has no change.

Mystery shopping lists the month's audits (visits) with their touchpoint, its owner, the shopper
and the weighted score; audits by an executive (a user holding the Executive role) are marked, and
a score below IMPROVEMENT_MYSTERY_SHOP_THRESHOLD is flagged, as it suggests an improvement cycle.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Avg, Count
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role
from feedback.models import Audit, AuditItemScore
from stakeholders.models import Partner

from ...models import PartnerScore, Standing
from ...selectors.scorecards import band_limits, scorecard_comparison, scorecard_trends
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "partners"
TITLE = _("Partners and mystery shopping")

MOVERS_SHOWN = 3  # the largest rises and the largest falls the section names
FAILED_CHECKS_SHOWN = 6  # the checks the month's shoppers found not done or poor
FAILED_CHECK_SCORE = 1  # an item scored 0 (not done) or 1 (poor) of 4
# A standing's rank: a change of standing goes up or down this ladder.
STANDING_RANK = {
    Standing.POOR.value: 0,
    Standing.WATCH.value: 1,
    Standing.GOOD.value: 2,
    Standing.EXCELLENT.value: 3,
}


def _person(user: Any) -> str:
    """Return a user's name as the pages show it (full name, else the user name)."""
    if user is None:
        return gettext("Someone no longer registered")
    return str(user.get_full_name() or user.get_username())


def _rounded(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _standing_label(standing: str) -> str:
    return str(Standing(standing).label) if standing else ""


def _standing_move(before: str, now: str) -> str:
    """Return "up", "down" or "" (no change, or a month without a standing)."""
    if not before or not now or before == now:
        return ""
    return "up" if STANDING_RANK[now] > STANDING_RANK[before] else "down"


def _standings(month: ReportMonth) -> list[dict[str, Any]]:
    """Return every partner scored in the month or the month before, worst score first."""
    periods = [month.previous.first, month.first]
    scored = Partner.objects.filter(
        pk__in=PartnerScore.objects.filter(period__in=periods).values("partner_id")
    )
    rows = list(scorecard_comparison(scored, month=month.first))
    trends = scorecard_trends([row.pk for row in rows], periods)
    standings = []
    for row in rows:
        before, now = trends[row.pk]
        change = _rounded(row.change)  # type: ignore[attr-defined]  # annotated
        standings.append(
            {
                "name": row.name,
                "score": _rounded(now.score),
                "standing": now.standing,
                "standing_label": _standing_label(now.standing),
                "previous_score": _rounded(before.score),
                "previous_standing": before.standing,
                "previous_standing_label": _standing_label(before.standing),
                "change": change,
                "standing_move": _standing_move(before.standing, now.standing),
            }
        )
    return standings


def _movers(standings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return the largest rises and falls of score and every change of standing."""
    changed = [row for row in standings if row["change"]]
    rises = sorted(
        (row for row in changed if row["change"] > 0), key=lambda row: (-row["change"], row["name"])
    )
    falls = sorted(
        (row for row in changed if row["change"] < 0), key=lambda row: (row["change"], row["name"])
    )
    return {
        "rises": [_mover(row) for row in rises[:MOVERS_SHOWN]],
        "falls": [_mover(row) for row in falls[:MOVERS_SHOWN]],
        "standing_changes": [_mover(row) for row in standings if row["standing_move"]],
    }


def _mover(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "change", "standing_move", "previous_standing_label", "standing_label")
    return {key: row[key] for key in keys}


def _owner(audit: Audit) -> str:
    touchpoint = audit.touchpoint
    if touchpoint.owner_partner is not None:
        return str(touchpoint.owner_partner.name)
    if touchpoint.owner_department is not None:
        return str(touchpoint.owner_department.name)
    return ""


def _mystery_shopping(month: ReportMonth) -> dict[str, Any]:
    """Return the month's audits, their summary against the month before and the failed checks."""
    threshold = settings.IMPROVEMENT_MYSTERY_SHOP_THRESHOLD
    audits = list(
        Audit.objects.filter(visited_on__gte=month.first, visited_on__lte=month.last)
        .select_related(
            "template",
            "auditor",
            "touchpoint__owner_partner",
            "touchpoint__owner_department",
        )
        .order_by("visited_on", "pk")
    )
    # One read of the groups per shopper, not per audit (has_role caches them on the user).
    auditors = {audit.auditor_id: audit.auditor for audit in audits if audit.auditor is not None}
    executives = {pk for pk, user in auditors.items() if has_role(user, Role.EXECUTIVE)}
    rows = [
        {
            "visited_on": audit.visited_on.isoformat(),
            "touchpoint": audit.touchpoint.name,
            "checklist": audit.template.name,
            "owner": _owner(audit),
            "shopper": _person(audit.auditor),
            "by_executive": audit.auditor_id in executives,
            "score": _rounded(audit.score),
            "below_threshold": float(audit.score) < threshold,
        }
        for audit in audits
    ]
    previous = Audit.objects.filter(
        visited_on__gte=month.previous.first, visited_on__lte=month.previous.last
    ).aggregate(count=Count("pk"), average=Avg("score"))
    failed = (
        AuditItemScore.objects.filter(
            audit__in=[audit.pk for audit in audits], score__lte=FAILED_CHECK_SCORE
        )
        .select_related("item", "audit__touchpoint")
        .order_by("score", "audit__visited_on", "item__order", "pk")[:FAILED_CHECKS_SHOWN]
    )
    scores = [float(audit.score) for audit in audits]
    return {
        "threshold": threshold,
        "audits": rows,
        "count": len(rows),
        "average": _rounded(sum(scores) / len(scores)) if scores else None,
        "by_executives": sum(1 for row in rows if row["by_executive"]),
        "below_threshold": sum(1 for row in rows if row["below_threshold"]),
        "previous_count": previous["count"],
        "previous_average": _rounded(previous["average"]),
        "failed_checks": [
            {
                "check": item_score.item.text,
                "touchpoint": item_score.audit.touchpoint.name,
                "score": item_score.score,
                "note": item_score.note,
            }
            for item_score in failed
        ],
    }


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the partners' standings and movers, and the month's mystery shopping."""
    standings = _standings(month)
    return {
        "month_label": month.label,
        "previous_label": month.previous.label,
        "month_short": date_format(month.first, "M Y"),
        "previous_short": date_format(month.previous.first, "M Y"),
        "bands": [
            {"standing": standing, "label": label, "from": start}
            for standing, label, start in band_limits()
        ],
        "partners": standings,
        "movers": _movers(standings),
        "mystery_shopping": _mystery_shopping(month),
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """Return the partners' scores this month against last month, as grouped bars."""
    from core.charts import Chart, comparison_bars, figure_table

    partners = data.get("partners") or []
    if not partners:
        return []
    figure = comparison_bars(
        labels=[row["name"] for row in partners],
        series={
            data["previous_short"]: [row["previous_score"] for row in partners],
            data["month_short"]: [row["score"] for row in partners],
        },
        value_label=gettext("Score (0-100)"),
        horizontal=True,
    )
    return [
        Chart(
            key="partners_scores",
            title=gettext("Partner scores: %(month)s against %(previous)s")
            % {"month": data["month_label"], "previous": data["previous_label"]},
            figure=figure,
            table=figure_table(figure, category=gettext("Partner")),
            description=gettext(
                "Each partner's scorecard score, 0 to 100, this month and the month before."
            ),
        )
    ]
