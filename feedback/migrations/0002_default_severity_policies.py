"""Give every severity its starting SLA targets (quality managers edit them afterwards)."""

from django.db import migrations

# severity: (acknowledge within hours, resolve within days, working days only, frontline resolves)
DEFAULTS = {
    1: (48, 10, True, True),  # low
    2: (24, 5, True, True),  # medium
    3: (8, 3, True, False),  # high
    4: (2, 1, False, False),  # critical: calendar days, weekends included
}


def create_policies(apps, schema_editor):
    SeverityPolicy = apps.get_model("feedback", "SeverityPolicy")
    for severity, (hours, days, working_days, frontline) in DEFAULTS.items():
        SeverityPolicy.objects.get_or_create(
            severity=severity,
            defaults={
                "acknowledge_within_hours": hours,
                "resolve_within_days": days,
                "working_days_only": working_days,
                "frontline_may_resolve": frontline,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_policies, migrations.RunPython.noop)]
