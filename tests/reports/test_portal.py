"""The partner portal: a partner's contact sees its own scorecard and the complaints at its
touchpoints (pages and API alike), never a customer's details nor another partner's records, and
adds corrective-action notes that the quality manager reads on the complaint and the scorecard."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core.roles import Role
from feedback import services as feedback_services
from feedback.models import Complaint, ComplaintEvent, Severity
from journeys.models import Stage, Touchpoint
from reports.selectors.portal import partner_complaints_visible_to, partner_notes
from stakeholders.models import Partner, PartnerContact
from tests.core.factories import UserFactory
from tests.core.queries import assert_counted_up_to
from tests.feedback.factories import ComplaintFactory, ThemeFactory
from tests.journeys.factories import TouchpointFactory
from tests.stakeholders.factories import PartnerContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "Parcel thrown over the fence at 12 Elm Street, neighbour saw it"
REMEDY = "Refund the delivery fee to my card ending 4242"
CUSTOMER_REFERENCE = "CRM-009876"
ROOT_CAUSE_WORDS = "Agency driver at 12 Elm Street not briefed"
NOTE = "Both agency drivers briefed on the photo-at-the-door rule."


@pytest.fixture
def contact(partner: Partner) -> PartnerContact:
    """SwiftParcel's contact, who accepted the invitation."""
    return PartnerContactFactory.create(partner=partner, email="piotr@swiftparcel.example")


@pytest.fixture
def portal(contact: PartnerContact) -> Client:
    """The contact's browser, signed in."""
    client = Client()
    client.force_login(contact.user)
    return client


@pytest.fixture
def manager(roles: None) -> User:
    """The quality manager handling the complaints."""
    return UserFactory.create(role=Role.QUALITY_MANAGER, username="quinn")


@pytest.fixture
def complaint(delivery: Touchpoint, manager: User) -> Complaint:
    """A high complaint at SwiftParcel's delivery, with a customer, a theme and a root cause."""
    logged = ComplaintFactory.create(
        logged_by=manager,
        touchpoint=delivery,
        severity=Severity.HIGH,
        description=DESCRIPTION,
        remedy_requested=REMEDY,
        customer_reference=CUSTOMER_REFERENCE,
    )
    feedback_services.insight_tag(
        insight=logged.insight, themes=[ThemeFactory.create(name="Late delivery")], by=manager
    )
    feedback_services.complaint_acknowledge(complaint=logged, by=manager)
    feedback_services.complaint_investigate(complaint=logged, by=manager)
    feedback_services.complaint_set_root_cause(
        complaint=logged, by=manager, category="people", text=ROOT_CAUSE_WORDS
    )
    logged.refresh_from_db()
    return logged


@pytest.fixture
def others(stage: Stage, manager: User) -> Complaint:
    """A complaint at another courier's touchpoint."""
    rival = PartnerFactory.create(name="BoxCo")
    return ComplaintFactory.create(
        logged_by=manager,
        touchpoint=TouchpointFactory.create(stage=stage, name="Returns", owner_partner=rival),
        description="BoxCo lost the return label",
    )


def assert_no_customer_data(body: str, complaint: Complaint) -> None:
    """The body names neither the complaint nor its customer, nor any words they wrote."""
    for private in (
        complaint.reference,
        CUSTOMER_REFERENCE,
        DESCRIPTION,
        "12 Elm Street",
        REMEDY,
        ROOT_CAUSE_WORDS,
    ):
        assert private not in body, private


# Pages ------------------------------------------------------------------------------------------


def test_partner_sees_its_complaints_without_customer_data_on_list_and_detail(
    portal: Client, complaint: Complaint, others: Complaint
) -> None:
    """The list and the page show category, touchpoint, dates, severity, status, root cause."""
    listing = portal.get(reverse("reports:portal-complaint-list"))
    detail = portal.get(reverse("reports:portal-complaint-detail", args=[complaint.pk]))

    list_html, detail_html = listing.content.decode(), detail.content.decode()
    assert f'data-complaint="{complaint.pk}"' in list_html
    assert f'data-complaint="{others.pk}"' not in list_html
    assert "Late delivery" in list_html
    assert "Delivery" in list_html
    assert "People" in detail_html
    assert "High" in detail_html
    assert "Investigating" in detail_html
    assert_no_customer_data(list_html, complaint)
    assert_no_customer_data(detail_html, complaint)


def test_portal_list_counts_only_up_to_its_limit(
    portal: Client, delivery: Touchpoint, manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national courier's complaints over the years: counted up to a limit, which it says."""
    monkeypatch.setattr("reports.views.portal.COUNT_LIMIT", 30)
    for _number in range(31):
        ComplaintFactory.create(logged_by=manager, touchpoint=delivery)

    assert_counted_up_to(
        portal,
        reverse("reports:portal-complaint-list"),
        "feedback_complaint",
        limit=30,
        row_marker="data-complaint=",
    )


def test_partner_is_refused_another_partners_complaint_by_url(
    portal: Client, others: Complaint
) -> None:
    """Another partner's complaint answers 404, as if it did not exist; so does a note on it."""
    page = portal.get(reverse("reports:portal-complaint-detail", args=[others.pk]))
    note = portal.post(reverse("reports:portal-complaint-note", args=[others.pk]), {"text": NOTE})

    assert (page.status_code, note.status_code) == (404, 404)
    assert not ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.PARTNER_NOTE).exists()


