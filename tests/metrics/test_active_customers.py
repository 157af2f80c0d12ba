"""Who is an active customer: contract in force, trailing window, previous period; the ratios.

Churn and retention compare the customers active at a period's start with those active at its
end (Fader & Hardie, "Probability models for customer-base analysis", J. Interactive Marketing
23 (2009): in a contractual setting a customer is lost when the contract ends, by cancellation
or by not renewing): churn = active at the start and not at the end ÷ active at the start,
retention = active at both ÷ active at the start, so retention + churn = 100 %.
"""

import itertools
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from metrics import services
from metrics.computations import (
    Cell,
    active_customers,
    active_rule,
    compute_cells,
    periods_affected,
)
from metrics.computations import customers as customers_module
from metrics.models import Indicator
from metrics.periods import periods_between
from stakeholders.contracts import add_months
from stakeholders.models import Customer, CustomerActivity, CustomerSegment

pytestmark = pytest.mark.django_db

JANUARY = date(2026, 1, 1)
FEBRUARY = date(2026, 2, 1)
CODES = itertools.count()


def at(day: str, clock: time = time(12)) -> datetime:
    """Return a local moment on a day (noon unless told)."""
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), clock))


def customer(reference: str, term: int | None = None, **fields: Any) -> Customer:
    # First seen with the first record: the records show every contract from their start.
    return Customer.objects.create(
        external_reference=reference,
        contract_term_months=term,
        **{"first_seen": date(2025, 1, 15)} | fields,
    )


def activity(who: Customer, kind: str, day: str, clock: time = time(12)) -> None:
    CustomerActivity.objects.create(customer=who, kind=kind, occurred_at=at(day, clock))


def indicator(computation: str, definition: str = "contract", window: int | None = 30) -> Indicator:
    return services.indicator_create(
        code=f"{computation}-{next(CODES)}",
        name=computation,
        kind="lagging",
        stakeholder_group="customers",
        computation=computation,
        chart_type="xmr",
        active_customer=definition,
        active_window_days=window,
    )


def cell(computation: str, period: date = JANUARY, **options: Any) -> Cell:
    [found] = compute_cells(indicator(computation, **options), [period]).cells
    return found


def active_on(day: date, definition: str = "contract", window: int = 30) -> set[str]:
    rule = active_rule(
        Indicator(computation="churn", active_customer=definition, active_window_days=window)
    )
    return set(
        Customer.objects.filter(active_customers(rule, day)).values_list(
            "external_reference", flat=True
        )
    )


@pytest.fixture
def contracts() -> None:
    """Seven customers whose contracts run, lapse, end by cancellation or start in January."""
    renewed = customer("renewed", 12)
    activity(renewed, "purchase", "2025-01-15")
    activity(renewed, "renewal", "2026-01-10")
    activity(renewed, "referral", "2026-01-12")
    activity(customer("lapsed", 12), "purchase", "2025-01-15")  # term ends 15 Jan, not renewed
    activity(customer("lapses-late", 12), "purchase", "2025-01-25")
    monthly = customer("cancelled", 1)
    activity(monthly, "purchase", "2025-12-01", time(0))
    activity(monthly, "renewal", "2026-01-01", time(0))  # renewed on the anniversary's first hour
    activity(monthly, "cancellation", "2026-01-20")
    activity(customer("no-term"), "purchase", "2025-12-20")  # the 30-day window applies
    returned = customer("returned", 12)
    activity(returned, "purchase", "2025-03-01")
    activity(returned, "cancellation", "2025-06-01")
    activity(returned, "purchase", "2025-09-01")  # a new contract after the cancellation
    activity(customer("new", 12), "purchase", "2026-01-15")


def test_a_contract_is_in_force_for_its_term_unless_cancelled(contracts: None) -> None:
    """In force: the latest purchase or renewal at most a term ago, no cancellation since."""
    assert active_on(JANUARY) == {
        "renewed",
        "lapsed",
        "lapses-late",
        "cancelled",
        "no-term",
        "returned",
    }
    assert active_on(FEBRUARY) == {"renewed", "returned", "new"}


def test_churn_counts_cancelled_and_lapsed_contracts_of_the_customers_active_at_the_start(
    contracts: None,
) -> None:
    """Churn in January = 4 of the 6 contracts in force on 1 January are not on 1 February."""
    churn = cell("churn")

    retention = cell("retention")

    assert (churn.numerator, churn.denominator) == (4, 6)
    assert churn.value == pytest.approx(400 / 6)
    assert (retention.numerator, retention.denominator) == (2, 6)
    assert (churn.value or 0) + (retention.value or 0) == pytest.approx(100)


