"""Plan a year of survey answers, employee pulses and the insights drawn from their comments.

About 50,000 answers over the last twelve months: an NPS per journey, CSAT after the touchpoints
that matter most, a CES after support contacts, a CSAT after each closed complaint, and an eNPS
pulse every six weeks. Volumes follow the heating season; scores follow what happened:
SwiftParcel's bad spell drags delivery scores and the buying journey's NPS down, and a new
call-back process (about four months ago) makes support clearly easier from then on.
"""

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from core.history import recorded_as
from feedback.models import (
    Complaint,
    EmployeeParticipation,
    Insight,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
)
from feedback.models.surveys import new_token
from feedback.services import survey_days_rebuild
from journeys.models import Touchpoint
from stakeholders.demo import insert_rows
from stakeholders.models import Customer, Department

from .planning import DAYS, HOUR_CUMULATIVE, People, trouble_level
from .voice_texts import insight_themes, survey_wording, themes_of

SURVEY_PREPARED_DAYS_BEFORE = 3  # the quality manager set each survey up before it opened

BATCH_SIZE = 1_000  # rows per statement: keeps each one's parameters and memory small
Row = tuple[Any, ...]
# The order of the values in the rows inserted directly (see insert_rows).
INVITATION_COLUMNS = ("survey", "token", "customer", "complaint", "email", "created_at",
                      "sent_at", "expires_at")  # fmt: skip
RESPONSE_COLUMNS = ("survey", "invitation", "customer", "journey", "touchpoint", "department",
                    "score", "comment", "improvement_suggestion", "follow_up_consent", "channel",
                    "external_id", "responded_at")  # fmt: skip
CALLBACK_DAYS_AGO = 120  # support started calling customers back at a time they choose
CALLBACK_RAMP_DAYS = 21  # the agents' first weeks with it
SEASON_AMPLITUDE = 0.25  # more answers in the heating season, most in mid-January
WEEKDAY_FACTORS = [1.1, 1.05, 1.0, 1.0, 0.95, 0.85, 0.9]  # people answer at the weekend too
INVITATION_RESPONSE_RATE = 0.4  # the rest of the invitations stay unanswered
COMPLAINT_RESPONSE_RATE = 0.4
COMMENT_SHARES = {"low": 0.4, "mid": 0.19, "high": 0.16}  # unhappy customers write more
IMPROVEMENT_SHARE = 0.3  # of commenters, when the survey asks for one thing to improve
FOLLOW_UP_SHARE = 0.35  # of known commenters, when the survey asks
PULSE_WEEKS = 6
PULSE_ANSWER_DAYS = 10  # a pulse stays in people's inbox for about two weeks
# Where the frontline staff work, for the department on their anonymous eNPS answers.
FRONTLINE_DEPARTMENTS = {
    "Customer Service": 8,
    "Field Service": 7,
    "Logistics & Fulfilment": 4,
    "E-commerce": 3,
    "Finance & Billing": 2,
}

# Score distributions per kind: (usual, bad times, good times); index 0 is the lowest score.
DISTRIBUTIONS: dict[str, tuple[list[float], list[float], list[float]]] = {
    # NPS +34 usually (51% promoters, 17% detractors), -18 at its worst, +60 at its best.
    Survey.Kind.NPS: (
        [2, 1, 1.5, 2, 2, 3.5, 5, 13, 19, 25, 26],
        [8, 4, 5, 6, 6, 8, 9, 12, 14, 14, 14],
        [0.5, 0.5, 0.5, 1, 1, 1.5, 3, 8, 15, 30, 39],
    ),
    Survey.Kind.CSAT: ([3, 4, 9, 34, 50], [18, 17, 20, 25, 20], [1, 2, 5, 27, 65]),
    Survey.Kind.CES: (
        [4, 6, 9, 13, 20, 26, 22],
        [15, 15, 15, 15, 15, 13, 12],
        [1, 2, 3, 6, 14, 32, 42],
    ),
    Survey.Kind.ENPS: (
        [2, 1, 2, 3, 3, 6, 10, 18, 20, 18, 17],
        [4, 3, 4, 5, 6, 9, 12, 17, 16, 13, 11],
        [1, 0.5, 1, 1, 2, 4, 7, 16, 22, 23, 22.5],
    ),
}


