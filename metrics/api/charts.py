"""The shapes of an indicator's control chart and series, as the API answers them.

They are read from the snapshots (`series.chart_payload`, `series.series_payload`) and pass
through these serializers, so that the documented shape is the one answered.
"""

from rest_framework import serializers

from ..models import Indicator


class ChartPointSerializer(serializers.Serializer):
    """One period of the chart with the limits in force and the rules it breaks."""

    period = serializers.DateField(help_text="The first day of the period.")
    value = serializers.FloatField()
    n = serializers.FloatField(allow_null=True)
    ucl = serializers.FloatField(allow_null=True)
    lcl = serializers.FloatField(allow_null=True)
    signals = serializers.ListField(
        child=serializers.CharField(), help_text="The special-cause rules the point breaks."
    )
    in_progress = serializers.BooleanField(
        help_text="The period had not ended when the verdicts were computed: a value so far, "
        "never tested against the rules."
    )


class ChartLimitsSerializer(serializers.Serializer):
    """The centre line and control limits of the secondary chart (moving range or range)."""

    center = serializers.FloatField(allow_null=True)
    ucl = serializers.FloatField(allow_null=True)
    lcl = serializers.FloatField(allow_null=True)


class ChartSerializer(serializers.Serializer):
    """An indicator's control chart: its limits, its points and the secondary chart's limits."""

    # Plain strings: the choices are documented once, on the indicator.
    chart_type = serializers.CharField()
    center = serializers.FloatField(allow_null=True)
    ucl = serializers.FloatField(allow_null=True)
    lcl = serializers.FloatField(allow_null=True)
    sigma = serializers.FloatField(allow_null=True)
    points = ChartPointSerializer(many=True)
    complete_before = serializers.DateField(
        allow_null=True, help_text="Periods from this date on were in progress (not judged)."
    )
    secondary = ChartLimitsSerializer(
        allow_null=True, help_text="The XmR moving range or X-bar R range chart; null otherwise."
    )


class TrendSerializer(serializers.Serializer):
    """The trend test over the periods: its verdict, slope per period and p-value."""

    verdict = serializers.ChoiceField(choices=Indicator.TrendVerdict.choices)
    slope = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)


class LatestSerializer(serializers.Serializer):
    """The latest complete period with a value (both null before the first)."""

    period = serializers.DateField(allow_null=True)
    value = serializers.FloatField(allow_null=True)


class InProgressSerializer(serializers.Serializer):
    """The period that has not ended yet and its value so far (null when it has no data)."""

    period = serializers.DateField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    n = serializers.FloatField(allow_null=True)


class SnapshotSerializer(serializers.Serializer):
    """One period of the series: the value, its sample and interval, the limits and signals."""

    period = serializers.DateField(help_text="The first day of the period.")
    value = serializers.FloatField(allow_null=True)
    n = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    margin_of_error = serializers.FloatField(
        allow_null=True, help_text="Half the width of the 95 % interval."
    )
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    center = serializers.FloatField(allow_null=True)
    ucl = serializers.FloatField(allow_null=True)
    lcl = serializers.FloatField(allow_null=True)
    signals = serializers.ListField(child=serializers.CharField())
    in_progress = serializers.BooleanField(
        help_text="The period had not ended: its value is a value so far and drives no verdict."
    )


class SeriesSerializer(serializers.Serializer):
    """An indicator's snapshots with its status, variation, trend and latest value."""

    code = serializers.CharField()
    grain = serializers.ChoiceField(choices=Indicator.Grain.choices)
    unit = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Indicator.Status.choices)
    status_label = serializers.CharField(help_text="The status in words, as the pages show it.")
    variation = serializers.ChoiceField(choices=Indicator.Variation.choices)
    trend = TrendSerializer()
    latest = LatestSerializer()
    in_progress = InProgressSerializer()
    complete_before = serializers.DateField(
        allow_null=True, help_text="Periods from this date on were in progress (not judged)."
    )
    snapshots = SnapshotSerializer(many=True)