def test_repeat_purchase_is_the_share_of_buyers_who_were_already_customers(
    contracts: None,
) -> None:
    """January's buyers: two renewals of contracts in force and one new customer: 2 of 3."""
    repeat = cell("repeat_purchase")

    assert (repeat.numerator, repeat.denominator) == (2, 3)


def test_referral_rate_is_over_the_customers_active_in_the_period(contracts: None) -> None:
    """One referrer among the six customers in force on 1 January and the one who joined."""
    referral = cell("referral_rate")

    assert (referral.numerator, referral.denominator) == (1, 7)


def test_the_period_in_progress_counts_only_what_has_lapsed_so_far(
    contracts: None, set_today: Callable[[date], None]
) -> None:
    """On 20 January the contract bought on 25 January 2025 is still in force."""
    set_today(date(2026, 1, 20))

    so_far = cell("churn")

    assert (so_far.numerator, so_far.denominator) == (3, 6)
    assert compute_cells(indicator("churn", window=31), [FEBRUARY]).cells == []


def test_a_trailing_window_counts_referrals_and_forgets_after_the_window() -> None:
    """Trailing 30 days: a referral keeps a customer active; activity 31 days ago does not."""
    referrer = customer("referrer", 12)  # terms do not matter for a trailing window
    activity(referrer, "referral", "2025-12-15")
    activity(customer("old"), "purchase", "2025-11-30")
    gone = customer("gone")
    activity(gone, "purchase", "2025-12-20")
    activity(gone, "cancellation", "2025-12-24")

    active = active_on(JANUARY, "trailing_window", 30)

    assert active == {"referrer"}


def test_a_purchase_at_the_first_moment_of_the_period_is_not_before_it() -> None:
    """Dated records: a purchase on 1 January (00:00) joins in January, not before it."""
    activity(customer("joined", 1), "purchase", "2026-01-01", time(0))

    assert active_on(JANUARY) == set()
    assert active_on(FEBRUARY) == {"joined"}


def test_a_cancellation_at_the_moment_of_a_renewal_ends_the_contract() -> None:
    """Renewed and cancelled at the same moment: the cancellation wins."""
    both = customer("both", 12)
    activity(both, "renewal", "2025-12-10")
    activity(both, "cancellation", "2025-12-10")

    assert active_on(JANUARY) == set()


def test_a_segment_indicator_counts_only_that_segment(contracts: None) -> None:
    households = CustomerSegment.objects.create(name="Households")
    Customer.objects.filter(external_reference__in=["renewed", "lapsed"]).update(segment=households)
    churn = indicator("churn")
    churn.segment = households

    [found] = compute_cells(churn, [JANUARY]).cells

    assert (found.numerator, found.denominator) == (1, 2)


def test_a_full_rebuild_covers_every_period_with_contracts_in_force_until_today(
    contracts: None, set_today: Callable[[date], None]
) -> None:
    """From the first month that starts with a contract in force to the month in progress."""
    set_today(date(2026, 6, 10))

    cells = compute_cells(indicator("retention"), None).cells

    assert [found.period for found in cells] == list(
        periods_between(date(2025, 2, 1), date(2026, 6, 1), "month")
    )


def test_the_previous_period_definition_is_unchanged() -> None:
    """Active in December, active again in January: retention; a cancellation is churn."""
    stays, leaves = customer("stays"), customer("leaves")
    activity(stays, "purchase", "2025-12-05")
    activity(stays, "purchase", "2026-01-05")
    activity(leaves, "renewal", "2025-12-06")
    activity(leaves, "cancellation", "2026-01-06")

    retention = cell("retention", definition="previous_period", window=None)
    churn = cell("churn", definition="previous_period", window=None)

    assert (retention.numerator, retention.denominator) == (1, 2)
    assert (churn.numerator, churn.denominator) == (1, 2)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 15), -12, date(2025, 1, 15)),
        (date(2026, 1, 1), -24, date(2024, 1, 1)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
    ],
)
def test_months_are_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_contract_change_moves_every_period_up_to_a_term_ahead_but_not_the_future(
    set_today: Callable[[date], None],
) -> None:
    """Terms of 1 and 12 months: a change in March 2026 moves March to the month in progress."""
    set_today(date(2026, 6, 10))
    customer("yearly", 12)
    customer("monthly", 1)
    churn = indicator("churn")

    affected = periods_affected(churn, {date(2026, 3, 1)})

    assert sorted(affected) == [date(2026, month, 1) for month in range(3, 7)]