@dataclass(frozen=True)
class SurveySpec:
    """A demo survey: its scope, its yearly volume and what moves its scores."""

    name: str
    kind: str
    key: str  # its comments in wording/survey_comments.toml
    journey: str | None
    touchpoint: str | None
    count: int  # answers over the year
    invitation_share: float  # answered through a personal invitation; the rest by public link
    trouble: float = 0.0  # how far SwiftParcel's bad spell drags the scores (0 to 1)
    callback: float = 0.0  # how far the call-back process lifts them
    winter: float = 0.0  # how far the heating-season rush drags them
    comment_question: str = "What is the main reason for your score?"
    ask_improvement: bool = False
    ask_follow_up: bool = False


SURVEYS = [
    SurveySpec("Buy online NPS", "nps", "buy", "Buy online", None, 7_000, 0.5, trouble=0.55,
               ask_improvement=True, ask_follow_up=True),
    SurveySpec("Get support NPS", "nps", "support", "Get support", None, 6_000, 0.5,
               trouble=0.2, callback=0.4, winter=0.1, ask_improvement=True, ask_follow_up=True),
    SurveySpec("Renew contract NPS", "nps", "renew", "Renew contract", None, 3_500, 0.6,
               ask_improvement=True),
    SurveySpec("Delivery CSAT", "csat", "delivery", "Buy online", "Parcel delivery", 7_500, 0.3,
               trouble=0.9, comment_question="How did the delivery go?",
               ask_improvement=True),
    SurveySpec("Installation CSAT", "csat", "installation", "Buy online", "Installation visit",
               6_000, 0.5, trouble=0.15, winter=0.15, ask_improvement=True),
    SurveySpec("Phone support CSAT", "csat", "phone", "Get support", "Phone support", 5_500,
               0.3, callback=0.55, winter=0.15),
    SurveySpec("Live chat CSAT", "csat", "chat", "Get support", "Live chat", 3_500, 0.2),
    SurveySpec("Engineer visit CSAT", "csat", "engineer", "Get support", "Engineer visit",
               3_500, 0.5, trouble=0.25, winter=0.1),
    SurveySpec("Maintenance visit CSAT", "csat", "maintenance", "Renew contract",
               "Maintenance visit", 2_500, 0.5, winter=0.1),
    SurveySpec("Support effort (CES)", "ces", "effort", "Get support", "Phone support", 4_500,
               0.4, callback=0.9, winter=0.1, comment_question="What made it easy or hard?",
               ask_improvement=True, ask_follow_up=True),
]  # fmt: skip
COMPLAINT_SURVEY = SurveySpec(
    "Complaint handling CSAT", "csat", "complaint", None, None, 0, 1.0,
    comment_question="How could we have handled your complaint better?", ask_improvement=True,
    ask_follow_up=True,
)  # fmt: skip
PULSE_SURVEY = SurveySpec(
    "Employee pulse (eNPS)", "enps", "enps", None, None, 0, 0.0,
    comment_question="",
)  # fmt: skip


def band(kind: str, score: int) -> str:
    """Return whether a score is low, middling or high for its kind."""
    high, mid = {"nps": (9, 7), "enps": (9, 7), "csat": (4, 3), "ces": (5, 4)}[kind]
    return "high" if score >= high else "mid" if score >= mid else "low"


def callback_level(days_ago: float) -> float:
    """Return how fully the call-back process was in place `days_ago` days before today."""
    return min(1.0, max(0.0, (CALLBACK_DAYS_AGO - days_ago) / CALLBACK_RAMP_DAYS))


def cumulative(kind: str, quality: float) -> list[float]:
    """Return the cumulative score weights of a kind, shifted towards bad or good times."""
    usual, bad, good = DISTRIBUTIONS[Survey.Kind(kind)]
    other = bad if quality < 0 else good
    share = min(1.0, abs(quality))
    weights = [(1 - share) * a + share * b for a, b in zip(usual, other, strict=True)]
    return list(itertools.accumulate(weights))