def test_a_complaint_attributed_to_the_partner_elsewhere_is_in_its_portal(
    partner: Partner, contact: PartnerContact, touchpoint: Touchpoint, manager: User
) -> None:
    """A complaint at a department's touchpoint that names the partner is the partner's too."""
    complaint = ComplaintFactory.create(logged_by=manager, touchpoint=touchpoint)
    Complaint.objects.filter(pk=complaint.pk).update(owner_department=None, owner_partner=partner)

    visible = list(partner_complaints_visible_to(contact.user))

    assert visible == [complaint]


def test_partner_home_is_its_own_scorecard(portal: Client, partner: Partner) -> None:
    """Signing in, or opening "/", leads a partner contact to its partner's scorecard."""
    home = portal.get(reverse("home"))
    portal_home = portal.get(home["Location"])

    assert home["Location"] == reverse("reports:portal-home")
    assert portal_home["Location"] == reverse("reports:scorecard-detail", args=[partner.pk])
    assert portal.get(portal_home["Location"]).status_code == 200


def test_partner_reads_its_scorecard_and_is_refused_another_partners(
    portal: Client, partner: Partner
) -> None:
    """Its own scorecard opens; another partner's answers 404 by URL and by API."""
    rival = PartnerFactory.create(name="BoxCo")

    own = portal.get(reverse("reports:scorecard-detail", args=[partner.pk]))
    page = portal.get(reverse("reports:scorecard-detail", args=[rival.pk]))
    api = portal.get(reverse("scorecard-detail", args=[rival.pk]))

    assert own.status_code == 200
    assert (page.status_code, api.status_code) == (404, 404)


@pytest.mark.parametrize(
    "url",
    [
        reverse("feedback:complaint-queue"),
        reverse("feedback:my-submissions"),
        reverse("stakeholders:stakeholder-map"),
        reverse("improvement:board"),
        reverse("metrics:indicator-list"),
        reverse("reports:dashboard"),
    ],
)
def test_partner_is_refused_staff_pages(portal: Client, url: str) -> None:
    """A partner contact is not staff: the staff pages refuse it."""
    assert portal.get(url).status_code == 403


def test_partner_navigation_shows_only_the_portal(portal: Client, complaint: Complaint) -> None:
    """Scorecard, Complaints and Account, and nothing else."""
    html = portal.get(reverse("reports:portal-complaint-list")).content.decode()

    shown = {
        name
        for name in ("reports:portal-home", "reports:portal-complaint-list", "account")
        if f'data-nav="{name}"' in html
    }
    assert shown == {"reports:portal-home", "reports:portal-complaint-list", "account"}
    assert html.count('data-nav="') == 3


def test_a_note_shows_on_the_staff_complaint_page_with_the_partner_name(
    portal: Client, complaint: Complaint, manager: User
) -> None:
    """The partner's note joins the complaint's timeline, where the quality manager reads it."""
    added = portal.post(
        reverse("reports:portal-complaint-note", args=[complaint.pk]), {"text": NOTE}
    )
    staff = Client()
    staff.force_login(manager)

    timeline = staff.get(complaint.get_absolute_url()).content.decode()
    again = portal.get(reverse("reports:portal-complaint-detail", args=[complaint.pk]))

    assert added["Location"] == reverse("reports:portal-complaint-detail", args=[complaint.pk])
    assert 'data-event="partner_note"' in timeline
    assert NOTE in timeline
    assert 'data-testid="note-partner">SwiftParcel<' in timeline
    assert NOTE in again.content.decode()


def test_the_scorecard_lists_the_partners_latest_notes(
    partner: Partner, contact: PartnerContact, complaint: Complaint, manager: User
) -> None:
    """The scorecard's panel shows the notes, newest first, to staff and to the partner."""
    for text in ("First finding.", "Second finding."):
        feedback_services.complaint_add_partner_note(
            complaint=complaint, author=contact.user, text=text
        )
    staff = Client()
    staff.force_login(manager)

    notes = partner_notes(partner)
    page = staff.get(reverse("reports:scorecard-detail", args=[partner.pk])).content.decode()

    assert [note.text for note in notes] == ["Second finding.", "First finding."]
    assert 'data-testid="partner-notes"' in page
    assert "Second finding." in page
    assert complaint.reference in page


def test_an_empty_or_too_long_note_is_refused_next_to_its_field(
    portal: Client, complaint: Complaint
) -> None:
    """Nothing is saved; the form says why beside the field and keeps what was typed."""
    url = reverse("reports:portal-complaint-note", args=[complaint.pk])

    empty = portal.post(url, {"text": "  "})
    long = portal.post(url, {"text": "x" * 10_001})

    assert (empty.status_code, long.status_code) == (400, 400)
    assert 'data-field-error="text"' in empty.content.decode()
    assert "at most 10000 characters" in long.content.decode()
    assert not ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.PARTNER_NOTE).exists()


