"""Writes of surveys: defining them, inviting customers, answers from customers and employees.

Customer ideas need a submitter (the idea's `submitted_by` is required): they are submitted by a
dedicated inactive system user, `customer-voice`, created on first use, so that no member of staff
appears as the author of what a customer wrote. The customer's consent to a follow-up is kept on
the response (`follow_up_consent`) and written into the idea's text.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import outbox
from core.audit import check_delete, delete_controlled
from core.changes import changes_record_rows, local_day, local_midnight
from core.exceptions import ApplicationError
from core.mail import send_once, site_link
from core.saving import UNCHANGED, Unchanged, given, validated_save
from core.webhooks.services import webhook_emit
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Department

from .. import emails, tasks
from ..models import (
    Complaint,
    EmployeeParticipation,
    ImprovementIdea,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from ..selectors.surveys import pulse_start
from .complaint_satisfaction import complaint_satisfaction_record
from .ideas import idea_submit
from .insights import insight_from_response
from .pulses import check_pulse_audience
from .survey_days import survey_days_refresh

# How long a personal invitation link works.
INVITATION_VALID_FOR = timedelta(days=30)
# The submitter of ideas that customers wrote on the survey page.
CUSTOMER_VOICE_USERNAME = "customer-voice"
COMPLAINT_SURVEY_NAME = "Complaint handling"
COMPLAINT_SURVEY_QUESTION = "How satisfied are you with how we handled your complaint?"


def _scope_journey(survey: Survey) -> Journey | None:
    if survey.journey is not None:
        return survey.journey
    if survey.touchpoint is not None:
        return survey.touchpoint.stage.journey
    return None


def _check_scope(journey: Journey | None, touchpoint: Touchpoint | None) -> None:
    if journey is not None and touchpoint is not None and touchpoint.stage.journey_id != journey.pk:
        raise ValidationError({"touchpoint": _("This touchpoint is not on the chosen journey.")})


def _scope_ids(survey: Survey) -> tuple[int | None, int | None]:
    """Return the (journey id, touchpoint id) its answers copy from the survey's scope."""
    journey = _scope_journey(survey)
    return (journey.pk if journey else None, survey.touchpoint_id)


def _answers_rescope(survey: Survey) -> int:
    """Give the survey's answers its scope, logging their days for the recompute first; return
    how many answers moved."""
    journey_id, touchpoint_id = _scope_ids(survey)
    scoped = Q(journey_id=journey_id) if journey_id else Q(journey_id__isnull=True)
    scoped &= Q(touchpoint_id=touchpoint_id) if touchpoint_id else Q(touchpoint_id__isnull=True)
    moving = SurveyResponse.objects.filter(survey=survey).exclude(scoped)
    # Both scopes' numbers change on these days: the log has no scope per journey, so the
    # recompute redoes every survey indicator's periods holding them (old and new scope alike).
    changes_record_rows(moving)
    return moving.update(journey_id=journey_id, touchpoint_id=touchpoint_id)


