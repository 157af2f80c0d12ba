"""factory_boy factories of the metrics tests."""

from datetime import date

import factory

from metrics.models import Indicator, Observation
from stakeholders.constants import StakeholderGroup


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    """A valid observed indicator on an XmR chart, by month, with a unique code."""

    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"indicator-{number}")
    name = factory.Sequence(lambda number: f"Indicator {number}")
    kind = Indicator.Kind.LEADING
    stakeholder_group = StakeholderGroup.CUSTOMERS
    computation = Indicator.Computation.OBSERVED
    chart_type = Indicator.ChartType.XMR
    grain = Indicator.Grain.MONTH
    direction = Indicator.Direction.HIGHER_IS_BETTER


class ObservationFactory(factory.django.DjangoModelFactory[Observation]):
    """One value of an observed indicator; consecutive ones fall in consecutive months."""

    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.Sequence(lambda number: date(2025 + number // 12, number % 12 + 1, 1))
    value = factory.Sequence(lambda number: float(50 + number % 7))
