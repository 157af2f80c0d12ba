"""Churn by the previous period now counts only the customers at risk who cancelled: log the
customer activity's whole span as changed, so that the next nightly run recomputes the churn
indicators (and the other activity indicators of those days) by the new rule."""

from datetime import timedelta

from django.db import migrations
from django.db.models import Max, Min


def log_activity_changed(apps, schema_editor):
    Indicator = apps.get_model("metrics", "Indicator")
    CustomerActivity = apps.get_model("stakeholders", "CustomerActivity")
    SourceChange = apps.get_model("core", "SourceChange")
    if not Indicator.objects.filter(
        computation="churn", active_customer="previous_period"
    ).exists():
        return
    span = CustomerActivity.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    if span["first"] is None:
        return
    # A day either side: the local days of the first and last moments, whatever the time zone.
    SourceChange.objects.create(
        source="customer_activity",
        scope="",
        first_day=span["first"].date() - timedelta(days=1),
        last_day=span["last"].date() + timedelta(days=1),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0010_recompute_item_waiting"),
        ("core", "0008_importjob_takeover_and_options"),
        ("stakeholders", "0006_partner_contact"),
    ]

    operations = [migrations.RunPython(log_activity_changed, migrations.RunPython.noop)]
