"""Reads of surveys: the list with its headline scores, and one survey's results.

Scores are aggregated in the database. eNPS answers are never shown one by one, to anyone
(`shown_one_by_one` leaves them out of every list, API and insight), and their
aggregates only for groups of at least `ANONYMITY_THRESHOLD` answers, so that nobody's answer can
be picked out (`headline` and `_department_groups`).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from ..models import Survey, SurveyInvitation, SurveyResponse

ANONYMITY_THRESHOLD = 5
# Survey kinds answered by employees: shown only in aggregate, never one answer at a time.
EMPLOYEE_KINDS = (Survey.Kind.ENPS,)
OTHER_DEPARTMENTS = "Other departments"

# kind: (condition of a "good" answer, condition of a "bad" one) on the score
GOOD_AND_BAD = {
    Survey.Kind.NPS: (Q(score__gte=9), Q(score__lte=6)),
    Survey.Kind.ENPS: (Q(score__gte=9), Q(score__lte=6)),
    Survey.Kind.CSAT: (Q(score__gte=4), Q(score__lte=2)),
    Survey.Kind.CES: (Q(score__gte=5), Q(score__lte=3)),
}


def _counts(prefix: str = "") -> dict[str, Any]:
    score = f"{prefix}score"
    return {
        "answers": Count(f"{prefix}id"),
        "average": Avg(score),
        "nps_good": Count(f"{prefix}id", filter=Q(**{f"{score}__gte": 9})),
        "nps_bad": Count(f"{prefix}id", filter=Q(**{f"{score}__lte": 6})),
        "csat_good": Count(f"{prefix}id", filter=Q(**{f"{score}__gte": 4})),
        "ces_good": Count(f"{prefix}id", filter=Q(**{f"{score}__gte": 5})),
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
    """Return the headline score of aggregated counts (see `_counts`)."""
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
    """Return the surveys with their scope and headline counts annotated."""
    # Aggregating drops the model ordering; paging needs a stable one.
    return (
        Survey.objects.select_related("journey", "touchpoint")
        .annotate(**_counts("responses__"))
        .order_by("name")
    )


def survey_headline(survey: Any) -> Headline:
    """Return the headline of a survey annotated by `survey_list`."""
    return headline(survey.kind, survey.__dict__)


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
    """Return a survey's results; eNPS ones only for groups of at least the threshold."""
    rows = SurveyResponse.objects.filter(survey=survey)
    overall = headline(survey.kind, rows.aggregate(**_counts()))
    results = Results(headline=overall)
    if overall.hidden or not overall.answers:
        return results
    total = overall.answers
    low, high = survey.scale
    per_score = dict(rows.values_list("score").annotate(n=Count("id")).values_list("score", "n"))
    results.distribution = [
        (score, per_score.get(score, 0), round(100 * per_score.get(score, 0) / total))
        for score in range(low, high + 1)
    ]
    good, bad = GOOD_AND_BAD[Survey.Kind(survey.kind)]
    split = rows.aggregate(good=Count("id", filter=good), bad=Count("id", filter=bad))
    middle = total - split["good"] - split["bad"]
    if survey.kind in (Survey.Kind.NPS, Survey.Kind.ENPS):
        names = ("Promoters (9-10)", "Passives (7-8)", "Detractors (0-6)")
    elif survey.kind == Survey.Kind.CSAT:
        names = ("Satisfied (4-5)", "Neutral (3)", "Dissatisfied (1-2)")
    else:
        names = ("Easy (5-7)", "Neutral (4)", "Difficult (1-3)")
    results.shares = [
        (name, count, round(100 * count / total))
        for name, count in zip(names, (split["good"], middle, split["bad"]), strict=True)
    ]
    if survey.is_employee_survey:
        results.groups, results.groups_merged = _department_groups(rows)
    else:
        results.comments = list(
            responses_shown_one_by_one()
            .filter(survey=survey)
            .exclude(comment="", improvement_suggestion="")
            .select_related("customer")
            .order_by("-responded_at", "-id")[:comments]
        )
    return results


def _merged(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the counts of several groups (see `_counts`) as those of one."""
    merged: dict[str, Any] = {
        name: sum(row[name] for row in rows)
        for name in ("answers", "nps_good", "nps_bad", "csat_good", "ces_good")
    }
    merged["average"] = sum(row["average"] * row["answers"] for row in rows) / merged["answers"]
    return merged


def _department_groups(
    rows: QuerySet[SurveyResponse],
) -> tuple[list[tuple[str, Headline]], bool]:
    """Return the eNPS per department, naming only departments with at least the threshold of
    answers, and whether some answers were merged into "Other departments".

    The smaller departments (and answers without one) are merged into "Other departments". When
    that group would itself be under the threshold, the smallest named department joins it, so
    that subtracting the named groups from the whole never gives away a small group's answers.
    The merged group is not shown when it is all there is (it is the whole).
    """
    grouped = list(
        rows.values("department__name").annotate(**_counts()).order_by("department__name")
    )
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
        groups.append((OTHER_DEPARTMENTS, headline(Survey.Kind.ENPS, _merged(rest))))
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
