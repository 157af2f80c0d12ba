"""The survey pages' day counts (SurveyDay) as stored, and as the answers themselves give them."""

from collections import defaultdict
from datetime import date

from core.changes import local_day
from feedback.models import SCORED_FIELDS, SurveyDay, SurveyResponse

Cell = tuple[int, date, int | None]  # survey, local day, department


def counted_days() -> dict[Cell, list[int]]:
    """Return the stored answers per score (0 to 10) of each survey, day and department."""
    table: dict[Cell, list[int]] = defaultdict(lambda: [0] * len(SCORED_FIELDS))
    for row in SurveyDay.objects.values(
        "survey_id", "day", "department_id", "answers", "score_total", *SCORED_FIELDS
    ):
        per_score = [row[name] for name in SCORED_FIELDS]
        assert row["answers"] == sum(per_score)
        assert row["score_total"] == sum(score * n for score, n in enumerate(per_score))
        counts = table[(row["survey_id"], row["day"], row["department_id"])]
        for score, n in enumerate(per_score):
            counts[score] += n
    return dict(table)


def answered_days() -> dict[Cell, list[int]]:
    """Return the same counts worked out from every answer, one by one."""
    table: dict[Cell, list[int]] = defaultdict(lambda: [0] * len(SCORED_FIELDS))
    for survey_id, responded_at, department_id, score in SurveyResponse.objects.values_list(
        "survey_id", "responded_at", "department_id", "score"
    ):
        table[(survey_id, local_day(responded_at), department_id)][score] += 1
    return dict(table)