class SurveyPlanner:
    """Plan the year's answers for one seed, as seen at one moment."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        customers: list[Customer],
    ) -> None:
        # Its own stream: adding surveys must not change the complaints drawn from the seed.
        self.random = random.Random(f"surveys-{seed}")  # noqa: S311 - demo data, not secrets
        self.seed = seed
        self.now = now
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localtime(now, self.zone).date()
        self.customers = sorted(customers, key=lambda customer: (customer.first_seen, customer.pk))
        self.customer_days = [customer.first_seen for customer in self.customers]
        self.day_weights = [self.volume(self.today - timedelta(days=ago)) for ago in range(DAYS)]

    def volume(self, day: date) -> float:
        """Return the relative number of answers on a day."""
        season = 1 + SEASON_AMPLITUDE * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        return season * WEEKDAY_FACTORS[day.weekday()]

    def quality(self, spec: SurveySpec, days_ago: int) -> float:
        """Return how good times were for a survey's scores, from -1 (bad) to 1 (good)."""
        day = self.today - timedelta(days=days_ago)
        winter = max(0.0, math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365))
        return (
            -spec.trouble * trouble_level(days_ago)
            + spec.callback * callback_level(days_ago)
            - spec.winter * winter
        )

    def moment(self, days_ago: int) -> datetime:
        """Return a moment of the day `days_ago` days before today, at a likely hour."""
        day = self.today - timedelta(days=days_ago)
        hour = self.random.choices(range(24), cum_weights=HOUR_CUMULATIVE)[0]
        clock = time(hour, self.random.randrange(60), self.random.randrange(60))
        moment = datetime.combine(day, clock, tzinfo=self.zone)
        share = self.random.random()  # drawn at any hour: the hour of the load shifts no draw
        if moment < self.now:
            return moment
        # Not yet: earlier today instead (never yesterday, which is the same all day).
        start = datetime.combine(self.today, time.min, tzinfo=self.zone)
        return start + (self.now - start) * share

    def customer_on(self, day: date) -> int | None:
        """Return the id of a customer known on that day."""
        known = bisect.bisect_right(self.customer_days, day)
        return self.customers[self.random.randrange(known)].pk if known else None

    def invitation(
        self,
        survey: Survey,
        sent_at: datetime,
        customer_id: int | None,
        complaint_id: int | None = None,
    ) -> Row:
        """Return an invitation row (INVITATION_COLUMNS), valid for 30 days."""
        token = new_token()
        return (survey.pk, token, customer_id, complaint_id, "", sent_at, sent_at,
                sent_at + timedelta(days=30))  # fmt: skip

    def words(
        self, spec: SurveySpec, score: int, days_ago: int, *, known: bool
    ) -> tuple[str, str, bool]:
        """Return a response's comment, suggestion and follow-up consent (often all empty)."""
        level = band(spec.kind, score)
        if self.random.random() >= COMMENT_SHARES[level]:
            return "", "", False
        wording = survey_wording()
        choices = wording.comments[spec.key][level]
        special = level in wording.trouble_comments and spec.trouble >= 0.5
        if special and self.random.random() < 0.7 * trouble_level(days_ago):
            choices = wording.trouble_comments[level]
        special = level in wording.callback_comments and spec.callback >= 0.4
        if special and self.random.random() < 0.5 * callback_level(days_ago):
            choices = wording.callback_comments[level]
        comment = self.random.choice(choices)
        suggestion = ""
        if spec.ask_improvement and self.random.random() < IMPROVEMENT_SHARE:
            suggestion = self.random.choice(wording.improvements[spec.key])
        consent = spec.ask_follow_up and known and self.random.random() < FOLLOW_UP_SHARE
        return comment, suggestion, consent

    def answers(self, spec: SurveySpec, survey: Survey) -> tuple[list[Row], list[Row]]:
        """Plan a customer survey's answers over the year and the invitations behind them."""
        days = self.random.choices(range(DAYS), weights=self.day_weights, k=spec.count)
        scores = {ago: cumulative(spec.kind, self.quality(spec, ago)) for ago in set(days)}
        low, high = survey.scale
        invitations, responses = [], []
        for days_ago in sorted(days, reverse=True):
            answered_at = self.moment(days_ago)
            score = self.random.choices(range(low, high + 1), cum_weights=scores[days_ago])[0]
            invited = self.random.random() < spec.invitation_share
            customer_id = (
                self.customer_on(self.today - timedelta(days=days_ago)) if invited else None
            )
            comment, suggestion, consent = self.words(
                spec, score, days_ago, known=customer_id is not None
            )
            token = None
            if invited:
                sent_at = answered_at - timedelta(hours=self.random.uniform(0.5, 72))
                invitation = self.invitation(survey, sent_at, customer_id)
                invitations.append(invitation)
                token = invitation[1]
            channel = SurveyResponse.Channel.INVITATION if invited else SurveyResponse.Channel.LINK
            responses.append(
                (survey.pk, token, customer_id, survey.journey_id, survey.touchpoint_id, None,
                 score, comment, suggestion, consent, channel.value, "", answered_at)
            )  # fmt: skip
        unanswered = round(len(invitations) * (1 / INVITATION_RESPONSE_RATE - 1))
        for _number in range(unanswered):
            days_ago = self.random.choices(range(DAYS), weights=self.day_weights)[0]
            customer_id = self.customer_on(self.today - timedelta(days=days_ago))
            invitations.append(self.invitation(survey, self.moment(days_ago), customer_id))
        return invitations, responses

    def complaint_answers(
        self, survey: Survey, complaints: list[Complaint]
    ) -> tuple[list[Row], list[Row]]:
        """Plan the complaint-handling answers: an invitation for each closed complaint."""
        spec = COMPLAINT_SURVEY
        invitations, responses = [], []
        main = self.random
        for complaint in complaints:
            closed_at = complaint.closed_at
            if closed_at is None:
                continue
            invitation = self.invitation(survey, closed_at, complaint.customer_id, complaint.pk)
            invitations.append(invitation)
            # Each complaint's answer from its own stream: which complaints are closed yet
            # depends on the hour of the load, and must not shift the other answers.
            self.random = random.Random(  # noqa: S311 - demo data, not secrets
                f"{self.seed}:complaint-answer-{complaint.received_at.isoformat()}"
            )
            answered_at = closed_at + timedelta(days=self.random.uniform(0.05, 5))
            answers = self.random.random() < COMPLAINT_RESPONSE_RATE
            if answered_at >= self.now or not answers:
                continue
            days_ago = (self.today - timezone.localtime(answered_at, self.zone).date()).days
            quality = 0.6 if complaint.customer_accepted else -0.9
            score = self.random.choices(range(1, 6), cum_weights=cumulative("csat", quality))[0]
            comment, suggestion, consent = self.words(spec, score, days_ago, known=True)
            responses.append(
                (survey.pk, invitation[1], complaint.customer_id, None, None, None, score,
                 comment, suggestion, consent, SurveyResponse.Channel.INVITATION.value, "",
                 answered_at)
            )  # fmt: skip
        self.random = main
        return invitations, responses

    def pulses(
        self, survey: Survey, people: People, departments: dict[str, int]
    ) -> tuple[list[EmployeeParticipation], list[Row]]:
        """Plan the eNPS pulses: who answered each (kept apart) and the anonymous answers."""
        staff = [*people.frontline, people.frontline_login, *people.managers, *people.executives]
        names = list(FRONTLINE_DEPARTMENTS)
        frontline = {user.pk for user in [*people.frontline, people.frontline_login]}
        works_in = {}
        for user in sorted(staff, key=lambda user: user.username):
            weights = list(FRONTLINE_DEPARTMENTS.values()) if user.pk in frontline else None
            works_in[user.pk] = departments.get(self.random.choices(names, weights)[0])
        # Some people answer every pulse, others now and then: about 80% take part.
        keen = {user.pk: self.random.uniform(0.6, 0.98) for user in staff}
        participations: list[EmployeeParticipation] = []
        responses: list[Row] = []
        start = timezone.localtime(survey.starts_at, self.zone).date()
        for number in itertools.count():
            pulse_start = start + timedelta(weeks=PULSE_WEEKS * number)
            if pulse_start > self.today:
                break
            days_ago = (self.today - pulse_start).days
            quality = -0.4 * trouble_level(days_ago) + 0.4 * callback_level(days_ago)
            score_weights = cumulative("enps", quality)
            answers: list[tuple[datetime, Row]] = []
            for user in staff:
                if self.random.random() >= keen[user.pk]:
                    continue
                answered_on = pulse_start + timedelta(days=int(self.random.expovariate(1 / 2.5)))
                answered_at = datetime.combine(answered_on, time(8), tzinfo=self.zone)
                answered_at += timedelta(minutes=self.random.uniform(0, 600))
                late = answered_on > pulse_start + timedelta(days=PULSE_ANSWER_DAYS)
                score = self.random.choices(range(11), cum_weights=score_weights)[0]  # any hour
                if late or answered_at >= self.now:
                    continue
                participations.append(
                    EmployeeParticipation(survey=survey, user=user, pulse_start=pulse_start)
                )
                # Kept to the day, like live answers: the time of an answer could point to
                # who gave it.
                answered_day = datetime.combine(answered_on, time.min, tzinfo=self.zone)
                answers.append(
                    (answered_at,
                     (survey.pk, None, None, None, None, works_in[user.pk], score, "", "", False,
                      SurveyResponse.Channel.EMPLOYEE.value, "", answered_day))
                )  # fmt: skip
            # Stored in the order they were given, not in the order of the people: ids reveal
            # no one.
            answers.sort(key=lambda answer: answer[0])
            responses.extend(row for _answered_at, row in answers)
        return participations, responses


