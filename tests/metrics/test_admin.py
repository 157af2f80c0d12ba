"""The metrics admin never changes what feeds the recompute; its action runs the service."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from metrics import services
from metrics.models import Annotation, Indicator, LimitSegment, RecomputeRun
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def test_indicator_admin_saves_the_name_but_not_the_computation_or_grain(client_for) -> None:
    """A definition field posted to the admin is ignored; the name, not read-only, is saved."""
    indicator = IndicatorFactory.create()
    url = reverse("admin:metrics_indicator_change", args=[indicator.pk])

    response = client_for("administrator").post(
        url,
        {
            "name": "Renamed",
            "description": "",
            "owner": "",
            "kind": indicator.kind,
            "stakeholder_group": indicator.stakeholder_group,
            "is_active": "on",
            "computation": Indicator.Computation.NPS,
            "grain": Indicator.Grain.WEEK,
            "journey": "",
            "unit": "points",
            "_save": "Save",
        },
    )

    indicator.refresh_from_db()
    assert response.status_code == 302
    assert indicator.name == "Renamed"
    assert indicator.computation == Indicator.Computation.OBSERVED
    assert indicator.grain == Indicator.Grain.MONTH
    assert indicator.unit == ""


def test_indicator_admin_shows_the_definition_read_only(client_for) -> None:
    """The change page has no field for the computation, grain, scope or chart."""
    indicator = IndicatorFactory.create()
    url = reverse("admin:metrics_indicator_change", args=[indicator.pk])

    page = client_for("administrator").get(url).content.decode()

    for name in ("computation", "grain", "journey", "chart_type", "target", "direction"):
        assert f'name="{name}"' not in page
    assert 'name="name"' in page


def test_indicator_admin_has_no_add_form(client_for) -> None:
    """Indicators are defined through indicator_create, on their page or by the API."""
    response = client_for("administrator").get(reverse("admin:metrics_indicator_add"))

    assert response.status_code == 403


def test_recompute_action_marks_the_selected_indicators_and_starts_a_run(client_for) -> None:
    """The admin action calls indicator_bulk_recompute: a run by the administrator is started."""
    chosen, other = IndicatorFactory.create(), IndicatorFactory.create()
    Indicator.objects.update(needs_full_recompute=False)
    client = client_for("administrator")

    response = client.post(
        reverse("admin:metrics_indicator_changelist"),
        {"action": "recompute", "_selected_action": [chosen.pk]},
    )

    run = RecomputeRun.objects.get()
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert response.status_code == 302
    assert run.trigger == RecomputeRun.Trigger.BUTTON
    assert run.requested_by == User.objects.get(is_superuser=True)
    assert chosen.needs_full_recompute
    assert not other.needs_full_recompute


def test_limit_segment_deleted_in_the_admin_goes_through_limits_remove(client_for) -> None:
    """Deleting a limit recalculation in the admin removes its annotation and marks a recompute."""
    indicator = IndicatorFactory.create()
    segment = LimitSegment.objects.create(
        indicator=indicator, starts_on=date(2026, 3, 1), reason="New courier"
    )
    services.annotation_upsert(
        indicator=indicator,
        starts_on=segment.starts_on,
        label="New limits: New courier",
        kind=Annotation.Kind.LIMITS,
        source_key=f"limits:{segment.pk}",
    )
    Indicator.objects.update(needs_full_recompute=False)
    url = reverse("admin:metrics_limitsegment_delete", args=[segment.pk])

    response = client_for("administrator").post(url, {"post": "yes"})

    indicator.refresh_from_db()
    assert response.status_code == 302
    assert not LimitSegment.objects.exists()
    assert not Annotation.objects.filter(indicator=indicator).exists()
    assert indicator.needs_full_recompute
