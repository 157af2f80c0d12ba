"""Reads of recurring surveys' pulses: their schedule and their results, one pulse at a time.

A recurring survey asks again every `recurrence_weeks` weeks from the day it opened: its pulses
are that schedule, up to the one running today (`pulse_periods`). The `SurveyPulse` row of a
pulse, made when beat opened it, adds when its invitations went out and to how many people.

Results per pulse (`pulse_results`) are summed from the survey's per-day counts (SurveyDay),
whatever the number of answers: three queries for a page of pulses. The same anonymity rules as
the survey's results apply in each pulse: a pulse with fewer than `ANONYMITY_THRESHOLD` answers
shows no score, whatever the survey's kind, and an eNPS pulse names a department only with at
least that many answers (the smaller ones are merged as on the results page, `department_groups`).
"""

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.utils import timezone

from core.roles import staff_users

from ..models import EmployeeParticipation, Survey, SurveyDay, SurveyPulse
from .surveys import (
    ANONYMITY_THRESHOLD,
    OTHER_DEPARTMENTS,
    counts_added,
    day_count_sums,
    day_counts,
    department_groups,
    headline,
)

# What each kind's score is, beside the number on a pulse's row.
SCORE_LABELS = {
    Survey.Kind.NPS: "NPS",
    Survey.Kind.ENPS: "eNPS",
    Survey.Kind.CSAT: "% satisfied (4-5)",
    Survey.Kind.CES: "mean ease (1-7)",
}


class DepartmentState:
    """What an eNPS pulse shows of one department."""

    SHOWN = "shown"  # its own score (at least the threshold of answers)
    FEW = "few"  # fewer than the threshold: no score, counted in "Other departments"
    MERGED = "merged"  # enough answers, merged to protect a smaller department's


@dataclass(frozen=True)
class DepartmentResult:
    """One department's part of an eNPS pulse (or the merged "Other departments")."""

    name: str
    state: str
    answers: int | None = None  # only when shown
    score: float | None = None  # only when shown


@dataclass
class PulseResult:
    """One pulse of a recurring survey: its window, whom it reached, and its score."""

    starts_on: date
    ends_on: date
    in_progress: bool
    answers: int
    score: float | None  # None: no answers, or fewer than the threshold
    hidden: bool  # some answers, fewer than the threshold
    sent_at: Any = None  # when its invitations went out (None: not e-mailed)
    invited: int | None = None  # how many people its invitations reached
    participations: int | None = None  # employee pulses: how many employees answered
    participation: int | None = None  # employee pulses: % of those invited
    change: float | None = None  # since the previous pulse (none for the one in progress)
    departments: list[DepartmentResult] = field(default_factory=list)


def pulse_end(survey: Survey, starts_on: date) -> date:
    """Return the last day of the survey's pulse opening on `starts_on`, clipped to its end."""
    ends_on = starts_on + timedelta(days=7 * (survey.recurrence_weeks or 1) - 1)
    if survey.ends_at is not None:
        # ends_at is the first moment it is closed: its last open day is the day before that.
        last_day = timezone.localdate(survey.ends_at - timedelta(microseconds=1))
        ends_on = min(ends_on, last_day)
    return max(ends_on, starts_on)


def pulse_periods(survey: Survey, today: date | None = None) -> list[tuple[date, date]]:
    """Return the (first day, last day) of each of the survey's pulses up to the one running
    today, newest first; none for a survey asked once."""
    if not survey.recurrence_weeks:
        return []
    today = today or timezone.localdate()
    start = timezone.localdate(survey.starts_at)
    last = today
    if survey.ends_at is not None:
        last = min(last, timezone.localdate(survey.ends_at - timedelta(microseconds=1)))
    step = timedelta(weeks=survey.recurrence_weeks)
    periods = []
    opens = start
    while opens <= last:
        periods.append((opens, pulse_end(survey, opens)))
        opens += step
    return periods[::-1]


def pulse_audience_users(survey: Survey) -> QuerySet[User]:
    """Return the people a pulse of the survey is sent to, by id (none without an audience)."""
    if survey.pulse_audience == Survey.Audience.STAFF:
        # Partners' contacts are not staff, even when one also holds a staff role by mistake.
        return staff_users().filter(partner_contact__isnull=True).order_by("pk")
    if survey.pulse_audience == Survey.Audience.PARTNER_CONTACTS:
        return (
            User.objects.filter(is_active=True, partner_contact__isnull=False)
            .exclude(email="")
            .order_by("pk")
        )
    return User.objects.none()


