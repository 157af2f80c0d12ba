"""Survey scores over a window, summed from the answers' day counts (feedback's SurveyDay).

The pages' cost follows the days and surveys, not the answers. The headline of each kind (NPS,
% satisfied, % easy) is feedback's own (`feedback.selectors.headline`), so that a score here
equals the one on the survey's results page for the same answers.
"""

from datetime import date
from typing import Any

from django.db.models import Q, Sum

from feedback.models import SCORED_FIELDS, Survey
from feedback.selectors import GOOD_AND_BAD, Headline, headline

from ..periods import days_between

# Employees' answers never count towards a touchpoint's customer scores.
CUSTOMER_KINDS = (Survey.Kind.NPS, Survey.Kind.CSAT, Survey.Kind.CES)


def day_sums() -> dict[str, Any]:
    """Return the sums over SurveyDay rows that `scores_headline` reads."""
    return {name: Sum(name) for name in ("score_total", *SCORED_FIELDS)}


def in_window(date_from: date, date_to: date) -> Q:
    """Return the filter of SurveyDay rows in the window."""
    return days_between("day", date_from, date_to)


def add_sums(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the sum of several rows of `day_sums` (several surveys of one kind)."""
    names = ("score_total", *SCORED_FIELDS)
    return {name: sum(row.get(name) or 0 for row in rows) for name in names}


def scores_headline(kind: str, row: dict[str, Any]) -> Headline:
    """Return the headline of summed day counts of one kind (see `day_sums`)."""
    per_score = [row.get(name) or 0 for name in SCORED_FIELDS]
    answers = sum(per_score)
    good_scores, bad_scores = GOOD_AND_BAD[Survey.Kind(kind)]
    good = sum(per_score[score] for score in good_scores)
    bad = sum(per_score[score] for score in bad_scores)
    return headline(
        kind,
        {
            "answers": answers,
            "average": (row.get("score_total") or 0) / answers if answers else None,
            "nps_good": good,
            "nps_bad": bad,
            "csat_good": good,
            "ces_good": good,
        },
    )
