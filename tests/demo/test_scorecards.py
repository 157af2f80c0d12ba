"""The demo's partner scorecards: SwiftParcel's bad spell stands poor and waits for its partner
cycle; the other partners stand good or excellent; a second load changes nothing."""

import io

import pytest
from django.core.management import call_command

from improvement.models import Suggestion
from reports.models import PartnerScore
from reports.selectors.scorecards import latest_complete_month

pytestmark = pytest.mark.django_db


def test_demo_swiftparcel_spell_stands_poor_and_its_partner_cycle_waits(
    demo_organisation: str,
) -> None:
    """Some month of the spell is poor; the refresh that scored it suggested a partner cycle."""
    poor = PartnerScore.objects.filter(partner__name="SwiftParcel", standing="poor")

    assert poor.exists()
    suggestion = Suggestion.objects.get(kind=Suggestion.Kind.PARTNER)
    assert suggestion.partner is not None
    assert suggestion.partner.name == "SwiftParcel"
    assert suggestion.status == Suggestion.Status.OPEN
    assert suggestion.period in set(poor.values_list("period", flat=True))


def test_demo_other_partners_stand_good_or_excellent_last_month(demo_organisation: str) -> None:
    latest = PartnerScore.objects.filter(period=latest_complete_month()).exclude(
        partner__name="SwiftParcel"
    )

    assert set(latest.values_list("standing", flat=True)) <= {"good", "excellent"}
    assert latest.count() == 2


def test_loading_the_demo_again_scores_nothing_new(demo_organisation: str, settings) -> None:
    settings.DEBUG = True
    before = list(PartnerScore.objects.values_list("pk", "computed_at"))

    call_command("demo", stdout=io.StringIO())

    assert list(PartnerScore.objects.values_list("pk", "computed_at")) == before
