"""Suggested cycles (CAPA): found in the data each day, accepted or dismissed by a quality manager.

Three kinds of evidence make a suggestion: complaints with the same touchpoint and root-cause
category reaching IMPROVEMENT_CLUSTER_THRESHOLD within IMPROVEMENT_CLUSTER_DAYS, an indicator
whose latest complete period carries a special cause on its deteriorating side, and a recent
mystery-shop audit scoring below IMPROVEMENT_MYSTERY_SHOP_THRESHOLD. Each suggestion names its
evidence in `evidence_key` (unique), so the same evidence never makes a second one, and a
dismissed suggestion never comes back: a complaint already in a suggestion or a cycle no longer
counts towards a new cluster. Apps above propose their own evidence through `suggestion_propose`
(reports: a partner's poor scorecard month).
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from feedback.models import Audit, Complaint
from journeys.models import Touchpoint
from metrics import rules
from metrics.models import Indicator, Snapshot
from stakeholders.models import Partner

from ..lifecycle import OPEN_PHASES
from ..models import PDCACycle, Suggestion
from .cycles import cycle_create, require_runner

Kind = Suggestion.Kind
Status = Suggestion.Status

ORIGIN_OF_KIND = {
    Kind.COMPLAINT_CLUSTER: PDCACycle.Origin.COMPLAINTS,
    Kind.SIGNAL: PDCACycle.Origin.SIGNAL,
    Kind.MYSTERY_SHOP: PDCACycle.Origin.MYSTERY_SHOP,
    Kind.PARTNER: PDCACycle.Origin.PARTNER_SCORECARD,
}


def _day_start(day: date) -> datetime:
    """Return the first moment of a local day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _window(today: date) -> tuple[date, date]:
    """Return the first and last day of the cluster window ending today (both included)."""
    return today - timedelta(days=settings.IMPROVEMENT_CLUSTER_DAYS - 1), today


def _suggest(key: str, fields: dict[str, Any], complaints: list[Complaint] | None = None) -> Any:
    """Create the suggestion of a piece of evidence unless it exists; return it when created.

    get_or_create on the unique evidence key: two runs meeting here make one row (the loser's
    insert fails inside its savepoint and it reads the winner's).
    """
    suggestion, created = Suggestion.objects.get_or_create(evidence_key=key, defaults=fields)
    if not created:
        return None
    if complaints:
        suggestion.complaints.set(complaints)
    return suggestion


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _complaint_clusters(today: date) -> list[Suggestion]:
    """Suggest a cycle for each touchpoint and root cause whose complaints reach the threshold."""
    first_day, last_day = _window(today)
    # Complaints in a suggestion (waiting, accepted or dismissed) or a cycle are accounted for:
    # only new ones make a new cluster.
    candidates = Complaint.objects.filter(
        received_at__gte=_day_start(first_day),
        received_at__lt=_day_start(last_day + timedelta(days=1)),
        touchpoint__isnull=False,
        suggestions__isnull=True,
        cycles__isnull=True,
    ).exclude(root_cause_category="")
    groups = (
        candidates.values("touchpoint_id", "root_cause_category")
        .annotate(count=Count("id", distinct=True), first=Min("received_at"))
        .filter(count__gte=settings.IMPROVEMENT_CLUSTER_THRESHOLD)
        .order_by("first", "touchpoint_id", "root_cause_category")
    )
    made = []
    labels = dict(Complaint.RootCause.choices)
    for group in groups:
        touchpoint_id, category = group["touchpoint_id"], group["root_cause_category"]
        if _covered(touchpoint_id=touchpoint_id, category=category):
            continue
        complaints = list(
            candidates.filter(touchpoint_id=touchpoint_id, root_cause_category=category)
            .select_related("touchpoint")
            .order_by("received_at", "id")
        )
        first, last = complaints[0], complaints[-1]
        touchpoint = first.touchpoint
        assert touchpoint is not None
        first_on = timezone.localdate(first.received_at)
        words = {
            "count": len(complaints),
            "touchpoint": touchpoint.name,
            "category": labels.get(category, category),
            "first": first_on.isoformat(),
            "last": timezone.localdate(last.received_at).isoformat(),
            "threshold": settings.IMPROVEMENT_CLUSTER_THRESHOLD,
            "days": settings.IMPROVEMENT_CLUSTER_DAYS,
        }
        suggestion = _suggest(
            f"complaints:{touchpoint_id}:{category}:{first_on.isoformat()}:{first.pk}",
            {
                "kind": Kind.COMPLAINT_CLUSTER,
                "title": (_("Complaints at %(touchpoint)s: %(category)s") % words)[:200],
                "summary": _(
                    "%(count)s complaints at %(touchpoint)s with the root cause “%(category)s” "
                    "between %(first)s and %(last)s (a cycle is suggested from %(threshold)s "
                    "within %(days)s days)."
                )
                % words,
                "touchpoint": touchpoint,
                "root_cause_category": category,
            },
            complaints,
        )
        if suggestion is not None:
            made.append(suggestion)
    return made


