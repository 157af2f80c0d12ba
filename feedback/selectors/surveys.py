"""Reads of surveys: the list with its headline scores, one survey's results, invitations and
pulses.

Scores are summed from the answers' per-day counts (SurveyDay, kept by the answer services), so
that the pages' cost does not grow with the number of answers. eNPS answers are never shown one by
one, to anyone (`shown_one_by_one` leaves them out of every list, API and insight), and their
aggregates only for groups of at least `ANONYMITY_THRESHOLD` answers, so that nobody's answer can
be picked out (`headline` and `department_groups`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ..models import (
    SCORED_FIELDS,
    EmployeeParticipation,
    Survey,
    SurveyDay,
    SurveyInvitation,
    SurveyResponse,
)

ANONYMITY_THRESHOLD = 5
# Survey kinds answered by employees: shown only in aggregate, never one answer at a time.
EMPLOYEE_KINDS = (Survey.Kind.ENPS,)
OTHER_DEPARTMENTS = "Other departments"

# kind: (scores of a "good" answer, scores of a "bad" one)
GOOD_AND_BAD = {
    Survey.Kind.NPS: (range(9, 11), range(0, 7)),
    Survey.Kind.ENPS: (range(9, 11), range(0, 7)),
    Survey.Kind.CSAT: (range(4, 11), range(0, 3)),
    Survey.Kind.CES: (range(5, 11), range(0, 4)),
}


def day_count_sums() -> dict[str, Any]:
    """Return the sums over SurveyDay rows that `day_counts` reads."""
    return {name: Sum(name) for name in ("score_total", *SCORED_FIELDS)}


def day_counts(row: dict[str, Any]) -> dict[str, Any]:
    """Return the counts a headline reads, from summed SurveyDay rows (see `day_count_sums`)."""
    per_score = [row.get(name) or 0 for name in SCORED_FIELDS]
    answers = sum(per_score)
    score_total = row.get("score_total") or 0
    return {
        "per_score": per_score,
        "score_total": score_total,
        "answers": answers,
        "average": score_total / answers if answers else None,
        "nps_good": sum(per_score[9:]),
        "nps_bad": sum(per_score[:7]),
        "csat_good": sum(per_score[4:]),
        "ces_good": sum(per_score[5:]),
    }


@dataclass
class Headline:
    """The headline of a set of answers: NPS for NPS/eNPS, % satisfied for CSAT, % easy for CES."""

    kind: str
    answers: int
    average: float | None
    score: float | None  # NPS (-100..100) or a percentage
    label: str
    hidden: bool = False  # eNPS groups under the anonymity threshold


def headline(kind: str, row: dict[str, Any]) -> Headline:
    """Return the headline score of aggregated counts (see `day_counts`)."""
    answers = row["answers"] or 0
    hidden = kind == Survey.Kind.ENPS and answers < ANONYMITY_THRESHOLD
    if not answers or hidden:
        return Headline(kind, answers, None, None, "", hidden=hidden)
    if kind in (Survey.Kind.NPS, Survey.Kind.ENPS):
        score = round(100 * (row["nps_good"] - row["nps_bad"]) / answers)
        label = "eNPS" if kind == Survey.Kind.ENPS else "NPS"
    elif kind == Survey.Kind.CSAT:
        score, label = round(100 * row["csat_good"] / answers), "% satisfied"
    else:
        score, label = round(100 * row["ces_good"] / answers), "% easy"
    return Headline(kind, answers, round(row["average"], 1), score, label)


def survey_list() -> QuerySet[Survey]:
    """Return the surveys with their scope, by name (their headlines: `survey_headlines`)."""
    return Survey.objects.select_related("journey", "touchpoint").order_by("name")


def survey_headlines(surveys: Iterable[Survey]) -> dict[int, Headline]:
    """Return the headline of each of these surveys (a page of the list), by id.

    One query over the surveys' day counts (SurveyDay), whatever the number of answers.
    """
    kinds = {survey.pk: survey.kind for survey in surveys}
    if not kinds:
        return {}
    rows = {
        row["survey_id"]: row
        for row in SurveyDay.objects.filter(survey_id__in=list(kinds))
        .values("survey_id")
        .annotate(**day_count_sums())
        .order_by()
    }
    return {pk: headline(kind, day_counts(rows.get(pk, {}))) for pk, kind in kinds.items()}


@dataclass
class Results:
    """One survey's results: the headline, shares, distribution and (eNPS) groups."""

    headline: Headline
    distribution: list[tuple[int, int, int]] = field(default_factory=list)  # score, n, % of n
    shares: list[tuple[str, int, int]] = field(default_factory=list)  # label, n, % of n
    groups: list[tuple[str, Headline]] = field(default_factory=list)
    # eNPS: whether some answers belong to departments too small to be named.
    groups_merged: bool = False
    comments: list[SurveyResponse] = field(default_factory=list)