@transaction.atomic
def survey_create(
    *,
    created_by: User,
    name: str,
    kind: str,
    question: str = "",
    comment_question: str = "",
    ask_improvement: bool = False,
    ask_follow_up: bool = False,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    recurrence_weeks: int | None = None,
    pulse_audience: str = "",
) -> Survey:
    """Define a survey; an empty question takes the standard wording of its kind."""
    _check_scope(journey, touchpoint)
    check_pulse_audience(kind=kind, recurrence_weeks=recurrence_weeks, audience=pulse_audience)
    if not question.strip() and kind in Survey.Kind.values:
        question = str(Survey.DEFAULT_QUESTIONS[Survey.Kind(kind)])
    return validated_save(
        Survey(created_by=created_by),
        name=name.strip(),
        kind=kind,
        question=question.strip(),
        comment_question=comment_question.strip(),
        ask_improvement=ask_improvement,
        ask_follow_up=ask_follow_up,
        journey=journey,
        touchpoint=touchpoint,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        recurrence_weeks=recurrence_weeks,
        pulse_audience=pulse_audience,
    )


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    name: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    question: str | Unchanged = UNCHANGED,
    comment_question: str | Unchanged = UNCHANGED,
    ask_improvement: bool | Unchanged = UNCHANGED,
    ask_follow_up: bool | Unchanged = UNCHANGED,
    journey: Journey | Unchanged | None = UNCHANGED,
    touchpoint: Touchpoint | Unchanged | None = UNCHANGED,
    starts_at: datetime | Unchanged = UNCHANGED,
    ends_at: datetime | Unchanged | None = UNCHANGED,
    recurrence_weeks: int | Unchanged | None = UNCHANGED,
    pulse_audience: str | Unchanged = UNCHANGED,
) -> Survey:
    """Change a survey's wording, scope or window; its kind is fixed once it has answers.

    The scope (journey, touchpoint) says what the survey measures, so a new scope corrects
    where every answer counts: the answers' copies of it are rewritten, past ones included, and
    the days they fall on are logged in this transaction; the nightly recompute then moves them
    out of the old scope's indicators and into the new one's. (A survey that starts measuring
    something else is a new survey.) The per-day counts of the survey pages do not depend on
    the scope. The kind cannot change once there are answers: they were given on its scale.
    """
    fields = given(
        name=name,
        kind=kind,
        question=question,
        comment_question=comment_question,
        ask_improvement=ask_improvement,
        ask_follow_up=ask_follow_up,
        journey=journey,
        touchpoint=touchpoint,
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence_weeks=recurrence_weeks,
        pulse_audience=pulse_audience,
    )
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    scope_before = _scope_ids(locked)
    if "kind" in fields and fields["kind"] != locked.kind and locked.responses.exists():
        raise ValidationError(
            {"kind": _("This survey has answers on its scale: its kind can no longer change.")}
        )
    _check_scope(fields.get("journey", locked.journey), fields.get("touchpoint", locked.touchpoint))
    check_pulse_audience(
        kind=fields.get("kind", locked.kind),
        recurrence_weeks=fields.get("recurrence_weeks", locked.recurrence_weeks),
        audience=fields.get("pulse_audience", locked.pulse_audience),
    )
    for text_field in ("name", "question", "comment_question"):
        if text_field in fields:
            fields[text_field] = fields[text_field].strip()
    if "question" in fields and not fields["question"]:
        kind = Survey.Kind(fields.get("kind", locked.kind))
        fields["question"] = str(Survey.DEFAULT_QUESTIONS[kind])
    validated_save(locked, **fields)
    if _scope_ids(locked) != scope_before:
        _answers_rescope(locked)
    survey.refresh_from_db()
    return survey


@transaction.atomic
def survey_delete(*, survey: Survey, by: User) -> None:
    """Delete a survey without answers (administrators only: others close it)."""
    check_delete(instance=survey, by=by)
    if survey.responses.exists():
        raise ApplicationError(
            _("This survey has responses: close it (set “open until”) instead of deleting it."),
            extra={"responses": survey.responses.count()},
        )
    delete_controlled(instance=survey, by=by)


