"""Recurring pulses: opened on their day by beat, sent once to their audience, read per pulse.

The results per pulse are checked on the hand-computed case of `tests.feedback.pulse_case`
(pulse 1 eNPS +18, pulse 2 +20 with Customer Service +20 and "Other departments" +20, pulse 3 in
progress with fewer than 5 answers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.changes import local_midnight
from core.models import Notification
from core.roles import staff_users
from feedback import services
from feedback.models import Survey, SurveyInvitation, SurveyPulse
from feedback.selectors.pulses import DepartmentState, pulse_periods, pulse_results
from feedback.services.pulses import pulse_send, pulses_open
from feedback.tasks import pulse_open_task
from stakeholders.models import Department
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import SurveyFactory
from tests.feedback.pulse_case import WEEKS, answer_the_case, at_local
from tests.stakeholders.factories import DepartmentFactory, PartnerContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_survey(colleague: User) -> Callable[..., Survey]:
    """Return a function creating an eNPS pulse every six weeks (override any field)."""

    def make(**fields: Any) -> Survey:
        fields.setdefault("name", f"Pulse {Survey.objects.count() + 1}")
        fields.setdefault("kind", Survey.Kind.ENPS)
        fields.setdefault("created_by", colleague)
        fields.setdefault("recurrence_weeks", WEEKS)
        fields.setdefault("starts_at", timezone.now() - timedelta(days=1))
        return SurveyFactory.create(**fields)

    return make


# The schedule ------------------------------------------------------------------------------------


def test_beat_opens_the_pulse_on_its_day_and_sends_it_once(
    make_survey, make_user, django_capture_on_commit_callbacks
) -> None:
    """Opening day: one pulse row, one notification and one e-mail per member of staff; the next
    runs that day make, tell and mail nothing more; the next pulse opens on its own day."""
    make_user("frontline")
    make_user("executive")
    survey = make_survey(
        pulse_audience=Survey.Audience.STAFF,
        starts_at=timezone.now() - timedelta(days=1),
    )
    staff = list(staff_users())
    opening = timezone.localdate(survey.starts_at)

    with django_capture_on_commit_callbacks(execute=True):
        opened = pulses_open()
    with django_capture_on_commit_callbacks(execute=True):
        again = pulses_open()
        pulse_open_task()

    pulse = SurveyPulse.objects.get()
    assert [row.pk for row in opened] == [pulse.pk]
    assert again == []
    assert (pulse.starts_on, pulse.ends_on) == (opening, opening + timedelta(days=7 * WEEKS - 1))
    assert pulse.sent_at is not None
    assert pulse.recipients == len(staff)
    notes = Notification.objects.filter(key=f"pulse:{pulse.pk}")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(u.pk for u in staff)
    assert {note.link for note in notes} == {reverse("feedback:survey-answer", args=[survey.pk])}
    assert len(mail.outbox) == len(staff)
    assert all("a new pulse is open" in message.subject for message in mail.outbox)

    next_day = opening + timedelta(weeks=WEEKS)
    with django_capture_on_commit_callbacks(execute=True):
        pulses_open(now=at_local(next_day - timedelta(days=1)))
        before_its_day = SurveyPulse.objects.count()
        pulses_open(now=at_local(next_day))

    assert before_its_day == 1
    assert SurveyPulse.objects.filter(starts_on=next_day).count() == 1
    assert len(mail.outbox) == 2 * len(staff)


def test_a_second_delivery_of_the_send_task_tells_nobody_again(
    make_survey, make_user, django_capture_on_commit_callbacks
) -> None:
    make_user("frontline")
    survey = make_survey(pulse_audience=Survey.Audience.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        (pulse,) = pulses_open()
    notes, mails = Notification.objects.count(), len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        sent_again = pulse_send(pulse_id=pulse.pk)

    assert sent_again == 0
    assert Notification.objects.count() == notes
    assert len(mail.outbox) == mails
    assert survey.pulses.count() == 1


def test_a_survey_created_mid_schedule_opens_only_its_current_pulse(make_survey) -> None:
    survey = make_survey(
        pulse_audience=Survey.Audience.STAFF,
        starts_at=timezone.now() - timedelta(weeks=3 * WEEKS + 2),
    )

    pulses_open()

    start = timezone.localdate(survey.starts_at) + timedelta(weeks=3 * WEEKS)
    assert list(survey.pulses.values_list("starts_on", flat=True)) == [start]


def test_surveys_without_an_audience_closed_or_asked_once_open_no_pulse(make_survey) -> None:
    make_survey()
    make_survey(
        pulse_audience=Survey.Audience.STAFF,
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=1),
    )
    make_survey(
        kind=Survey.Kind.NPS,
        recurrence_weeks=None,
        starts_at=timezone.now() - timedelta(days=1),
    )

    assert pulses_open() == []
    assert not SurveyPulse.objects.exists()


def test_a_pulse_made_while_the_survey_has_no_audience_sends_nothing(
    make_survey, make_user
) -> None:
    make_user("frontline")
    survey = make_survey()
    pulse = SurveyPulse.objects.create(
        survey=survey, starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )

    sent = pulse_send(pulse_id=pulse.pk)

    pulse.refresh_from_db()
    assert sent == 0
    assert pulse.sent_at is None
    assert not Notification.objects.exists()


def test_the_pulse_ends_with_the_survey(make_survey) -> None:
    make_survey(
        pulse_audience=Survey.Audience.STAFF,
        ends_at=local_midnight(timezone.localdate() + timedelta(days=10)),
    )

    (pulse,) = pulses_open()

    assert pulse.ends_on == timezone.localdate() + timedelta(days=9)


# Audiences ---------------------------------------------------------------------------------------


def test_staff_audience_leaves_out_partner_contacts_and_inactive_users(
    make_survey, make_user
) -> None:
    frontline = make_user("frontline")
    gone = make_user("frontline", is_active=False)
    contact = PartnerContactFactory.create().user
    # A partner's contact who also holds a staff role by mistake is still not staff.
    contact.groups.add(*frontline.groups.all())
    survey = make_survey(pulse_audience=Survey.Audience.STAFF)

    (pulse,) = pulses_open()
    pulse_send(pulse_id=pulse.pk)

    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert frontline.pk in told
    assert gone.pk not in told
    assert contact.pk not in told
    assert not SurveyInvitation.objects.exists()
    assert survey.pulses.get().recipients == len(told)


def test_partner_contacts_get_a_personal_invitation_each_mailed_once(
    make_survey, make_user, django_capture_on_commit_callbacks
) -> None:
    make_user("frontline")
    # Invited by link, a contact who has not set a portal password yet is asked too.
    contacts = [PartnerContactFactory.create(accepted=accepted).user for accepted in (True, False)]
    revoked = PartnerContactFactory.create().user
    User.objects.filter(pk=revoked.pk).update(is_active=False)
    survey = make_survey(kind=Survey.Kind.NPS, pulse_audience=Survey.Audience.PARTNER_CONTACTS)
    mail.outbox.clear()  # the portal invitations

    with django_capture_on_commit_callbacks(execute=True):
        (pulse,) = pulses_open()
    with django_capture_on_commit_callbacks(execute=True):
        pulses_open()
        pulse_send(pulse_id=pulse.pk)

    invitations = SurveyInvitation.objects.filter(pulse=pulse)
    assert sorted(invitations.values_list("email", flat=True)) == sorted(
        contact.email for contact in contacts
    )
    assert all(invitation.sent_at is not None for invitation in invitations)
    assert {invitation.expires_at for invitation in invitations} == {
        local_midnight(pulse.ends_on + timedelta(days=1))
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        contact.email for contact in contacts
    )
    assert not Notification.objects.exists()
    assert survey.pulses.get().recipients == 2


# The survey form and API -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"recurrence_weeks": None}, "pulse_audience", "repeat every"),
        ({"kind": Survey.Kind.NPS}, "pulse_audience", "eNPS"),
        (
            {"pulse_audience": Survey.Audience.PARTNER_CONTACTS},
            "pulse_audience",
            "customer surveys",
        ),
        # The "staff of one department" audience is gone: users belong to no department.
        ({"pulse_audience": "department"}, "pulse_audience", "not a valid choice"),
    ],
)
def test_survey_refuses_an_audience_it_cannot_email(
    colleague: User, fields: dict[str, Any], field: str, words: str
) -> None:
    arguments: dict[str, Any] = {
        "created_by": colleague,
        "name": "Staff pulse",
        "kind": Survey.Kind.ENPS,
        "recurrence_weeks": WEEKS,
        "pulse_audience": Survey.Audience.STAFF,
        **fields,
    }

    with pytest.raises(ValidationError) as refused:
        services.survey_create(**arguments)

    assert words in " ".join(refused.value.message_dict[field])
    assert not Survey.objects.exists()


def test_survey_form_shows_audience_errors_next_to_their_fields(
    client_for: Callable[[str | None], Client],
) -> None:
    client = client_for("quality_manager")
    data = {
        "name": "Quarterly pulse",
        "kind": Survey.Kind.NPS,
        "starts_at": "2026-01-05T09:00",
        "pulse_audience": Survey.Audience.STAFF,
    }

    page = client.post(reverse("feedback:survey-create"), data)

    assert page.status_code == 200
    form = page.context["form"]
    assert "repeat every" in " ".join(form.errors["pulse_audience"])
    assert 'value="Quarterly pulse"' in page.content.decode()  # nothing typed is lost
    assert not Survey.objects.exists()


def test_survey_form_offers_the_three_audiences_and_saves_one(
    client_for: Callable[[str | None], Client],
) -> None:
    client = client_for("quality_manager")

    form = client.get(reverse("feedback:survey-create")).context["form"]
    page = client.post(
        reverse("feedback:survey-create"),
        {
            "name": "Service pulse",
            "kind": Survey.Kind.ENPS,
            "starts_at": "2026-01-05T09:00",
            "recurrence_weeks": "4",
            "pulse_audience": Survey.Audience.STAFF,
        },
    )

    assert [value for value, _label in form.fields["pulse_audience"].choices] == [
        "",
        "staff",
        "partner_contacts",
    ]
    assert page.status_code == 302
    assert Survey.objects.get().pulse_audience == Survey.Audience.STAFF


def test_api_names_the_audience_field_it_refuses(make_user) -> None:
    client = APIClient()
    client.force_authenticate(make_user("quality_manager"))
    url = reverse("survey-list")

    refused = client.post(
        url,
        {"name": "Partner pulse", "kind": "enps", "recurrence_weeks": 4,
         "pulse_audience": "partner_contacts"},
        format="json",
    )  # fmt: skip
    no_department = client.post(
        url,
        {"name": "Team pulse", "kind": "enps", "recurrence_weeks": 4,
         "pulse_audience": "department"},
        format="json",
    )  # fmt: skip
    created = client.post(
        url,
        {"name": "Team pulse", "kind": "enps", "recurrence_weeks": 4, "pulse_audience": "staff"},
        format="json",
    )
    changed = client.patch(
        reverse("survey-detail", args=[created.json()["id"]]),
        {"pulse_audience": "partner_contacts"},
        format="json",
    )

    assert (refused.status_code, no_department.status_code) == (400, 400)
    assert "pulse_audience" in refused.json()
    assert "pulse_audience" in no_department.json()
    assert created.status_code == 201
    assert created.json()["pulse_audience"] == "staff"
    assert "pulse_department" not in created.json()
    assert changed.status_code == 400
    assert "customer surveys" in " ".join(changed.json()["pulse_audience"])
    assert Survey.objects.get().pulse_audience == "staff"


# Results per pulse -------------------------------------------------------------------------------


@dataclass
class History:
    """A pulse survey with two closed pulses and one in progress (see the module's case)."""

    survey: Survey
    starts: list[date]


@pytest.fixture
def history(make_survey, make_user, department: Department) -> History:
    """The module's case on a staff pulse."""
    survey = make_survey(
        pulse_audience=Survey.Audience.STAFF,
        starts_at=timezone.now() - timedelta(weeks=2 * WEEKS, days=1),
    )
    people = [make_user("frontline") for _number in range(11)]
    return History(survey=survey, starts=answer_the_case(survey, department, people))


def test_results_per_pulse_follow_the_hand_computed_case(history: History) -> None:
    survey = history.survey

    results = pulse_results(survey, pulse_periods(survey))

    assert [result.starts_on for result in results] == history.starts[::-1]
    running, second, first = results
    assert (first.answers, first.score, first.change, first.in_progress) == (11, 18, None, False)
    assert (first.invited, first.participations, first.participation) == (20, 11, 55)
    assert (second.answers, second.score, second.change) == (10, 20, 2)
    assert running.in_progress
    assert running.hidden
    assert (running.answers, running.score, running.change) == (2, None, None)
    assert [(d.name, d.state, d.score, d.answers) for d in first.departments] == [
        ("Customer Service", DepartmentState.SHOWN, 33, 6),
        ("Field Service", DepartmentState.SHOWN, 0, 5),
    ]
    assert [(d.name, d.state, d.score) for d in second.departments] == [
        ("Customer Service", DepartmentState.SHOWN, 20),
        ("Field Service", DepartmentState.FEW, None),
        ("Logistics", DepartmentState.FEW, None),
        ("Other departments", DepartmentState.SHOWN, 20),
    ]
    assert running.departments == []


def test_a_department_is_merged_rather_than_leave_a_small_one_to_subtract(
    make_survey, make_user, department: Department
) -> None:
    """Five answers from Customer Service and one from Field Service: naming Customer Service
    would give Field Service's one answer away (the pulse less Customer Service)."""
    field_service = DepartmentFactory.create(name="Field Service")
    survey = make_survey()
    for score, answered_for in [*((s, department) for s in (10, 9, 9, 3, 8)), (2, field_service)]:
        services.employee_pulse_respond(
            user=make_user("frontline"), survey=survey, score=score, department=answered_for
        )

    (result,) = pulse_results(survey, pulse_periods(survey))

    assert result.score is not None
    assert [(d.name, d.state, d.score) for d in result.departments] == [
        ("Customer Service", DepartmentState.MERGED, None),
        ("Field Service", DepartmentState.FEW, None),
    ]


def test_a_customer_pulse_under_five_answers_has_no_score(make_survey) -> None:
    survey = make_survey(kind=Survey.Kind.CES)
    for score in (7, 6, 7):
        services.survey_respond(survey=survey, score=score)

    (few,) = pulse_results(survey, pulse_periods(survey))
    services.survey_respond(survey=survey, score=5)
    services.survey_respond(survey=survey, score=1)
    (enough,) = pulse_results(survey, pulse_periods(survey))

    assert (few.answers, few.score, few.hidden, few.participations) == (3, None, True, None)
    assert (enough.score, enough.hidden) == (5.2, False)  # CES: the mean, 26 / 5


def test_results_per_pulse_read_a_flat_number_of_queries(history: History, make_user) -> None:
    survey = history.survey

    def read() -> None:
        pulse_results(survey, pulse_periods(survey))

    def more_answers() -> None:
        for number in range(5):
            services.survey_respond(
                survey=survey, score=number, channel="employee", responded_at=timezone.now()
            )

    assert_queries_flat(read, more_answers)


# The page and the API ----------------------------------------------------------------------------


def test_page_shows_each_pulse_the_trend_and_the_departments(
    history: History, client_for: Callable[[str | None], Client]
) -> None:
    url = reverse("feedback:survey-pulses", args=[history.survey.pk])

    page = client_for("quality_manager").get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data-pulse=") == 3 + 2  # the pulses, then the two with departments
    assert 'data-testid="in-progress"' in html
    assert "fewer than 5 answers" in html
    assert "no verdict yet" in html
    assert 'data-testid="chart-pulse-trend"' in html
    chart = page.context["chart"]
    assert [row[1] for row in chart.table.rows] == [18, 20, "fewer than 5 answers"]
    # The pulse in progress has fewer than 5 answers: a gap, and no "in progress" mark either.
    assert [list(trace.y) for trace in chart.figure.data] == [[18, 20, None]]
    assert 'data-department="Logistics"' in html
    detail = client_for("quality_manager").get(history.survey.get_absolute_url())
    assert url in detail.content.decode()


def test_page_reads_a_flat_number_of_queries(
    history: History, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("quality_manager")
    url = reverse("feedback:survey-pulses", args=[history.survey.pk])

    def read() -> None:
        assert client.get(url).status_code == 200

    def more_answers() -> None:
        for number in range(6):
            services.survey_respond(
                survey=history.survey,
                score=number,
                department=DepartmentFactory.create(),
                channel="employee",
                responded_at=at_local(history.starts[1] + timedelta(days=number)),
            )

    assert_queries_flat(read, more_answers)


@pytest.mark.parametrize(
    ("role", "status"),
    [("quality_manager", 200), ("executive", 200), ("frontline", 403)],
)
def test_page_and_api_are_for_those_who_read_results(
    history: History, client_for: Callable[[str | None], Client], role: str, status: int
) -> None:
    client = client_for(role)

    page = client.get(reverse("feedback:survey-pulses", args=[history.survey.pk]))
    listed = client.get(reverse("survey-pulse-list", kwargs={"survey_id": history.survey.pk}))

    assert (page.status_code, listed.status_code) == (status, status)


def test_api_lists_pulses_with_the_same_results_and_anonymity(history: History, make_user) -> None:
    client = APIClient()
    client.force_authenticate(make_user("executive"))

    listed = client.get(reverse("survey-pulse-list", kwargs={"survey_id": history.survey.pk}))

    rows = listed.json()["results"]
    assert listed.json()["count"] == 3
    assert [row["score"] for row in rows] == [None, 20, 18]
    assert [row["below_threshold"] for row in rows] == [True, False, False]
    assert rows[0]["in_progress"]
    assert rows[0]["change"] is None
    assert rows[1]["change"] == 2
    assert rows[2]["participation"] == 55
    assert {row["score_label"] for row in rows} == {"eNPS"}
    assert rows[1]["departments"][1] == {
        "name": "Field Service",
        "state": "few",
        "answers": None,
        "score": None,
    }


def test_a_survey_asked_once_has_no_pulses(
    client_for: Callable[[str | None], Client], colleague: User
) -> None:
    survey = SurveyFactory.create(created_by=colleague, kind=Survey.Kind.NPS)

    page = client_for("quality_manager").get(reverse("feedback:survey-pulses", args=[survey.pk]))

    assert page.status_code == 200
    assert 'data-testid="not-recurring"' in page.content.decode()
