"""The public "You said, we did" page: published adopted changes in plain words, no names."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from improvement.models import PDCACycle
from improvement.services import cycles, phases
from tests.feedback.factories import SurveyFactory
from tests.improvement.factories import cycle_in_check, indicator_with_data
from tests.journeys.factories import TouchpointFactory

pytestmark = pytest.mark.django_db

PUBLISHED = "You told us the wait on the phone was too long: we now call you back when you choose."


def adopted_at(owner: Any, touchpoint_name: str, **fields: Any) -> PDCACycle:
    """Return a cycle adopted on data showing an effect, at a touchpoint of that name."""
    touchpoint = TouchpointFactory.create(name=touchpoint_name)
    cycle = cycle_in_check(owner, touchpoint=touchpoint, **fields)
    return phases.cycle_decide(
        cycle=cycle, by=owner, outcome="adopt", new_standard="Call back within the hour chosen."
    )


def test_anonymous_visitors_see_published_adopted_changes_only_without_names(make_user) -> None:
    """Published and adopted: shown with its month and touchpoint. Adopted but not published,
    and abandoned though published: not shown. No owner name and no reference anywhere."""
    owner = make_user("quality_manager", first_name="Quentin", last_name="Manager")
    shown = adopted_at(owner, "Support line")
    cycles.cycle_update(cycle=shown, by=owner, publish=True, public_summary=PUBLISHED)
    private = adopted_at(owner, "Billing desk")
    cycles.cycle_update(cycle=private, by=owner, public_summary="We changed the invoices.")
    stopped = cycle_in_check(owner, indicator_with_data(after=[79.0]))
    stopped = phases.cycle_abandon(cycle=stopped, by=owner, reason="No effect.")
    cycles.cycle_update(
        cycle=stopped, by=owner, publish=True, public_summary="We tried a chat robot."
    )

    response = Client().get(reverse("public-improvement:you-said-we-did"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="change"') == 1
    assert PUBLISHED in html
    assert "Support line" in html
    assert shown.acted_on is not None
    assert shown.acted_on.strftime("%B %Y") in html
    assert "We changed the invoices." not in html
    assert "We tried a chat robot." not in html
    for private_word in ("Quentin", owner.username, shown.reference, shown.title):
        assert private_word not in html


def test_the_page_says_so_when_nothing_is_published_yet(make_user) -> None:
    """An adopted change nobody chose to publish leaves the page empty, in words."""
    owner = make_user("quality_manager")
    adopted_at(owner, "Support line")

    html = Client().get(reverse("public-improvement:you-said-we-did")).content.decode()

    assert 'data-testid="change"' not in html
    assert "Nothing to show yet" in html


def test_publishing_needs_the_public_summary(make_user) -> None:
    """The opt-in is refused on the field until the plain-words summary is written."""
    from django.core.exceptions import ValidationError

    owner = make_user("quality_manager")
    cycle = adopted_at(owner, "Support line")

    with pytest.raises(ValidationError) as refusal:
        cycles.cycle_update(cycle=cycle, by=owner, publish=True)

    assert "public_summary" in refusal.value.message_dict


def test_the_survey_thank_you_page_links_to_you_said_we_did(db) -> None:
    """A customer who has just answered finds what earlier answers changed."""
    survey = SurveyFactory.create()

    html = (
        Client()
        .get(reverse("public-survey:thanks", kwargs={"token": survey.public_token}))
        .content.decode()
    )

    assert f'href="{reverse("public-improvement:you-said-we-did")}"' in html