def test_staff_read_the_portal_but_write_no_note(
    client_for: Callable[[str], Client], complaint: Complaint
) -> None:
    """Quality managers see the partner's view of the complaint; notes are the partner's."""
    manager = client_for("quality_manager")

    page = manager.get(reverse("reports:portal-complaint-detail", args=[complaint.pk]))
    note = manager.post(
        reverse("reports:portal-complaint-note", args=[complaint.pk]), {"text": NOTE}
    )

    assert page.status_code == 200
    assert 'data-testid="note-form"' not in page.content.decode()
    assert note.status_code == 403


def test_portal_list_runs_a_fixed_number_of_queries(
    portal: Client,
    delivery: Touchpoint,
    manager: User,
    django_assert_max_num_queries: Any,
) -> None:
    """Ten complaints or thirty, tagged or not: the same queries."""

    def grow(count: int) -> None:
        theme = ThemeFactory.create()
        for _number in range(count):
            logged = ComplaintFactory.create(logged_by=manager, touchpoint=delivery)
            feedback_services.insight_tag(insight=logged.insight, themes=[theme], by=manager)

    url = reverse("reports:portal-complaint-list")
    grow(3)
    portal.get(url)  # warm the caches a first request fills (sessions, content types)
    with django_assert_max_num_queries(50) as small:
        portal.get(url)
    grow(25)

    with django_assert_max_num_queries(len(small)):
        response = portal.get(url)

    assert response.status_code == 200


# API --------------------------------------------------------------------------------------------


def test_api_lists_and_reads_the_partners_complaints_without_customer_data(
    portal: Client, complaint: Complaint, others: Complaint
) -> None:
    """The same rows and fields as the pages."""
    listing = portal.get(reverse("partner-complaint-list"))
    detail = portal.get(reverse("partner-complaint-detail", args=[complaint.pk]))

    rows = listing.json()["results"]
    assert [row["id"] for row in rows] == [complaint.pk]
    assert rows[0]["categories"] == ["Late delivery"]
    assert rows[0]["touchpoint_name"] == "Delivery"
    assert rows[0]["root_cause_category"] == "people"
    assert detail.json()["notes"] == []
    assert_no_customer_data(listing.content.decode(), complaint)
    assert_no_customer_data(detail.content.decode(), complaint)


def test_api_refuses_another_partners_complaint(portal: Client, others: Complaint) -> None:
    """Another partner's complaint is 404 to read and to note."""
    read = portal.get(reverse("partner-complaint-detail", args=[others.pk]))
    note = portal.post(
        reverse("partner-complaint-notes", args=[others.pk]),
        {"text": NOTE},
        content_type="application/json",
    )

    assert (read.status_code, note.status_code) == (404, 404)


def test_api_adds_a_note_that_the_detail_then_shows(
    portal: Client, complaint: Complaint, contact: PartnerContact
) -> None:
    """POST …/notes/ answers 201 with the note; the complaint's detail lists it."""
    url = reverse("partner-complaint-notes", args=[complaint.pk])

    added = portal.post(url, {"text": NOTE}, content_type="application/json")
    empty = portal.post(url, {"text": ""}, content_type="application/json")

    detail = portal.get(reverse("partner-complaint-detail", args=[complaint.pk])).json()
    assert added.status_code == 201
    assert added.json()["partner"] == "SwiftParcel"
    assert added.json()["author"] == contact.user.get_full_name()
    assert empty.status_code == 400
    assert [note["text"] for note in detail["notes"]] == [NOTE]


def test_a_partner_sees_only_its_own_notes_staff_see_every_partners(
    complaint: Complaint,
    contact: PartnerContact,
    partner: Partner,
    manager: User,
    client_for: Callable[[str], Client],
) -> None:
    """A complaint at SwiftParcel's touchpoint attributed to BoxCo: each courier's notes stay
    its own; quality managers read both."""
    rival = PartnerFactory.create(name="BoxCo")
    Complaint.objects.filter(pk=complaint.pk).update(owner_partner=rival)
    rival_contact = PartnerContactFactory.create(partner=rival)
    feedback_services.complaint_add_partner_note(complaint=complaint, author=contact.user, text="A")
    feedback_services.complaint_add_partner_note(
        complaint=complaint, author=rival_contact.user, text="B"
    )
    swift = Client()
    swift.force_login(contact.user)
    url = reverse("partner-complaint-detail", args=[complaint.pk])

    own = swift.get(url).json()["notes"]
    every = client_for("quality_manager").get(url).json()["notes"]

    assert [note["text"] for note in own] == ["A"]
    assert [(note["partner"], note["text"]) for note in every] == [
        ("SwiftParcel", "A"),
        ("BoxCo", "B"),
    ]


def test_api_refuses_staff_who_do_not_read_every_complaint(
    client_for: Callable[[str], Client], complaint: Complaint
) -> None:
    """Frontline staff read only their own complaints: the portal's view is refused them."""
    frontline = client_for("frontline")

    assert frontline.get(reverse("partner-complaint-list")).status_code == 403