def survey_results(survey: Survey, *, comments: int = 20) -> Results:
    """Return a survey's results; eNPS ones only for groups of at least the threshold.

    The counts come from the survey's day counts (SurveyDay) in one query; the latest comments
    are one bounded read of the answers (an index holds only those with words).
    """
    days = SurveyDay.objects.filter(survey=survey)
    grouped: list[dict[str, Any]] = []
    if survey.is_employee_survey:
        grouped = [
            {"department__name": row["department__name"], **day_counts(row)}
            for row in days.values("department__name")
            .annotate(**day_count_sums())
            .order_by("department__name")
        ]
        total = counts_added(grouped)
    else:
        total = day_counts(days.aggregate(**day_count_sums()))
    overall = headline(survey.kind, total)
    results = Results(headline=overall)
    if overall.hidden or not overall.answers:
        return results
    answers = overall.answers
    per_score = total["per_score"]
    low, high = survey.scale
    results.distribution = [
        (score, per_score[score], round(100 * per_score[score] / answers))
        for score in range(low, high + 1)
    ]
    good_scores, bad_scores = GOOD_AND_BAD[Survey.Kind(survey.kind)]
    good = sum(per_score[score] for score in good_scores)
    bad = sum(per_score[score] for score in bad_scores)
    if survey.kind in (Survey.Kind.NPS, Survey.Kind.ENPS):
        names = ("Promoters (9-10)", "Passives (7-8)", "Detractors (0-6)")
    elif survey.kind == Survey.Kind.CSAT:
        names = ("Satisfied (4-5)", "Neutral (3)", "Dissatisfied (1-2)")
    else:
        names = ("Easy (5-7)", "Neutral (4)", "Difficult (1-3)")
    results.shares = [
        (name, count, round(100 * count / answers))
        for name, count in zip(names, (good, answers - good - bad, bad), strict=True)
    ]
    if survey.is_employee_survey:
        results.groups, results.groups_merged = department_groups(grouped)
    else:
        results.comments = list(
            responses_shown_one_by_one()
            .filter(survey=survey)
            .exclude(comment="", improvement_suggestion="")
            .select_related("customer")
            .order_by("-responded_at", "-id")[:comments]
        )
    return results


def counts_added(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the counts of several groups (see `day_counts`) as those of one."""
    summed = {
        name: sum(row["per_score"][score] for row in rows)
        for score, name in enumerate(SCORED_FIELDS)
    }
    return day_counts({"score_total": sum(row["score_total"] for row in rows), **summed})


def department_groups(
    grouped: list[dict[str, Any]],
) -> tuple[list[tuple[str, Headline]], bool]:
    """Return the eNPS per department, naming only departments with at least the threshold of
    answers, and whether some answers were merged into "Other departments".

    The smaller departments (and answers without one) are merged into "Other departments". When
    that group would itself be under the threshold, the smallest named department joins it, so
    that subtracting the named groups from the whole never gives away a small group's answers.
    The merged group is not shown when it is all there is (it is the whole).
    """
    named = [
        row for row in grouped if row["department__name"] and row["answers"] >= ANONYMITY_THRESHOLD
    ]
    rest = [row for row in grouped if row not in named]
    if named and 0 < sum(row["answers"] for row in rest) < ANONYMITY_THRESHOLD:
        smallest = min(named, key=lambda row: (row["answers"], row["department__name"]))
        named.remove(smallest)
        rest.append(smallest)
    if not named:
        return [], bool(rest)
    groups = [(row["department__name"], headline(Survey.Kind.ENPS, row)) for row in named]
    if rest:
        groups.append((OTHER_DEPARTMENTS, headline(Survey.Kind.ENPS, counts_added(rest))))
    return groups, bool(rest)


def survey_invitations(survey: Survey) -> QuerySet[SurveyInvitation]:
    """Return a survey's invitations, newest first, with whether each was answered."""
    return (
        SurveyInvitation.objects.filter(survey=survey)
        .select_related("customer", "complaint", "response")
        .order_by("-created_at", "-id")
    )


def shown_one_by_one(path: str = "") -> Q:
    """Return the condition on answers (reached through `path`, e.g. "response__") that may
    ever be shown one at a time: customers' answers.

    eNPS answers never are, to anyone, through any page, export, insight or API: only their
    aggregates, for groups of at least `ANONYMITY_THRESHOLD` answers.
    """
    return ~Q(**{f"{path}survey__kind__in": EMPLOYEE_KINDS})


def responses_shown_one_by_one() -> QuerySet[SurveyResponse]:
    """Return the answers that may ever be shown one at a time (see `shown_one_by_one`)."""
    return SurveyResponse.objects.filter(shown_one_by_one())


def responses_visible_to(user: Any) -> QuerySet[SurveyResponse]:
    """Return the answers the user may read one by one: customers' answers, for those holding
    `view_surveyresponse`."""
    if not user.is_authenticated or not user.has_perm("feedback.view_surveyresponse"):
        return SurveyResponse.objects.none()
    return responses_shown_one_by_one().select_related("survey").order_by("-responded_at", "-id")


def invitation_usable(invitation: SurveyInvitation, now: datetime | None = None) -> bool:
    """Return whether the invitation's link still takes an answer."""
    now = now or timezone.now()
    return now < invitation.expires_at and invitation.survey.is_open(now)


def pulse_start(survey: Survey, now: datetime | None = None) -> date:
    """Return the first day of the survey's pulse running now (its start without recurrence)."""
    start = timezone.localdate(survey.starts_at)
    if not survey.recurrence_weeks:
        return start
    today = timezone.localdate(now or timezone.now())
    length = 7 * survey.recurrence_weeks
    return start + timedelta(days=max(0, (today - start).days) // length * length)


def has_answered_pulse(*, user: Any, survey: Survey, now: datetime | None = None) -> bool:
    """Return whether the employee already answered the pulse running now."""
    return EmployeeParticipation.objects.filter(
        survey=survey, user=user, pulse_start=pulse_start(survey, now)
    ).exists()