def check_score(survey: Survey, score: Any) -> int:
    """Return the score as a number on the survey's scale, or raise a clear ValidationError."""
    low, high = survey.scale
    try:
        number = int(score)
    except (TypeError, ValueError):
        number = None
    if number is None or str(number) != str(score).strip() or not low <= number <= high:
        raise ValidationError(
            {"score": _("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high}}
        )
    return number


def _customer_voice_user() -> User:
    """Return the system user that submits customers' ideas (created inactive on first use)."""
    user, created = User.objects.get_or_create(
        username=CUSTOMER_VOICE_USERNAME,
        defaults={"first_name": "Customer", "last_name": "voice", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _idea_from_suggestion(response: SurveyResponse) -> ImprovementIdea:
    survey = response.survey
    consent = (
        _("The customer agreed to join a follow-up (consent recorded on survey response %(id)d).")
        if response.follow_up_consent
        else _("The customer did not ask to join a follow-up: do not contact them about it.")
    )
    problem = _(
        'A customer answering the survey "%(survey)s" scored %(score)d and suggested this.'
    ) % {"survey": survey.name, "score": response.score}
    return idea_submit(
        submitted_by=_customer_voice_user(),
        title=Truncator(response.improvement_suggestion.splitlines()[0]).chars(140),
        problem=f"{problem}\n\n{consent}",
        proposal=response.improvement_suggestion,
        touchpoint=response.touchpoint,
        source=ImprovementIdea.Source.CUSTOMER,
        submitted_at=response.responded_at,
    )


def _save_answer(
    response: SurveyResponse,
    *,
    score: Any,
    comment: str,
    improvement_suggestion: str,
    follow_up_consent: bool,
    responded_at: datetime | None,
    department: Department | None = None,
) -> SurveyResponse:
    survey = response.survey
    number = check_score(survey, score)
    improvement_suggestion = improvement_suggestion.strip() if survey.ask_improvement else ""
    # A re-answer moves the answer from the day it was given to today: both days change.
    cells = {(survey.pk, local_day(response.responded_at))} if response.pk else set()
    created = response.pk is None
    validated_save(
        response,
        score=number,
        comment=comment.strip(),
        improvement_suggestion=improvement_suggestion,
        follow_up_consent=bool(follow_up_consent) and survey.ask_follow_up,
        journey=_scope_journey(survey),
        touchpoint=survey.touchpoint,
        department=department,
        responded_at=responded_at or timezone.now(),
    )
    if improvement_suggestion and response.idea_id is None:
        validated_save(response, idea=_idea_from_suggestion(response))
    if not created or response.comment or response.improvement_suggestion:
        # A new answer without words has no insight to keep, and none to delete: most answers
        # are a score alone, and looking for one cost three of their queries.
        insight_from_response(response=response)
    cells.add((survey.pk, local_day(response.responded_at)))
    survey_days_refresh(cells=cells)
    # Employee answers stay in LoyaltyQMS, where eNPS is shown only for groups large enough to
    # keep them anonymous; a re-answer through an invitation is the same response.
    if created and not survey.is_employee_survey:
        webhook_emit("survey.response_created", _webhook_data(response))
    return response


def _webhook_data(response: SurveyResponse) -> dict[str, Any]:
    """Return a response as webhook receivers get it: the score and keys, no customer data (the
    comment and the suggestion are free text a customer wrote)."""
    survey = response.survey
    return {
        "id": response.pk,
        "survey_id": survey.pk,
        "survey": survey.name,
        "kind": survey.kind,
        "score": response.score,
        "channel": response.channel,
        "external_id": response.external_id,
        "journey_id": response.journey_id,
        "touchpoint_id": response.touchpoint_id,
        "responded_at": response.responded_at,
        "has_comment": bool(response.comment),
        "url": site_link(survey.get_absolute_url()),
    }


def _require_open(survey: Survey, at: datetime | None = None) -> None:
    if not survey.is_open(at):
        raise ApplicationError(_("This survey is closed: it no longer takes answers."))


@transaction.atomic
def survey_respond(
    *,
    survey: Survey,
    score: Any,
    comment: str = "",
    improvement_suggestion: str = "",
    follow_up_consent: bool = False,
    invitation: SurveyInvitation | None = None,
    customer: Customer | None = None,
    department: Department | None = None,
    channel: str = SurveyResponse.Channel.LINK,
    external_id: str = "",
    responded_at: datetime | None = None,
) -> SurveyResponse:
    """Record one answer (from the public link, the API or an invitation).

    The score must be on the survey's scale; an improvement suggestion becomes a customer idea.
    Employee surveys take no customer and no invitation.
    """
    if invitation is not None:
        return invitation_respond(
            invitation=invitation,
            score=score,
            comment=comment,
            improvement_suggestion=improvement_suggestion,
            follow_up_consent=follow_up_consent,
        )
    if channel != SurveyResponse.Channel.API and channel != SurveyResponse.Channel.IMPORT:
        _require_open(survey)
    if survey.is_employee_survey:
        customer = None
        # Kept to the day, so that the time of an answer cannot point to who gave it.
        responded_at = local_midnight(local_day(responded_at or timezone.now()))
    else:
        department = None
    response = SurveyResponse(
        survey=survey, customer=customer, channel=channel, external_id=external_id.strip()
    )
    return _save_answer(
        response,
        score=score,
        comment=comment,
        improvement_suggestion=improvement_suggestion,
        follow_up_consent=follow_up_consent,
        responded_at=responded_at,
        department=department,
    )


@transaction.atomic
def invitation_create(
    *,
    survey: Survey,
    customer: Customer | None = None,
    complaint: Complaint | None = None,
    email: str = "",
    expires_at: datetime | None = None,
    send: bool = True,
) -> SurveyInvitation:
    """Invite one customer to answer; with an e-mail address the link is mailed after commit."""
    if survey.is_employee_survey:
        raise ApplicationError(_("Employees answer eNPS pulses signed in, not by invitation."))
    _require_open(survey)
    if customer is None and complaint is not None:
        customer = complaint.customer
    invitation = validated_save(
        SurveyInvitation(survey=survey),
        customer=customer,
        complaint=complaint,
        email=email.strip(),
        expires_at=expires_at or timezone.now() + INVITATION_VALID_FOR,
    )
    if invitation.email and send:
        outbox.enqueue(tasks.send_survey_invitation_task, invitation.pk)
    return invitation


@transaction.atomic
def invitation_respond(
    *,
    invitation: SurveyInvitation,
    score: Any,
    comment: str = "",
    improvement_suggestion: str = "",
    follow_up_consent: bool = False,
) -> SurveyResponse:
    """Record the invited customer's answer; answering again updates the same answer."""
    # The lock makes two quick submissions of the same link update one answer.
    locked = (
        SurveyInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    )
    if timezone.now() >= locked.expires_at:
        raise ApplicationError(_("This invitation has expired."))
    _require_open(locked.survey)
    response = SurveyResponse.objects.filter(invitation=locked).first() or SurveyResponse(
        survey=locked.survey,
        invitation=locked,
        customer=locked.customer,
        channel=SurveyResponse.Channel.INVITATION,
    )
    response = _save_answer(
        response,
        score=score,
        comment=comment,
        improvement_suggestion=improvement_suggestion,
        follow_up_consent=follow_up_consent,
        responded_at=None,
    )
    # The answer to the invitation sent at a complaint's closure closes the complaint's record.
    complaint = locked.complaint
    if complaint is not None and locked.survey.kind == Survey.Kind.CSAT:
        complaint_satisfaction_record(
            complaint=complaint, score=response.score, at=response.responded_at
        )
    return response


@transaction.atomic
def employee_pulse_respond(
    *,
    user: User,
    survey: Survey,
    score: Any,
    comment: str = "",
    department: Department | None = None,
) -> SurveyResponse:
    """Record an employee's eNPS answer without their identity, once per pulse.

    The participation row says only that the employee answered this pulse; the response carries
    no user, and its time is kept to the day.
    """
    if not survey.is_employee_survey:
        raise ApplicationError(_("Only eNPS pulses are answered signed in."))
    _require_open(survey)
    check_score(survey, score)
    try:
        with transaction.atomic():
            EmployeeParticipation.objects.create(
                survey=survey, user=user, pulse_start=pulse_start(survey)
            )
    except IntegrityError:
        raise ApplicationError(
            _("You already answered this pulse. Thank you: the next one opens in a few weeks.")
        ) from None
    return survey_respond(
        survey=survey,
        score=score,
        comment=comment,
        department=department,
        channel=SurveyResponse.Channel.EMPLOYEE,
    )


def _complaint_survey(complaint: Complaint, by: User) -> Survey:
    """Return the CSAT survey for a closed complaint: one open for its touchpoint or journey,
    else the default "Complaint handling" survey (created on first use)."""
    touchpoint = complaint.touchpoint
    journey_id = complaint.journey_id or (touchpoint.stage.journey_id if touchpoint else None)
    now = timezone.now()
    candidates = Survey.objects.filter(kind=Survey.Kind.CSAT, starts_at__lte=now).exclude(
        ends_at__lte=now
    )
    if complaint.touchpoint_id:
        found = candidates.filter(touchpoint_id=complaint.touchpoint_id).order_by("pk").first()
        if found:
            return found
    if journey_id:
        found = (
            candidates.filter(journey_id=journey_id, touchpoint__isnull=True).order_by("pk").first()
        )
        if found:
            return found
    survey = Survey.objects.filter(name=COMPLAINT_SURVEY_NAME).first()
    if survey is None:
        return survey_create(
            created_by=by,
            name=COMPLAINT_SURVEY_NAME,
            kind=Survey.Kind.CSAT,
            question=_(COMPLAINT_SURVEY_QUESTION),
            comment_question=_("What could we have done better?"),
            starts_at=now - timedelta(minutes=1),
        )
    if survey.kind != Survey.Kind.CSAT or not survey.is_open(now):
        raise ValidationError(
            {
                "send_csat_to": _(
                    'The "%(name)s" survey is closed or not a CSAT survey: reopen it, or open a '
                    "CSAT survey for this touchpoint."
                )
                % {"name": survey.name}
            }
        )
    return survey


@transaction.atomic
def complaint_csat_invite(*, complaint: Complaint, email: str, by: User) -> SurveyInvitation:
    """Invite the customer of a closed complaint to rate its handling (mailed after commit)."""
    return invitation_create(
        survey=_complaint_survey(complaint, by), complaint=complaint, email=email
    )


def invitation_send(*, invitation_id: int) -> int:
    """E-mail an invitation's link once: an invitation already sent, being sent by another run of
    the task, or gone sends nothing.

    The sent time is claimed before the mail server is called and released when sending fails
    (`core.mail.send_once`).
    """
    invitation = (
        SurveyInvitation.objects.select_related("survey", "complaint")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return 0
    return send_once(
        SurveyInvitation.objects.filter(pk=invitation_id).exclude(email=""),
        lambda: emails.send_invitation_email(invitation),
    )