def _covered(*, touchpoint_id: int, category: str) -> bool:
    """Return whether a waiting suggestion or a running cycle already covers the cluster."""
    waiting = Suggestion.objects.filter(
        kind=Kind.COMPLAINT_CLUSTER,
        status=Status.OPEN,
        touchpoint_id=touchpoint_id,
        root_cause_category=category,
    )
    running = PDCACycle.objects.filter(
        phase__in=OPEN_PHASES, touchpoint_id=touchpoint_id, root_cause_category=category
    )
    return waiting.exists() or running.exists()


def _signals() -> list[Suggestion]:
    """Suggest a cycle for each indicator whose latest complete period deteriorates specially."""
    made = []
    indicators = Indicator.objects.filter(
        variation=Indicator.Variation.SPECIAL_DETERIORATING, latest_period__isnull=False
    ).select_related("touchpoint")
    for indicator in indicators:
        assert indicator.latest_period is not None
        snapshot = Snapshot.objects.filter(
            indicator=indicator, period=indicator.latest_period
        ).first()
        if snapshot is None or not snapshot.signals:
            continue
        waiting = Suggestion.objects.filter(
            kind=Kind.SIGNAL, status=Status.OPEN, indicator=indicator
        ).exists()
        running = PDCACycle.objects.filter(
            phase__in=OPEN_PHASES, target_indicator=indicator
        ).exists()
        if waiting or running:
            continue
        rule = str(snapshot.signals[0])
        period = snapshot.period
        words = {
            "indicator": indicator.name,
            "period": period.isoformat(),
            "rule": rules.RULE_LABELS.get(rule, rule),
            "value": _number(snapshot.value),
            "unit": indicator.unit,
        }
        suggestion = _suggest(
            f"signal:{indicator.pk}:{period.isoformat()}:{rule}",
            {
                "kind": Kind.SIGNAL,
                "title": (_("%(indicator)s is getting worse") % words)[:200],
                "summary": _(
                    "%(indicator)s shows a special cause on its deteriorating side in the period "
                    "from %(period)s (%(rule)s): %(value)s %(unit)s."
                )
                % words,
                "indicator": indicator,
                "touchpoint": indicator.touchpoint,
                "period": period,
            },
        )
        if suggestion is not None:
            made.append(suggestion)
    return made


def _mystery_shops(today: date) -> list[Suggestion]:
    """Suggest a cycle for each recent mystery-shop audit scoring below the threshold."""
    first_day, last_day = _window(today)
    threshold = settings.IMPROVEMENT_MYSTERY_SHOP_THRESHOLD
    audits = (
        Audit.objects.filter(
            score__lt=threshold, visited_on__gte=first_day, visited_on__lte=last_day
        )
        .filter(suggestions__isnull=True)
        .select_related("touchpoint", "template")
        .order_by("visited_on", "id")
    )
    made = []
    for audit in audits:
        waiting = Suggestion.objects.filter(
            kind=Kind.MYSTERY_SHOP, status=Status.OPEN, touchpoint=audit.touchpoint
        ).exists()
        running = PDCACycle.objects.filter(
            phase__in=OPEN_PHASES,
            touchpoint=audit.touchpoint,
            origin=PDCACycle.Origin.MYSTERY_SHOP,
        ).exists()
        if waiting or running:
            continue
        words = {
            "touchpoint": audit.touchpoint.name,
            "score": _number(float(audit.score)) if audit.score is not None else "—",
            "threshold": threshold,
            "checklist": audit.template.name,
            "visited": audit.visited_on.isoformat(),
        }
        suggestion = _suggest(
            f"mystery_shop:{audit.pk}",
            {
                "kind": Kind.MYSTERY_SHOP,
                "title": (_("Mystery shop at %(touchpoint)s scored %(score)s %%") % words)[:200],
                "summary": _(
                    "The mystery-shop audit of %(touchpoint)s on %(visited)s (%(checklist)s) "
                    "scored %(score)s %%, below the threshold of %(threshold)s %%."
                )
                % words,
                "touchpoint": audit.touchpoint,
                "audit": audit,
                "period": audit.visited_on,
            },
        )
        if suggestion is not None:
            made.append(suggestion)
    return made