def kind_score(kind: str, counts: dict[str, Any]) -> float | None:
    """Return the score of a kind from summed day counts (see `surveys.day_counts`): NPS and eNPS
    % promoters less % detractors, CSAT % answering 4 or 5, CES the mean; None under the
    anonymity threshold."""
    if counts["answers"] < ANONYMITY_THRESHOLD:
        return None
    if kind == Survey.Kind.CES:
        return round(counts["average"], 1)
    return headline(kind, counts).score


def _department_results(grouped: list[dict[str, Any]]) -> list[DepartmentResult]:
    """Return each department of an eNPS pulse as the results page would show it."""
    groups, _merged_some = department_groups(grouped)
    shown = dict(groups)
    results = []
    for row in grouped:
        name = row["department__name"]
        if not name:
            continue  # answered without a department: part of "Other departments"
        group = shown.get(name)
        if group is not None:
            results.append(
                DepartmentResult(name, DepartmentState.SHOWN, group.answers, group.score)
            )
        elif row["answers"] < ANONYMITY_THRESHOLD:
            results.append(DepartmentResult(name, DepartmentState.FEW))
        else:
            results.append(DepartmentResult(name, DepartmentState.MERGED))
    other = shown.get(OTHER_DEPARTMENTS)
    if other is not None:
        results.append(
            DepartmentResult(OTHER_DEPARTMENTS, DepartmentState.SHOWN, other.answers, other.score)
        )
    return results


def pulse_results(
    survey: Survey, periods: list[tuple[date, date]], *, today: date | None = None
) -> list[PulseResult]:
    """Return the results of the given pulses of a survey (a page of `pulse_periods`), in the
    order given; each with its change since the pulse before it.

    Three queries whatever the number of answers: the day counts of the pulses (and of the one
    before the oldest, for its change), the pulses' rows, their participations.
    """
    if not periods:
        return []
    today = today or timezone.localdate()
    ordered = sorted(periods)
    oldest = ordered[0][0]
    previous_start = oldest - timedelta(weeks=survey.recurrence_weeks or 1)
    if previous_start >= timezone.localdate(survey.starts_at):
        ordered.insert(0, (previous_start, pulse_end(survey, previous_start)))
    starts = [start for start, _end in ordered]
    employees = survey.is_employee_survey
    by_pulse: dict[date, list[dict[str, Any]]] = {start: [] for start in starts}
    days = (
        SurveyDay.objects.filter(survey=survey, day__gte=ordered[0][0], day__lte=ordered[-1][1])
        .values("day", "department__name")
        .annotate(**day_count_sums())
        .order_by()
    )
    for row in days:
        # The pulse a day belongs to: the last one opening on or before it.
        index = bisect.bisect_right(starts, row["day"]) - 1
        if index >= 0:
            by_pulse[starts[index]].append(row)
    rows = {
        pulse.starts_on: pulse
        for pulse in SurveyPulse.objects.filter(survey=survey, starts_on__in=starts)
    }
    taken: dict[date, int] = {}
    if employees:
        taken = dict(
            EmployeeParticipation.objects.filter(survey=survey, pulse_start__in=starts)
            .values("pulse_start")
            .annotate(count=Count("id"))
            .order_by()
            .values_list("pulse_start", "count")
        )
    results: dict[date, PulseResult] = {}
    previous: PulseResult | None = None
    for starts_on, ends_on in ordered:
        grouped = _by_department(by_pulse[starts_on])
        counts = counts_added(grouped)
        pulse = rows.get(starts_on)
        invited = pulse.recipients if pulse is not None and pulse.sent_at is not None else None
        result = PulseResult(
            starts_on=starts_on,
            ends_on=ends_on,
            in_progress=starts_on <= today <= ends_on and survey.is_open(),
            answers=counts["answers"],
            score=kind_score(survey.kind, counts),
            hidden=0 < counts["answers"] < ANONYMITY_THRESHOLD,
            sent_at=pulse.sent_at if pulse is not None else None,
            invited=invited,
        )
        if employees:
            result.participations = taken.get(starts_on, 0)
            if invited:
                result.participation = round(100 * result.participations / invited)
            if result.score is not None:
                result.departments = _department_results(grouped)
        if (
            previous is not None
            and previous.score is not None
            and result.score is not None
            and not result.in_progress
        ):
            result.change = round(result.score - previous.score, 1)
        results[starts_on] = result
        previous = result
    return [results[start] for start, _end in periods]


def _by_department(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add up a pulse's day rows per department, as `surveys.department_groups` takes them."""
    per_department: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        per_department.setdefault(row["department__name"], []).append(day_counts(row))
    return [
        {"department__name": name, **counts_added(department_rows)}
        for name, department_rows in sorted(
            per_department.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    ]
