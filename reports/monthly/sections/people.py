"""The report's section: people (ISO 9001 §9.3.2 c and §7.1.2: the people who deliver the
experience).

- eNPS: the employees' pulse answers of the month, the month before and the same month last
  year, each scored by the survey pages' own rule (`feedback.selectors.headline`): a month with
  fewer answers than `feedback.selectors.ANONYMITY_THRESHOLD` has no score, stored or shown.
- Recognition: the kudos given in the month, how many people received them, and a few
  highlights (who recognised whom for what, named as the recognition page names them), those
  tied to an idea, a PDCA cycle or a complaint first, then the newest.
- Ideas: the ideas adopted in the month, i.e. whose status became "implemented" in it
  (`implemented_at`, set by a reviewer or by the PDCA cycle that adopted the change), with the
  cycle that adopted each; and the month's decisions on ideas (accepted, declined) and new ideas.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from feedback.models import SCORED_FIELDS, ImprovementIdea, Recognition, Survey, SurveyDay
from feedback.selectors import ANONYMITY_THRESHOLD, headline
from improvement.models import PDCACycle

from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "people"
TITLE = _("People")

HIGHLIGHTS_SHOWN = 4  # kudos the section quotes
BEHAVIOUR_CHARACTERS = 240  # a quoted kudos is cut to this length
IDEAS_SHOWN = 10  # adopted ideas listed by name (all are counted)
PROMOTERS = range(9, 11)  # eNPS: 9-10 promote, 0-6 detract (as on the survey pages)
DETRACTORS = range(0, 7)


def _person(user: Any) -> str:
    """Return a user's name as the recognition page shows it (full name, else the user name)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _enps_month(month: ReportMonth) -> dict[str, Any]:
    """Return a month's eNPS: the answers, and the score and shares only from the threshold on."""
    sums = SurveyDay.objects.filter(
        survey__kind=Survey.Kind.ENPS, day__gte=month.first, day__lte=month.last
    ).aggregate(score_total=Sum("score_total"), **{name: Sum(name) for name in SCORED_FIELDS})
    per_score = [sums[name] or 0 for name in SCORED_FIELDS]
    answers = sum(per_score)
    promoters = sum(per_score[score] for score in PROMOTERS)
    detractors = sum(per_score[score] for score in DETRACTORS)
    # The survey pages' headline decides whether the month may be shown and how it is scored.
    result = headline(
        Survey.Kind.ENPS,
        {
            "answers": answers,
            "average": (sums["score_total"] or 0) / answers if answers else None,
            "nps_good": promoters,
            "nps_bad": detractors,
        },
    )
    shown = result.score is not None
    return {
        "label": month.label,
        "answers": answers,
        "hidden": result.hidden,
        "score": result.score if shown else None,
        "promoters_percent": round(100 * promoters / answers) if shown else None,
        "detractors_percent": round(100 * detractors / answers) if shown else None,
    }


def _enps(month: ReportMonth) -> dict[str, Any]:
    current = _enps_month(month)
    previous = _enps_month(month.previous)
    year_ago = _enps_month(month.year_ago)
    change = None
    if current["score"] is not None and previous["score"] is not None:
        change = current["score"] - previous["score"]
    return {
        "threshold": ANONYMITY_THRESHOLD,
        "score": current["score"],  # None: no answers, or too few to show
        "answers": current["answers"],
        "change": change,  # against the month before, when both have a score
        "months": [current, previous, year_ago],
    }


def _linked(recognition: Recognition) -> str:
    """Return what the kudos is tied to, in words ("" when nothing)."""
    if recognition.cycle is not None:
        return f"{recognition.cycle.reference} {recognition.cycle.title}"
    if recognition.idea is not None:
        return f"{recognition.idea.reference} {recognition.idea.title}"
    if recognition.complaint is not None:
        return str(recognition.complaint.reference)
    return ""


def _recognition(month: ReportMonth) -> dict[str, Any]:
    given = Recognition.objects.filter(
        given_at__gte=month.start_moment, given_at__lt=month.end_moment
    )
    tied = Q(cycle__isnull=False) | Q(idea__isnull=False) | Q(complaint__isnull=False)
    highlights = (
        given.select_related("recipient", "given_by", "idea", "cycle", "complaint")
        .annotate(
            tied=Case(When(tied, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("tied", "-given_at", "-pk")[:HIGHLIGHTS_SHOWN]
    )
    previous = Recognition.objects.filter(
        given_at__gte=month.previous.start_moment, given_at__lt=month.previous.end_moment
    ).count()
    return {
        "count": given.count(),
        "recipients": given.values("recipient").distinct().count(),
        "previous_count": previous,
        "highlights": [
            {
                "recipient": _person(recognition.recipient),
                "given_by": _person(recognition.given_by),
                "given_on": _local_day(recognition.given_at).isoformat(),
                "behaviour": Truncator(recognition.behaviour).chars(BEHAVIOUR_CHARACTERS),
                "linked": _linked(recognition),
            }
            for recognition in highlights
        ],
    }


def _in_month(field: str, month: ReportMonth) -> Q:
    return Q(**{f"{field}__gte": month.start_moment, f"{field}__lt": month.end_moment})


def _ideas(month: ReportMonth) -> dict[str, Any]:
    implemented = ImprovementIdea.objects.filter(
        _in_month("implemented_at", month), status=ImprovementIdea.Status.IMPLEMENTED
    )
    adopted = list(
        implemented.select_related("touchpoint", "submitted_by").order_by("implemented_at", "pk")[
            :IDEAS_SHOWN
        ]
    )
    cycles: dict[int, list[str]] = {}
    for idea_id, reference in (
        PDCACycle.objects.filter(ideas__in=[idea.pk for idea in adopted])
        .order_by("reference")
        .values_list("ideas", "reference")
    ):
        cycles.setdefault(idea_id, []).append(reference)
    decided = ImprovementIdea.objects.filter(_in_month("decided_at", month))
    return {
        "implemented": implemented.count(),
        "implemented_previous": ImprovementIdea.objects.filter(
            _in_month("implemented_at", month.previous),
            status=ImprovementIdea.Status.IMPLEMENTED,
        ).count(),
        "submitted": ImprovementIdea.objects.filter(_in_month("submitted_at", month)).count(),
        # Accepted in the month: still accepted, or implemented since (the decision stays).
        "accepted": decided.filter(
            status__in=[ImprovementIdea.Status.ACCEPTED, ImprovementIdea.Status.IMPLEMENTED]
        ).count(),
        "declined": decided.filter(status=ImprovementIdea.Status.DECLINED).count(),
        "adopted": [
            {
                "reference": idea.reference,
                "title": idea.title,
                "touchpoint": idea.touchpoint.name if idea.touchpoint else "",
                "submitted_by": _person(idea.submitted_by),
                "implemented_on": _local_day(idea.implemented_at).isoformat(),
                "cycles": cycles.get(idea.pk, []),
            }
            for idea in adopted
        ],
    }


def _local_day(moment: Any) -> date:
    return timezone.localdate(moment)


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the month's eNPS, recognition and adopted ideas."""
    return {
        "month_label": month.label,
        "previous_label": month.previous.label,
        "year_ago_label": month.year_ago.label,
        "month_short": date_format(month.first, "M Y"),
        "enps": _enps(month),
        "recognition": _recognition(month),
        "ideas": _ideas(month),
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The people's figures are few and read best as sentences and a table: no figure."""
    return []
