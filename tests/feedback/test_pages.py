"""Feedback pages: logging, the queue, a complaint's steps, ideas, SLA targets, recognition."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Complaint, ComplaintEvent, ImprovementIdea, Recognition, Severity
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Partner
from tests.core.queries import assert_counted_up_to


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


# Logging ----------------------------------------------------------------------------------------


def test_logging_a_complaint_shows_its_reference_at_once(
    make_user, journey: Journey, partner: Partner, delivery: Touchpoint, customer: Customer
) -> None:
    frontline = make_user("frontline")
    client = signed_in(frontline)

    response = client.post(
        reverse("feedback:complaint-log"),
        {
            "description": "The courier left the heat pump in the rain.",
            "severity": "2",
            "channel": "phone",
            "touchpoint": delivery.pk,
            "customer_reference": customer.external_reference,
        },
        follow=True,
    )

    complaint = Complaint.objects.get(logged_by=frontline)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == complaint.get_absolute_url()
    assert f"Complaint {complaint.reference} logged" in html
    assert complaint.owner_partner == partner
    assert complaint.journey == journey
    assert complaint.customer == customer


def test_logging_without_a_description_explains_and_saves_nothing(make_user) -> None:
    client = signed_in(make_user("frontline"))

    response = client.post(
        reverse("feedback:complaint-log"), {"description": "", "severity": "2", "channel": "phone"}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_frontline_cannot_resolve_a_high_complaint_at_first_contact(make_user) -> None:
    client = signed_in(make_user("frontline"))

    response = client.post(
        reverse("feedback:complaint-log"),
        {
            "description": "Gas smell after installation",
            "severity": str(Severity.HIGH),
            "channel": "phone",
            "resolved_at_first_contact": "on",
            "decision": "Engineer sent",
        },
    )

    assert response.status_code == 200
    assert "resolved by quality managers" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_an_over_long_customer_reference_is_refused_next_to_it_and_kept(make_user) -> None:
    """A 100-character customer reference is refused next to its field; nothing typed is lost."""
    client = signed_in(make_user("frontline"))
    reference = "R" * 100

    response = client.post(
        reverse("feedback:complaint-log"),
        {
            "description": "The invoice was sent twice.",
            "severity": "2",
            "channel": "phone",
            "customer_reference": reference,
        },
    )

    html = response.content.decode()
    field = re.search(r'<input[^>]*name="customer_reference"[^>]*>', html)
    assert field is not None
    assert "is-invalid" in field.group(0)
    assert 'maxlength="80"' in field.group(0)
    assert f'value="{reference}"' in field.group(0)
    assert "at most 80 characters (it has 100)" in html
    assert 'data-field-error="customer_reference"' in html
    assert "The invoice was sent twice." in html
    assert Complaint.objects.count() == 0


@pytest.mark.usefixtures("delivery")
def test_log_page_offers_every_touchpoint_with_its_journey(make_user, journey: Journey) -> None:
    client = signed_in(make_user("frontline"))

    html = client.get(reverse("feedback:complaint-log")).content.decode()

    assert "Buy online · Order · Delivery" in html
    assert f'data-journey="{journey.pk}"' in html
    assert "Don&#x27;t know" in html


# One complaint ----------------------------------------------------------------------------------


def test_frontline_sees_own_complaints_and_not_others(make_user, log_complaint) -> None:
    frontline = make_user("frontline")
    own = log_complaint(logged_by=frontline)
    others = log_complaint(logged_by=make_user("quality_manager"))
    client = signed_in(frontline)

    own_page = client.get(own.get_absolute_url())
    other_page = client.get(others.get_absolute_url())
    queue = client.get(reverse("feedback:complaint-queue")).content.decode()

    assert own_page.status_code == 200
    assert other_page.status_code == 404
    assert own.reference in queue
    assert others.reference not in queue


def test_illegal_step_is_refused_with_a_message_on_the_page(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    complaint = log_complaint()
    client = signed_in(manager)

    response = client.post(
        reverse("feedback:complaint-action", args=[complaint.pk, "close"]),
        {"customer_accepted": "yes"},
        follow=True,
    )

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED
    assert "is received: only a complaint that is responded can be closed" in (
        response.content.decode()
    )


def test_step_with_missing_input_shows_the_form_error(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    complaint = log_complaint()
    services.complaint_acknowledge(complaint=complaint, by=manager)
    client = signed_in(manager)

    response = client.post(
        reverse("feedback:complaint-action", args=[complaint.pk, "respond"]), {"decision": ""}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACKNOWLEDGED


def investigating(manager, complaint: Complaint) -> Complaint:
    """Return the complaint acknowledged and under investigation by the manager."""
    services.complaint_acknowledge(complaint=complaint, by=manager)
    return services.complaint_investigate(complaint=complaint, by=manager)


def test_the_root_cause_menu_starts_empty(make_user, log_complaint) -> None:
    """The investigation's root-cause menu preselects no category, only "— choose —"."""
    manager = make_user("quality_manager")
    complaint = investigating(manager, log_complaint())

    html = signed_in(manager).get(complaint.get_absolute_url()).content.decode()

    menu = re.search(r'<select name="category".*?</select>', html, re.DOTALL)
    assert menu is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', menu.group(0))
    assert options[0] == ("", " selected", "— choose —")
    assert [value for value, selected, _label in options if selected] == [""]


