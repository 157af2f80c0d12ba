"""The partner portal in the demo: SwiftParcel's contact signs in as `partner` and finds its
scorecard, its complaints and the corrective-action notes it wrote during its bad spell.

The whole demo is loaded once for tests/demo/ (`demo_organisation`).
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.demo import DEMO_PASSWORD
from feedback.demo import trouble_window
from feedback.models import ComplaintEvent
from stakeholders.models import PartnerContact

pytestmark = pytest.mark.django_db


def test_demo_partner_login_is_swiftparcels_contact(demo_organisation: str) -> None:
    """`partner` is printed with the other logins and signs in to SwiftParcel's scorecard."""
    contact = PartnerContact.objects.select_related("partner", "user").get(user__username="partner")
    client = Client()

    signed_in = client.post(
        reverse("login"), {"username": "partner", "password": DEMO_PASSWORD}, follow=True
    )

    assert "Partner contact  user partner" in demo_organisation
    assert contact.partner.name == "SwiftParcel"
    assert contact.accepted_at is not None
    assert list(contact.user.groups.values_list("name", flat=True)) == ["Partner contact"]
    assert signed_in.request["PATH_INFO"] == reverse(
        "reports:scorecard-detail", args=[contact.partner.pk]
    )


def test_demo_swiftparcel_wrote_notes_in_its_bad_spell(demo_organisation: str) -> None:
    """Two or three notes from SwiftParcel's contact, on its complaints, while the spell lasted."""
    starts, ends = trouble_window(timezone.now())
    author = User.objects.get(username="partner")

    notes = list(
        ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.PARTNER_NOTE).select_related(
            "complaint__touchpoint", "partner"
        )
    )

    assert 2 <= len(notes) <= 3
    for note in notes:
        assert note.actor == author
        assert note.partner is not None
        assert note.complaint.touchpoint is not None
        assert note.partner.name == "SwiftParcel"
        assert note.complaint.touchpoint.owner_partner_id == note.partner.pk
        assert starts <= note.complaint.received_at <= note.at <= ends
