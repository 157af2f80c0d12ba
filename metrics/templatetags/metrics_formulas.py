"""How the indicator page explains a customer ratio: who is active, and the formula in words."""

from datetime import date, timedelta
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from metrics.computations import CUSTOMER_COMPUTATIONS
from metrics.models import Indicator
from metrics.periods import next_period, open_period, previous_period

from .metrics_format import period_label

register = template.Library()

Computation = Indicator.Computation
ActiveCustomer = Indicator.ActiveCustomer


def _day(day: date) -> str:
    return date_format(day, "j M Y")


def _active_words(indicator: Indicator) -> str:
    window = indicator.active_window_days
    if indicator.active_customer == ActiveCustomer.CONTRACT:
        return _(
            "A customer counts while their contract is in force: their latest purchase or "
            "renewal is at most one contract term old (their own term in months, %(window)s "
            "days for customers without one) and no cancellation has followed it."
        ) % {"window": window}
    if indicator.active_customer == ActiveCustomer.TRAILING_WINDOW:
        return _(
            "A customer counts as active while they bought, renewed or referred someone in the "
            "%(window)s days before, and have not cancelled since."
        ) % {"window": window}
    return _(
        "A customer counts as active in a period when they bought, renewed or referred someone "
        "in it."
    )


def _held_formula(indicator: Indicator, start: date, after: date) -> tuple[str, str]:
    """Return the numerator and denominator in words for the contract and window definitions."""
    contract = indicator.active_customer == ActiveCustomer.CONTRACT
    words = {
        "start": _day(start),
        "end": _day(after),
        "first": _day(start),
        "last": _day(after - timedelta(days=1)),
    }
    held = (
        _("customers whose contract was in force on %(start)s")
        if contract
        else _("customers active on %(start)s")
    ) % words
    computation = indicator.computation
    if computation == Computation.CHURN:
        return _("%(held)s and not on %(end)s") % {"held": held, **words}, held
    if computation == Computation.RETENTION:
        return _("%(held)s and still on %(end)s") % {"held": held, **words}, held
    buying = _("customers who bought or renewed from %(first)s to %(last)s") % words
    if computation == Computation.REPEAT_PURCHASE:
        repeat = (
            _("%(buying)s and whose contract was already in force on %(start)s")
            if contract
            else _("%(buying)s and who were already active on %(start)s")
        )
        return repeat % {"buying": buying, **words}, buying
    active = (
        _(
            "customers whose contract was in force on %(start)s or who bought or renewed from "
            "%(first)s to %(last)s"
        )
        if contract
        else _(
            "customers active on %(start)s or who bought, renewed or referred from %(first)s "
            "to %(last)s"
        )
    ) % words
    referred = _("customers who referred someone from %(first)s to %(last)s") % words
    return _("%(referred)s, among the %(active)s") % {
        "referred": referred,
        "active": active,
    }, active


def _previous_formula(indicator: Indicator, start: date) -> tuple[str, str]:
    """Return the numerator and denominator in words for the previous-period definition."""
    grain = indicator.grain
    now = period_label(start, grain)
    before = period_label(previous_period(start, grain), grain)
    active_before = _("customers active in %(period)s") % {"period": before}
    computation = indicator.computation
    if computation == Computation.CHURN:
        return _("%(active)s who cancelled in %(period)s") % {
            "active": active_before,
            "period": now,
        }, active_before
    if computation == Computation.RETENTION:
        return _("%(active)s and again in %(period)s") % {
            "active": active_before,
            "period": now,
        }, active_before
    if computation == Computation.REPEAT_PURCHASE:
        return (
            _("customers with two purchases or more in %(period)s") % {"period": now},
            _("customers with a purchase in %(period)s") % {"period": now},
        )
    return (
        _("customers who referred someone in %(period)s") % {"period": now},
        _("customers active in %(period)s") % {"period": now},
    )


@register.simple_tag
def computation_formula(indicator: Indicator) -> dict[str, Any] | None:
    """Return the words of a customer ratio's formula, written out for its latest complete period
    (None for the other computations)."""
    if indicator.computation not in CUSTOMER_COMPUTATIONS:
        return None
    start = indicator.latest_period or previous_period(
        open_period(indicator.grain), indicator.grain
    )
    after = next_period(start, indicator.grain)
    if indicator.active_customer == ActiveCustomer.PREVIOUS_PERIOD:
        numerator, denominator = _previous_formula(indicator, start)
    else:
        numerator, denominator = _held_formula(indicator, start, after)
    return {
        "active": _active_words(indicator),
        "name": indicator.get_computation_display().replace(" (%)", ""),
        "numerator": numerator,
        "denominator": denominator,
        "period": period_label(start, indicator.grain),
    }
