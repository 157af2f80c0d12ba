"""Rules written both as SQL (for filters and counts) and in Python (for pages) agree."""

from typing import Any

import pytest

from journeys import services
from journeys.models import Handoff, Touchpoint
from journeys.selectors import SAME_OWNER
from stakeholders.models import Partner
from stakeholders.selectors import partner_list

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("handoff")
def test_same_owner_filter_agrees_with_is_cross_owner(touchpoint: Touchpoint) -> None:
    """Every handoff the database calls same-owner is not cross-owner in Python, and vice versa."""
    extra = services.touchpoint_add(
        stage=touchpoint.stage,
        name="Order e-mail",
        channel="email",
        owner_department=touchpoint.owner_department,
    )
    services.handoff_add(from_touchpoint=touchpoint, to_touchpoint=extra)

    same_in_sql = set(Handoff.objects.filter(SAME_OWNER).values_list("pk", flat=True))
    same_in_python = {handoff.pk for handoff in Handoff.objects.all() if not handoff.is_cross_owner}

    assert same_in_sql == same_in_python
    assert len(same_in_sql) == 1


def test_weighted_score_in_sql_equals_the_partners_selection_score(partner: Partner) -> None:
    """Sorting by the SQL score and showing the Python one never disagree."""
    listed: Any = partner_list().get(pk=partner.pk)

    assert round(listed.weighted_score, 2) == listed.selection_score
