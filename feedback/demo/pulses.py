"""Demo data of recurring pulses: the year's eNPS pulses, each opened and sent on schedule.

The "Employee pulse (eNPS)" survey e-mails all staff every six weeks (`surveys.PULSE_SURVEY`).
Each of its pulses over the year is made as beat made it, on its opening day at 07:05 (the first
hourly run of the day; the first pulse at the first run after the survey opened), and sent by the
same service the task calls: every member of staff was told in their notification centre and by
e-mail that morning. What that queued was done then, not work for today's worker; the older
pulses' notifications have been read. Runs once: when the survey has pulses it changes nothing.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.models import Notification, OutboxMessage
from feedback.models import EmployeeParticipation, Survey, SurveyPulse
from feedback.selectors.pulses import pulse_periods
from feedback.services.pulses import pulse_send

from .surveys import PULSE_SURVEY

BEAT_FIRST_RUN = time(7, 5)  # settings.CELERY_BEAT_SCHEDULE["pulses-open"]
EMAIL_AFTER = timedelta(minutes=2)  # the worker mailed each notification soon after
READ_AFTER = timedelta(hours=2)  # people opened it during the morning
UNREAD_DAYS = 7  # the latest pulse's notification is still unread by those who did not answer


def beat_moment(survey: Survey, day: date, now: datetime) -> datetime:
    """Return when beat opened and sent the pulse opening on `day`."""
    moment = timezone.make_aware(datetime.combine(day, BEAT_FIRST_RUN))
    if moment < survey.starts_at:
        # The survey opened later that day: the next hourly run sent its first pulse.
        moment = survey.starts_at.replace(minute=5, second=0, microsecond=0) + timedelta(hours=1)
    return min(moment, now)


def load_pulses(*, now: datetime) -> dict[str, int]:
    """Make the pulse survey's pulses of the year, each sent on its opening day."""
    counts = {"survey pulses": 0, "pulse notifications": 0}
    survey = Survey.objects.filter(
        name=PULSE_SURVEY.name, pulse_audience=Survey.Audience.STAFF
    ).first()
    if survey is None or survey.pulses.exists():
        return counts
    taken = set(
        EmployeeParticipation.objects.filter(survey=survey).values_list("user_id", "pulse_start")
    )
    for starts_on, ends_on in reversed(pulse_periods(survey, timezone.localdate(now))):
        moment = beat_moment(survey, starts_on, now)
        first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
        pulse = SurveyPulse.objects.create(
            survey=survey, starts_on=starts_on, ends_on=ends_on, created_at=moment
        )
        pulse_send(pulse_id=pulse.pk, now=moment)
        OutboxMessage.objects.filter(pk__gt=first_message or 0, finished_at__isnull=True).update(
            finished_at=moment + EMAIL_AFTER
        )
        told = Notification.objects.filter(key=f"pulse:{pulse.pk}")
        told.update(created_at=moment, sent_at=moment + EMAIL_AFTER)
        old = (now - moment) > timedelta(days=UNREAD_DAYS)
        readers = [
            note.pk
            for note in told.only("pk", "recipient_id")
            if old or (note.recipient_id, starts_on) in taken
        ]
        Notification.objects.filter(pk__in=readers).update(read_at=min(moment + READ_AFTER, now))
        counts["survey pulses"] += 1
        counts["pulse notifications"] += told.count()
    return counts