def create_surveys(now: datetime, touchpoints: list[Touchpoint], by: User) -> dict[str, Survey]:
    """Create the demo surveys, open since a little over a year ago, each prepared by the
    quality manager a few days before it opened (as its history says)."""
    by_name = {touchpoint.name: touchpoint for touchpoint in touchpoints}
    journeys = {
        touchpoint.stage.journey.name: touchpoint.stage.journey for touchpoint in touchpoints
    }
    surveys = {}
    for spec in [*SURVEYS, COMPLAINT_SURVEY, PULSE_SURVEY]:
        kind = Survey.Kind(spec.kind)
        pulse = kind == Survey.Kind.ENPS
        # Customer surveys opened before the year began; the first pulse went out in it.
        starts_at = now - timedelta(days=DAYS - 5 if pulse else DAYS + 7)
        if pulse:
            # Opened in the morning (beat sent its first pulse that day at the next hourly
            # run), whatever the hour the demo loads at.
            local = timezone.localtime(starts_at)
            starts_at = timezone.make_aware(datetime.combine(local.date(), time(9, 0)))
        prepared = timezone.localtime(starts_at - timedelta(days=SURVEY_PREPARED_DAYS_BEFORE))
        with recorded_as(by, at=prepared.replace(hour=14, minute=0, second=0, microsecond=0)):
            surveys[spec.name] = Survey.objects.create(
                name=spec.name,
                kind=kind,
                question=str(Survey.DEFAULT_QUESTIONS[kind]),
                comment_question=spec.comment_question,
                ask_improvement=spec.ask_improvement,
                ask_follow_up=spec.ask_follow_up,
                journey=journeys.get(spec.journey or ""),
                touchpoint=by_name.get(spec.touchpoint or ""),
                starts_at=starts_at,
                recurrence_weeks=PULSE_WEEKS if pulse else None,
                pulse_audience=Survey.Audience.STAFF if pulse else Survey.Audience.NONE,
                created_by=by,
            )
    return surveys