@transaction.atomic
def suggestions_find(*, today: date | None = None) -> list[Suggestion]:
    """Suggest cycles from complaint clusters, deteriorating signals and low mystery shops.

    Idempotent: a second run on the same data creates nothing. Returns the new suggestions.
    """
    day = today or timezone.localdate()
    return [*_complaint_clusters(day), *_signals(), *_mystery_shops(day)]


@transaction.atomic
def suggestion_propose(
    *,
    evidence_key: str,
    kind: str,
    title: str,
    summary: str,
    touchpoint: Touchpoint | None = None,
    indicator: Indicator | None = None,
    partner: Partner | None = None,
    period: date | None = None,
) -> Suggestion | None:
    """Suggest a cycle for a piece of evidence named by its key; return it, or None if known.

    Evidence suggested before, waiting, accepted or dismissed, is never suggested again.
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of suggestion.")})
    return _suggest(
        evidence_key[:120],
        {
            "kind": kind,
            "title": title[:200],
            "summary": summary,
            "touchpoint": touchpoint,
            "indicator": indicator,
            "partner": partner,
            "period": period,
        },
    )


def _locked_open(suggestion: Suggestion) -> Suggestion:
    """Lock the suggestion's row; refuse one already decided, saying how."""
    locked = (
        # of=("self",): PostgreSQL locks no nullable side of an outer join.
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("touchpoint__stage__journey", "indicator", "partner", "cycle")
        .get(pk=suggestion.pk)
    )
    if locked.status == Status.ACCEPTED:
        raise ApplicationError(
            _("This suggestion was already accepted: it became %(reference)s.")
            % {"reference": locked.cycle.reference if locked.cycle else _("a cycle")}
        )
    if locked.status == Status.DISMISSED:
        raise ApplicationError(
            _("This suggestion was dismissed: %(reason)s") % {"reason": locked.dismiss_reason}
        )
    return locked


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, by: User) -> PDCACycle:
    """Turn a suggestion into a corrective cycle in Plan, with its evidence filled in."""
    require_runner(by)
    locked = _locked_open(suggestion)
    touchpoint: Touchpoint | None = locked.touchpoint
    fields: dict[str, Any] = {
        "by": by,
        "title": locked.title[:150],
        "owner": by,
        "type": PDCACycle.Type.CORRECTIVE,
        "origin": ORIGIN_OF_KIND[Kind(locked.kind)],
        "touchpoint": touchpoint,
        "journey": touchpoint.stage.journey if touchpoint is not None else None,
        "partner": locked.partner,
        "root_cause_category": locked.root_cause_category,
        "complaints": list(locked.complaints.all()),
        "problem_statement": locked.summary,
    }
    if locked.indicator is not None:
        try:
            cycle = cycle_create(**fields, target_indicator=locked.indicator)
        except ValidationError as error:
            # Too little history for a baseline: the cycle starts without its indicator and
            # the Plan asks for one (the summary names it).
            if "baseline_from" not in getattr(error, "error_dict", {}):
                raise
            cycle = cycle_create(**fields)
    else:
        cycle = cycle_create(**fields)
    locked.status = Status.ACCEPTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.cycle = cycle
    locked.save(update_fields=["status", "decided_by", "decided_at", "cycle"])
    return cycle


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, by: User, reason: str) -> Suggestion:
    """Dismiss a suggestion with the reason; the same evidence is never suggested again."""
    require_runner(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"dismiss_reason": _("Say why the suggestion is dismissed.")})
    locked = _locked_open(suggestion)
    locked.status = Status.DISMISSED
    locked.dismiss_reason = reason
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "dismiss_reason", "decided_by", "decided_at"])
    return locked
