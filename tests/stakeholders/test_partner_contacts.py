"""Partner contacts: a quality manager invites a partner's employee from the partner's page; the
e-mailed link sets their password once and signs them in to the portal."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.exceptions import ApplicationError
from core.roles import Role
from improvement.forms.cycles import CycleForm, RecogniseForm
from journeys.forms import JourneyForm, ObjectiveForm
from stakeholders import services
from stakeholders.forms import DepartmentForm
from stakeholders.models import Partner, PartnerContact
from tests.core.factories import TEST_PASSWORD, UserFactory
from tests.journeys.factories import JourneyFactory
from tests.stakeholders.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    """E-mails link to the site's public address (unset in the test settings without DEBUG)."""
    settings.SITE_URL = "https://qms.example"


NEW_PASSWORD = "parcel-tracking-2026"
LINK = re.compile(r"^(http\S+/stakeholders/invitation/\S+)$", re.MULTILINE)


def invite(client: Client, partner: Partner, *, email: str = "ruth@swiftparcel.example") -> Any:
    """Post the partner page's invitation form."""
    return client.post(
        reverse("stakeholders:contact-invite", args=[partner.pk]),
        {"name": "Ruth Janssen", "email": email},
    )


def link_in(mail: Any) -> str:
    """Return the path of the invitation link an e-mail carries."""
    found = LINK.search(mail.body)
    assert found, mail.body
    return found.group(1).removeprefix(settings.SITE_URL)


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    """Open the invitation link and send the password form it leads to."""
    opened = client.get(link)
    assert opened.status_code == 302, "a valid link moves its token into the session"
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def follow(client: Client, response: Any) -> str:
    """Follow the redirects of a response and return the path it ends at."""
    while response.status_code == 302:
        location = response["Location"]
        response = client.get(location)
    assert response.status_code == 200
    return str(response.request["PATH_INFO"])


@pytest.fixture
def quality(client_for: Callable[[str], Client]) -> Client:
    """A quality manager's browser."""
    return client_for("quality_manager")