def load_surveys(
    *, seed: int, now: datetime, people: People, touchpoints: list[Touchpoint]
) -> dict[str, int]:
    """Create the year's surveys, answers and pulses, unless there are surveys already."""
    counts = {
        "surveys": 0,
        "survey invitations": 0,
        "survey responses": 0,
        "pulse participations": 0,
    }
    if Survey.objects.exists():
        return counts
    surveys = create_surveys(now, touchpoints, people.quality_login)
    planner = SurveyPlanner(
        seed=seed, now=now, customers=list(Customer.objects.only("pk", "first_seen"))
    )
    invitations: list[Row] = []
    responses: list[Row] = []
    for spec in SURVEYS:
        planned_invitations, planned_responses = planner.answers(spec, surveys[spec.name])
        invitations += planned_invitations
        responses += planned_responses
    closed = Complaint.objects.filter(
        status=Complaint.Status.CLOSED, customer__isnull=False, closed_at__isnull=False
    ).order_by("closed_at", "pk")
    planned_invitations, planned_responses = planner.complaint_answers(
        surveys[COMPLAINT_SURVEY.name],
        list(closed.only("pk", "customer_id", "closed_at", "customer_accepted")),
    )
    invitations += planned_invitations
    responses += planned_responses
    departments = dict(Department.objects.values_list("name", "pk"))
    participations, pulse_responses = planner.pulses(
        surveys[PULSE_SURVEY.name], people, departments
    )
    responses += pulse_responses

    insert_rows(SurveyInvitation, INVITATION_COLUMNS, invitations, batch_size=BATCH_SIZE)
    # Responses name their invitation by token until the invitations have ids.
    invitation_ids = dict(
        SurveyInvitation.objects.filter(survey__in=surveys.values()).values_list("token", "pk")
    )
    responses = [(row[0], invitation_ids.get(row[1]), *row[2:]) for row in responses]
    insert_rows(SurveyResponse, RESPONSE_COLUMNS, responses, batch_size=BATCH_SIZE)
    # The answers went around the services: count them for the survey pages in one pass.
    survey_days_rebuild()
    EmployeeParticipation.objects.bulk_create(participations, batch_size=BATCH_SIZE)
    return {
        "surveys": len(surveys),
        "survey invitations": len(invitations),
        "survey responses": len(responses),
        "pulse participations": len(participations),
    }


