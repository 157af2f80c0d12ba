"""Writes of recurring pulses: opening each pulse on its day and inviting its audience once.

Celery beat runs `pulses_open` every hour (`feedback.tasks.pulse_open_task`). For each open
recurring survey that e-mails an audience, the pulse running now gets its `SurveyPulse` row, and
the same transaction queues `pulse_send` through the outbox. `pulse_send` claims the pulse's
`sent_at` with a conditional UPDATE, so a second delivery of the task invites nobody again:

- staff (eNPS): a notification in their centre, also e-mailed, linking to the signed-in answer
  page (`core.notifications.services.notify`, keyed by the pulse: a rerun tells nobody twice);
- partners' contacts (NPS, CSAT, CES): a personal invitation each, e-mailed by the invitation
  task, valid until the pulse closes.

A survey created while a pulse of its schedule is already running gets that pulse at the next
run (never the pulses before it).
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.changes import local_midnight
from core.mail import site_link, staff_email_text
from core.models import Notification
from core.notifications.services import notify
from core.saving import validated_save

from .. import tasks
from ..models import Survey, SurveyInvitation, SurveyPulse
from ..selectors.pulses import pulse_audience_users, pulse_end
from ..selectors.surveys import EMPLOYEE_KINDS, pulse_start

# Surveys whose pulse one hourly run opens; each in its own short transaction. An organisation
# has a handful of recurring surveys: any beyond this wait an hour for the next run.
PULSES_PER_RUN = 100


def check_pulse_audience(
    *,
    kind: str,
    recurrence_weeks: int | None,
    audience: str,
) -> None:
    """Refuse an audience the survey cannot e-mail, naming the field to correct."""
    if not audience:
        return
    if not recurrence_weeks:
        raise ValidationError(
            {
                "pulse_audience": _(
                    "Pulses are e-mailed only when the survey repeats: set “repeat every "
                    "(weeks)”, or e-mail nobody."
                )
            }
        )
    employees = kind in EMPLOYEE_KINDS
    if audience == Survey.Audience.STAFF and not employees:
        raise ValidationError(
            {
                "pulse_audience": _(
                    "Staff answer eNPS pulses only: make it an eNPS survey, or e-mail partners' "
                    "contacts."
                )
            }
        )
    if audience == Survey.Audience.PARTNER_CONTACTS and employees:
        raise ValidationError(
            {
                "pulse_audience": _(
                    "Partners' contacts answer customer surveys (NPS, CSAT, CES), not eNPS: "
                    "e-mail staff instead."
                )
            }
        )


def _invite_staff(pulse: SurveyPulse, people: list[User]) -> int:
    """Tell staff in their notification centre (also e-mailed) that the pulse is open."""
    survey = pulse.survey
    link = reverse("feedback:survey-answer", args=[survey.pk])
    body = staff_email_text(
        "feedback/surveys/emails/pulse_open.txt",
        {"survey": survey, "pulse": pulse, "url": site_link(link)},
    )
    notify(
        people,
        kind=Notification.Kind.REMINDER,
        title=_("%(survey)s: a new pulse is open") % {"survey": survey.name},
        body=body,
        link=link,
        key=f"pulse:{pulse.pk}",
    )
    return len(people)


def _invite_partner_contacts(pulse: SurveyPulse, people: list[User]) -> int:
    """Give each partner contact a personal invitation, valid while the pulse runs, e-mailed by
    the invitation task."""
    expires_at = local_midnight(pulse.ends_on + timedelta(days=1))
    for person in people:
        invitation = validated_save(
            SurveyInvitation(survey=pulse.survey, pulse=pulse),
            email=person.email,
            expires_at=expires_at,
        )
        outbox.enqueue(tasks.send_survey_invitation_task, invitation.pk)
    return len(people)


@transaction.atomic
def pulse_send(*, pulse_id: int, now: datetime | None = None) -> int:
    """Invite the audience of a pulse once; return how many people were invited.

    `sent_at` is claimed with a conditional UPDATE: a pulse already sent, or claimed by another
    run of the task, sends nothing. A pulse whose survey has no audience (or is closed) sends
    nothing and stays unsent.
    """
    now = now or timezone.now()
    pulse = SurveyPulse.objects.select_related("survey").filter(pk=pulse_id).first()
    if pulse is None or not pulse.survey.pulse_audience or not pulse.survey.is_open(now):
        return 0
    # The row lock is held to the commit: a second delivery waits, then finds it claimed.
    if not SurveyPulse.objects.filter(pk=pulse.pk, sent_at__isnull=True).update(sent_at=now):
        return 0
    people = list(pulse_audience_users(pulse.survey))
    if pulse.survey.pulse_audience == Survey.Audience.PARTNER_CONTACTS:
        invited = _invite_partner_contacts(pulse, people)
    else:
        invited = _invite_staff(pulse, people)
    SurveyPulse.objects.filter(pk=pulse.pk).update(recipients=invited)
    pulse.sent_at, pulse.recipients = now, invited
    return invited


@transaction.atomic
def pulse_open(*, survey: Survey, now: datetime | None = None) -> SurveyPulse | None:
    """Make the row of the survey's pulse running now and queue its invitations; return it, or
    None when it exists already (or the survey sends no pulse now)."""
    now = now or timezone.now()
    # Locks the survey for the moment: two overlapping runs open its pulse once.
    locked = Survey.objects.select_for_update().filter(pk=survey.pk).first()
    if locked is None or not locked.recurrence_weeks or not locked.pulse_audience:
        return None
    if not locked.is_open(now):
        return None
    starts_on = pulse_start(locked, now)
    if SurveyPulse.objects.filter(survey=locked, starts_on=starts_on).exists():
        return None
    try:
        # The unique (survey, starts_on) constraint backs the lock up (SQLite has no row locks).
        with transaction.atomic():
            pulse = SurveyPulse.objects.create(
                survey=locked,
                starts_on=starts_on,
                ends_on=pulse_end(locked, starts_on),
                created_at=now,
            )
    except IntegrityError:
        return None
    outbox.enqueue(tasks.pulse_send_task, pulse.pk)
    return pulse


def pulses_open(*, now: datetime | None = None) -> list[SurveyPulse]:
    """Open the running pulse of every open recurring survey with an audience that has none yet;
    return the pulses opened (beat, every hour).

    One transaction per survey, so that a long list never holds many locks at once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    running = SurveyPulse.objects.filter(
        survey=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    )
    due = (
        Survey.objects.filter(recurrence_weeks__gt=0, starts_at__lte=now)
        .exclude(pulse_audience="")
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(Exists(running))
        .order_by("pk")
    )
    opened = []
    for survey in due[:PULSES_PER_RUN]:
        pulse = pulse_open(survey=survey, now=now)
        if pulse is not None:
            opened.append(pulse)
    return opened