def test_an_invited_contact_sets_a_password_and_lands_on_their_partner_scorecard(
    quality: Client,
    partner: Partner,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Invite → e-mail with link → set password → signed in, at the partner's own scorecard."""
    with django_capture_on_commit_callbacks(execute=True):
        invited = invite(quality, partner)
    visitor = Client()

    accepted = choose_password(visitor, link_in(mailoutbox[0]))

    contact = PartnerContact.objects.select_related("user").get(partner=partner)
    assert invited["Location"] == f"{partner.get_absolute_url()}#contacts"
    assert mailoutbox[0].to == ["ruth@swiftparcel.example"]
    assert "SwiftParcel's partner portal" in mailoutbox[0].subject
    assert contact.accepted_at is not None
    assert contact.user.check_password(NEW_PASSWORD)
    assert list(contact.user.groups.values_list("name", flat=True)) == [Role.PARTNER.value]
    assert follow(visitor, accepted) == reverse("reports:scorecard-detail", args=[partner.pk])
    assert visitor.session["_auth_user_id"] == str(contact.user.pk)


def test_the_invitation_link_works_once(
    quality: Client,
    partner: Partner,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Once the password is set, the same link shows that it no longer works."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(quality, partner)
    link = link_in(mailoutbox[0])
    choose_password(Client(), link)

    again = Client().get(link)

    assert again.status_code == 200
    assert 'data-testid="invalid-link"' in again.content.decode()
    assert "accept-form" not in again.content.decode()


def test_an_expired_invitation_link_is_refused(
    partner: Partner,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A link opened after PASSWORD_RESET_TIMEOUT has passed sets no password."""
    with django_capture_on_commit_callbacks(execute=True):
        contact = PartnerContactFactory.create(partner=partner, accepted=False)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    opened = Client().get(link_in(mailoutbox[0]))

    assert 'data-testid="invalid-link"' in opened.content.decode()
    contact.refresh_from_db()
    assert contact.accepted_at is None
    assert not contact.user.has_usable_password()


def test_an_already_registered_email_is_refused_next_to_the_field(
    quality: Client, partner: Partner, make_user: Callable[..., User]
) -> None:
    """An address that already has an account (a colleague's) creates no second account."""
    make_user("frontline", email="ruth@swiftparcel.example")

    refused = invite(quality, partner, email="Ruth@SwiftParcel.example")

    html = refused.content.decode()
    assert refused.status_code == 200
    assert re.search(r'data-field-error="email">.*?already has an account', html, re.DOTALL)
    assert not PartnerContact.objects.exists()


def test_a_new_invitation_makes_the_earlier_link_stop_working(
    quality: Client,
    partner: Partner,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Sending the invitation again replaces the first link; the new one works."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(quality, partner)
    contact = PartnerContact.objects.get(partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        resent = quality.post(reverse("stakeholders:contact-resend", args=[contact.pk]))

    first = Client().get(link_in(mailoutbox[0]))
    accepted = choose_password(Client(), link_in(mailoutbox[1]))

    assert resent.status_code == 302
    assert 'data-testid="invalid-link"' in first.content.decode()
    assert accepted.status_code == 302


def test_an_accepted_invitation_is_not_sent_again(partner: Partner, make_user: Any) -> None:
    """A contact who chose a password signs in with it: no new link replaces it."""
    contact = PartnerContactFactory.create(partner=partner)

    with pytest.raises(ApplicationError, match="has already accepted"):
        services.partner_contact_resend(contact=contact, by=make_user("quality_manager"))


def test_a_revoked_contact_can_no_longer_sign_in_nor_use_their_link(
    quality: Client,
    partner: Partner,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Revoking deactivates the account: the session, the password and the link stop working."""
    with django_capture_on_commit_callbacks(execute=True):
        waiting = PartnerContactFactory.create(partner=partner, accepted=False)
    joined = PartnerContactFactory.create(partner=partner)
    signed_in = Client()
    signed_in.force_login(joined.user)

    for contact in (waiting, joined):
        quality.post(reverse("stakeholders:contact-revoke", args=[contact.pk]))

    link = Client().get(link_in(mailoutbox[0]))
    sign_in = Client()
    refused = sign_in.post(
        reverse("login"), {"username": joined.user.username, "password": TEST_PASSWORD}
    )
    assert 'data-testid="invalid-link"' in link.content.decode()
    assert refused.status_code == 200
    assert "_auth_user_id" not in sign_in.session
    assert signed_in.get(reverse("reports:portal-complaint-list")).status_code == 302
    assert not User.objects.filter(pk__in=[waiting.user_id, joined.user_id], is_active=True)


def test_partner_page_lists_its_contacts_for_quality_managers_only(
    quality: Client, client_for: Callable[[str], Client], partner: Partner
) -> None:
    """Quality managers see who was invited and in what state; frontline staff do not."""
    PartnerContactFactory.create(partner=partner, email="joined@swiftparcel.example")
    PartnerContactFactory.create(
        partner=partner, email="waiting@swiftparcel.example", accepted=False
    )

    manager_page = quality.get(partner.get_absolute_url()).content.decode()
    frontline_page = client_for("frontline").get(partner.get_absolute_url()).content.decode()

    assert re.search(r'data-contact="joined@swiftparcel.example".*?data-state="joined"',
                     manager_page, re.DOTALL)  # fmt: skip
    assert re.search(r'data-contact="waiting@swiftparcel.example".*?data-state="invited"',
                     manager_page, re.DOTALL)  # fmt: skip
    assert 'data-testid="invite-form"' in manager_page
    assert "joined@swiftparcel.example" not in frontline_page
    assert 'id="contacts"' not in frontline_page


def test_inviting_needs_a_valid_address_and_the_permission(
    partner: Partner, make_user: Callable[..., User]
) -> None:
    """The service names the field at fault, and refuses anyone but quality managers."""
    manager, frontline = make_user("quality_manager"), make_user("frontline")

    with pytest.raises(ValidationError) as invalid:
        services.partner_contact_invite(
            partner=partner, email="not-an-address", name="R", by=manager
        )
    with pytest.raises(Exception, match="Only quality managers"):
        services.partner_contact_invite(
            partner=partner, email="ruth@swiftparcel.example", name="R", by=frontline
        )

    assert "email" in invalid.value.message_dict
    assert not PartnerContact.objects.exists()


def test_a_partner_contact_is_never_offered_as_a_lead_an_owner_or_a_kudos_recipient() -> None:
    """Partner contacts are not staff: every form naming a colleague leaves them out (and keeps
    the staff and the administrators)."""
    contact = PartnerContactFactory.create().user
    colleague = UserFactory(role=Role.FRONTLINE)
    administrator = UserFactory(is_superuser=True)

    offered = {
        "department lead": DepartmentForm().fields["lead"],
        "journey owner": JourneyForm().fields["owner"],
        "objective owner": ObjectiveForm(journey=JourneyFactory.create()).fields["owner"],
        "cycle owner": CycleForm().fields["owner"],
        "kudos recipient": RecogniseForm().fields["recipient"],
    }

    for label, field in offered.items():
        people = set(field.queryset)  # type: ignore[attr-defined]
        assert contact not in people, label
        assert {colleague, administrator} <= people, label