def load_insights() -> dict[str, int]:
    """Create the themes, and insights for comments and complaints that have none, tagged."""
    existing = set(Theme.objects.values_list("name", flat=True))
    new_themes = [
        Theme(name=theme.name, description=theme.description)
        for theme in insight_themes()
        if theme.name not in existing
    ]
    Theme.objects.bulk_create(new_themes)
    insights = [
        Insight(
            source=Insight.Source.COMPLAINT,
            complaint_id=pk,
            text=description,
            touchpoint_id=touchpoint_id,
            occurred_at=received_at,
        )
        for pk, description, touchpoint_id, received_at in Complaint.objects.filter(
            insight__isnull=True
        ).values_list("pk", "description", "touchpoint_id", "received_at")
    ]
    # eNPS comments never become insights (see feedback.services.insights).
    with_words = (
        SurveyResponse.objects.filter(insight__isnull=True)
        .exclude(comment="", improvement_suggestion="")
        .exclude(survey__kind=Survey.Kind.ENPS)
    )
    for pk, comment, suggestion, touchpoint_id, responded_at in with_words.values_list(
        "pk", "comment", "improvement_suggestion", "touchpoint_id", "responded_at"
    ):
        text = "\n\n".join(part for part in (comment.strip(), suggestion.strip()) if part)
        insights.append(
            Insight(
                source=Insight.Source.SURVEY,
                response_id=pk,
                text=text,
                touchpoint_id=touchpoint_id,
                occurred_at=responded_at,
            )
        )
    Insight.objects.bulk_create(insights, batch_size=BATCH_SIZE)
    theme_ids = dict(Theme.objects.values_list("name", "pk"))
    Tag = Insight.themes.through
    tags = [
        Tag(insight_id=insight.pk, theme_id=theme_ids[name])
        for insight in insights
        for name in themes_of(insight.text)
    ]
    Tag.objects.bulk_create(tags, batch_size=BATCH_SIZE)
    return {"themes": len(new_themes), "insights": len(insights), "insight tags": len(tags)}