def test_a_trailing_window_change_moves_the_periods_the_window_reaches(
    set_today: Callable[[date], None],
) -> None:
    """A 10-day window by week: the change's week and the two weeks its window reaches."""
    set_today(date(2026, 12, 5))
    weekly = indicator("retention", "trailing_window", 10)
    Indicator.objects.filter(pk=weekly.pk).update(grain="week")
    weekly.refresh_from_db()

    affected = periods_affected(weekly, {date(2026, 3, 2)})

    assert sorted(affected) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]


def test_a_closed_period_measured_while_in_progress_is_redone(
    set_today: Callable[[date], None],
) -> None:
    """The month in progress at the last run has closed: it and the new one are redone."""
    set_today(date(2026, 12, 5))
    churn = indicator("churn")
    churn.complete_before = date(2026, 11, 1)

    affected = periods_affected(churn, set())

    assert sorted(affected) == [date(2026, 11, 1), date(2026, 12, 1)]


@pytest.mark.parametrize(
    ("computation", "definition", "expected"),
    [
        ("churn", "previous_period", [date(2026, 3, 1), date(2026, 4, 1)]),
        ("repeat_purchase", "previous_period", [date(2026, 3, 1)]),
        ("nps", "previous_period", [date(2026, 3, 1)]),
    ],
)
def test_other_definitions_keep_their_planning(
    computation: str, definition: str, expected: list[date]
) -> None:
    defined = indicator(computation, definition, None)

    assert sorted(periods_affected(defined, {date(2026, 3, 1)})) == expected


@pytest.mark.parametrize("computation", ["churn", "retention", "referral_rate"])
def test_a_full_rebuild_carries_the_active_count_like_single_periods(
    contracts: None, set_today: Callable[[date], None], computation: str
) -> None:
    """Consecutive periods carry who is active from one to the next: the same as counting."""
    set_today(date(2026, 6, 10))
    defined = indicator(computation)

    together = compute_cells(defined, None).cells
    alone = [compute_cells(defined, [found.period]).cells[0] for found in together]

    assert together == alone


def test_records_that_begin_after_the_customers_count_from_a_term_later(
    set_today: Callable[[date], None],
) -> None:
    """An export of the last months: contracts held before it begins are not in it, so counting
    starts once every such contract has come up for renewal on record (one term later)."""
    set_today(date(2026, 12, 5))
    old = customer("old", 12, first_seen=date(2023, 5, 1))
    activity(old, "renewal", "2025-03-10")
    activity(customer("new", 12), "purchase", "2025-04-02")

    cells = compute_cells(indicator("churn"), None).cells

    assert cells[0].period == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("computation", "definition", "grain"),
    [
        ("churn", "contract", "month"),
        ("retention", "contract", "week"),
        ("referral_rate", "trailing_window", "month"),
        ("repeat_purchase", "contract", "day"),
    ],
)
def test_queries_compiled_once_count_what_building_each_period_counts(
    contracts: None,
    set_today: Callable[[date], None],
    monkeypatch: pytest.MonkeyPatch,
    computation: str,
    definition: str,
    grain: str,
) -> None:
    """Each kind of count is compiled once per indicator and run with every period's own
    moments: every query takes that path (terms of 1 and 12 months and none, or a window), and
    the cells are those of building every period's queries anew, as before."""
    set_today(date(2026, 3, 10))
    defined = indicator(computation, definition=definition)
    defined.grain = grain
    compiled: dict[str, object] = {}
    compile_once = customers_module._PeriodCounts._compile

    def recorded(self: Any, name: str) -> Any:
        compiled[name] = compile_once(self, name)
        return compiled[name]

    monkeypatch.setattr(customers_module._PeriodCounts, "_compile", recorded)
    once = compute_cells(defined, None).cells
    assert compiled
    assert None not in compiled.values()

    monkeypatch.setattr(customers_module._PeriodCounts, "_compile", lambda self, name: None)
    each = compute_cells(defined, None).cells

    assert len(once) > 3
    assert once == each