def test_a_root_cause_without_a_category_is_refused_next_to_the_menu(
    make_user, log_complaint
) -> None:
    """Recording a root cause without choosing its category explains it and saves nothing."""
    manager = make_user("quality_manager")
    complaint = investigating(manager, log_complaint())

    response = signed_in(manager).post(
        reverse("feedback:complaint-action", args=[complaint.pk, "root_cause"]),
        {"category": "", "text": "Courier skipped the doorstep photo"},
    )

    html = response.content.decode()
    menu = re.search(r'<select name="category"[^>]*>', html)
    assert response.status_code == 400
    assert menu is not None
    assert "is-invalid" in menu.group(0)
    assert "Choose the root cause category." in html
    assert "Courier skipped the doorstep photo" in html
    complaint.refresh_from_db()
    assert (complaint.root_cause_category, complaint.root_cause) == ("", "")


def test_quality_manager_takes_a_complaint_through_the_life_cycle(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    complaint = log_complaint()
    client = signed_in(manager)
    steps = [
        ("acknowledge", {"note": ""}),
        ("investigate", {"note": "Checking the courier's scan log"}),
        ("root_cause", {"category": "material", "text": "Courier skipped the doorstep photo"}),
        ("respond", {"decision": "Replacement sent and delivery fee refunded"}),
        ("close", {"customer_accepted": "yes", "satisfaction": "4"}),
    ]

    for action, data in steps:
        response = client.post(
            reverse("feedback:complaint-action", args=[complaint.pk, action]), data
        )
        assert response.status_code == 302, (action, response.content.decode()[:500])

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.customer_satisfaction == 4
    assert complaint.root_cause_category == Complaint.RootCause.MATERIAL
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [
        "logged",
        "acknowledged",
        "investigating",
        "root_cause",
        "responded",
        "closed",
    ]


def test_frontline_owner_of_a_high_complaint_is_offered_escalation_only(
    make_user, log_complaint, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    frontline = make_user("frontline")
    make_user("quality_manager", email="quality@example.com")
    complaint = log_complaint(logged_by=frontline, severity=Severity.HIGH)
    client = signed_in(frontline)

    page = client.get(complaint.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:complaint-action", args=[complaint.pk, "escalate"]), {"note": ""}
        )
    refused = client.post(
        reverse("feedback:complaint-action", args=[complaint.pk, "acknowledge"]), {"note": ""}
    )

    assert 'data-action="escalate"' in page
    assert 'data-action="acknowledge"' not in page
    assert response.status_code == 302
    assert refused.status_code == 403
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None
    assert len(mailoutbox) == 1
    assert "quality@example.com" in mailoutbox[0].to
    assert complaint.reference in mailoutbox[0].subject


def test_executive_reads_a_complaint_without_steps(make_user, log_complaint) -> None:
    complaint = log_complaint()
    client = signed_in(make_user("executive"))

    html = client.get(complaint.get_absolute_url()).content.decode()
    refused = client.post(
        reverse("feedback:complaint-action", args=[complaint.pk, "acknowledge"]), {"note": ""}
    )

    assert complaint.reference in html
    assert "data-action=" not in html
    assert refused.status_code == 403


# The queue --------------------------------------------------------------------------------------


def test_queue_lists_overdue_complaints_first_and_filters_them(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    fresh = log_complaint(description="Fresh one")
    old = log_complaint(description="Old one", received_at=timezone.now() - timedelta(days=5))
    client = signed_in(manager)

    html = client.get(reverse("feedback:complaint-queue")).content.decode()
    overdue = client.get(reverse("feedback:complaint-queue") + "?sla=overdue").content.decode()

    assert html.index(old.reference) < html.index(fresh.reference)
    assert old.reference in overdue
    assert fresh.reference not in overdue


def test_queue_query_count_does_not_grow_with_complaints(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    client = signed_in(manager)
    log_complaint()
    client.get(reverse("feedback:complaint-queue"))
    small = query_count(client, reverse("feedback:complaint-queue"))
    for number in range(30):
        assignee = make_user("frontline")
        complaint = log_complaint(logged_by=assignee, severity=1 + number % 4)
        services.complaint_assign(complaint=complaint, assignee=assignee, by=manager)

    large = query_count(client, reverse("feedback:complaint-queue"))

    assert large == small


def test_queue_counts_only_up_to_its_limit_and_says_so(
    make_user, log_complaint, monkeypatch
) -> None:
    """Past the limit the queue says "more than", pages stop at the limit and say where, and the
    count query stops there (a LIMIT) instead of counting every complaint."""
    monkeypatch.setattr("feedback.views.complaints.COUNT_LIMIT", 30)
    client = signed_in(make_user("quality_manager"))
    manager = make_user("quality_manager")
    for _number in range(31):
        log_complaint(logged_by=manager)

    first, last, counts = assert_counted_up_to(
        client,
        reverse("feedback:complaint-queue"),
        "feedback_complaint",
        limit=30,
        row_marker="<tr data-complaint=",
    )

    assert len(counts) == 1
    assert first.count("More than 30 complaints, soonest due first") == 1  # the caption
    assert "Page 2 of more than 2" in last
    assert "Pagination controls" not in first  # the template's comment is not shown
    # Rows 26 to 30 only, one tick box each (one markup for the table and the phone's cards).
    assert len(re.findall(r'name="complaints" value="\d+"', last)) == 5


def test_queue_under_its_limit_counts_exactly(make_user, log_complaint, monkeypatch) -> None:
    monkeypatch.setattr("feedback.views.complaints.COUNT_LIMIT", 30)
    client = signed_in(make_user("quality_manager"))
    for _number in range(30):
        log_complaint()

    html = client.get(reverse("feedback:complaint-queue") + "?page=2").content.decode()

    assert html.count("30 complaints, soonest due first") == 1
    assert "More than" not in html
    assert "Page 2 of 2" in html
    assert "filter it to reach the others" not in html


def test_bulk_assign_assigns_the_ticked_complaints(
    make_user, log_complaint, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    manager = make_user("quality_manager")
    assignee = make_user("frontline", email="sam@example.com")
    first, second, untouched = log_complaint(), log_complaint(), log_complaint()
    client = signed_in(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:complaint-bulk-assign"),
            {"complaints": [first.pk, second.pk], "assignee": assignee.pk},
        )

    assert response.status_code == 302
    assert set(Complaint.objects.filter(assignee=assignee)) == {first, second}
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert len(mailoutbox) == 1
    assert "2 complaints are assigned to you" in mailoutbox[0].subject


def test_frontline_cannot_bulk_assign(make_user, log_complaint) -> None:
    frontline = make_user("frontline")
    complaint = log_complaint(logged_by=frontline)
    client = signed_in(frontline)

    response = client.post(
        reverse("feedback:complaint-bulk-assign"),
        {"complaints": [complaint.pk], "assignee": frontline.pk},
    )

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.assignee is None


def test_csv_export_holds_every_filtered_row_and_defuses_formulas(make_user, log_complaint) -> None:
    manager = make_user("quality_manager")
    for _ in range(30):
        log_complaint(description="Waited too long")
    formula = log_complaint(description='=HYPERLINK("http://evil")', severity=Severity.CRITICAL)
    client = signed_in(manager)

    response = client.get(reverse("feedback:complaint-export") + f"?severity={Severity.CRITICAL}")
    all_rows = client.get(reverse("feedback:complaint-export"))

    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    every = list(csv.DictReader(io.StringIO(all_rows.getvalue().decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [row["reference"] for row in rows] == [formula.reference]
    assert rows[0]["description"].startswith("'=")
    assert len(every) == 31


# Ideas ------------------------------------------------------------------------------------------


def test_colleague_supports_an_idea_with_htmx_and_can_withdraw(make_user, submit_idea) -> None:
    idea = submit_idea()
    client = signed_in(make_user("frontline"))
    url = reverse("feedback:idea-vote", args=[idea.pk])

    supported = client.post(url, HTTP_HX_REQUEST="true")
    withdrawn = client.post(url, HTTP_HX_REQUEST="true")

    assert 'data-votes="1"' in supported.content.decode()
    assert 'data-votes="0"' in withdrawn.content.decode()
    assert idea.votes.count() == 0


def test_declining_an_idea_needs_a_reason_the_submitter_then_reads(make_user, submit_idea) -> None:
    submitter = make_user("frontline")
    idea = submit_idea(submitted_by=submitter)
    reviewer = signed_in(make_user("quality_manager"))
    url = reverse("feedback:idea-action", args=[idea.pk, "decline"])

    refused = reviewer.post(url, {"reason": ""})
    declined = reviewer.post(url, {"reason": "The courier contract already requires photos."})
    mine = signed_in(submitter).get(reverse("feedback:my-submissions") + "?tab=ideas")

    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    assert declined.status_code == 302
    assert "The courier contract already requires photos." in mine.content.decode()


def test_frontline_cannot_review_ideas(make_user, submit_idea) -> None:
    idea = submit_idea()
    client = signed_in(make_user("frontline"))

    response = client.post(reverse("feedback:idea-action", args=[idea.pk, "accept"]), {})

    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == ImprovementIdea.Status.SUBMITTED


# My submissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["complaints", "ideas", "recognitions"])
def test_my_submissions_query_count_does_not_grow(
    make_user, log_complaint, submit_idea, tab
) -> None:
    frontline = make_user("frontline")
    manager = make_user("quality_manager")
    client = signed_in(frontline)
    url = reverse("feedback:my-submissions") + f"?tab={tab}"
    log_complaint(logged_by=frontline)
    submit_idea(submitted_by=frontline)
    services.recognition_give(given_by=manager, recipient=frontline, behaviour="Kind words")
    client.get(url)
    small = query_count(client, url)
    for _ in range(20):
        complaint = log_complaint(logged_by=frontline)
        services.complaint_acknowledge(complaint=complaint, by=manager)
        idea = submit_idea(submitted_by=frontline)
        services.idea_vote(idea=idea, voter=manager)
        services.recognition_give(given_by=manager, recipient=frontline, behaviour="Calm call")

    large = query_count(client, url)

    assert large == small


def test_my_submissions_shows_the_outcome_of_a_complaint(make_user, log_complaint) -> None:
    frontline = make_user("frontline")
    manager = make_user("quality_manager")
    complaint = log_complaint(logged_by=frontline)
    services.complaint_acknowledge(complaint=complaint, by=manager)
    services.complaint_respond(complaint=complaint, by=manager, decision="Refund of 40 euros")
    services.complaint_close(complaint=complaint, by=manager, customer_accepted=True)

    html = signed_in(frontline).get(reverse("feedback:my-submissions")).content.decode()

    assert complaint.reference in html
    assert "Refund of 40 euros" in html
    assert "accepted by the customer" in html


# SLA targets and recognition --------------------------------------------------------------------


def test_quality_manager_edits_sla_targets_and_frontline_limit(make_user) -> None:
    client = signed_in(make_user("quality_manager"))
    data = {"highest_severity": str(Severity.LOW)}
    for severity in Severity.values:
        data[f"s{severity}-acknowledge_within_hours"] = "4"
        data[f"s{severity}-resolve_within_days"] = "2"
        data[f"s{severity}-working_days_only"] = "on"

    response = client.post(reverse("feedback:sla-policy"), data)

    assert response.status_code == 302
    assert selectors.policy_for(Severity.CRITICAL).acknowledge_within_hours == 4
    assert selectors.frontline_limit() == Severity.LOW


def test_sla_targets_refuse_zero_hours_and_keep_the_old_ones(make_user) -> None:
    client = signed_in(make_user("quality_manager"))
    before = selectors.policy_for(Severity.LOW).acknowledge_within_hours
    data = {"highest_severity": ""}
    for severity in Severity.values:
        data[f"s{severity}-acknowledge_within_hours"] = "0"
        data[f"s{severity}-resolve_within_days"] = "2"

    response = client.post(reverse("feedback:sla-policy"), data)

    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    assert selectors.policy_for(Severity.LOW).acknowledge_within_hours == before


def test_a_refused_frontline_limit_keeps_the_old_sla_targets(make_user, monkeypatch) -> None:
    """The targets and the limit are saved together: when the limit is refused, so are they."""
    client = signed_in(make_user("quality_manager"))
    before = selectors.policy_for(Severity.LOW).acknowledge_within_hours

    def refuse(**_: object) -> None:
        raise ValidationError({"highest_severity": "Choose a severity."})

    monkeypatch.setattr(services, "frontline_limit_set", refuse)
    data = {"highest_severity": str(Severity.LOW)}
    for severity in Severity.values:
        data[f"s{severity}-acknowledge_within_hours"] = str(before + 5)
        data[f"s{severity}-resolve_within_days"] = "2"

    response = client.post(reverse("feedback:sla-policy"), data)

    assert response.status_code == 200
    assert "Choose a severity." in response.content.decode()
    assert selectors.policy_for(Severity.LOW).acknowledge_within_hours == before


def test_frontline_cannot_change_sla_targets(make_user) -> None:
    client = signed_in(make_user("frontline"))

    response = client.post(reverse("feedback:sla-policy"), {"highest_severity": "4"})

    assert response.status_code == 403
    assert selectors.frontline_limit() == Severity.MEDIUM


def test_recognition_reaches_the_employees_home_page(make_user, log_complaint) -> None:
    frontline = make_user("frontline")
    complaint = log_complaint(logged_by=frontline)
    executive = signed_in(make_user("executive"))

    response = executive.post(
        reverse("feedback:recognition-create"),
        {
            "recipient": frontline.pk,
            "behaviour": "Stayed on the line until the boiler restarted.",
            "complaint": complaint.pk,
        },
    )
    home = signed_in(frontline).get(reverse("home")).content.decode()

    assert response.status_code == 302
    assert Recognition.objects.get(recipient=frontline).complaint == complaint
    assert "Stayed on the line until the boiler restarted." in home


def test_timeline_records_who_did_what(make_user, log_complaint) -> None:
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    complaint = log_complaint()
    services.complaint_acknowledge(complaint=complaint, by=manager)
    services.complaint_comment(complaint=complaint, by=manager, text="Called the courier")

    html = signed_in(manager).get(complaint.get_absolute_url()).content.decode()

    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 3
    assert "Called the courier" in html
    assert "Quinn Okafor" in html
