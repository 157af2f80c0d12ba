"""SLA clocks around days, weekends, month and year ends, daylight saving time and time zones."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from feedback import services, sla
from feedback.models import Complaint, Severity, SeverityPolicy

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def policy(*, hours: int = 24, days: int = 1, working_days_only: bool = False) -> SeverityPolicy:
    """Return an unsaved policy with the given targets."""
    return SeverityPolicy(
        severity=Severity.MEDIUM,
        acknowledge_within_hours=hours,
        resolve_within_days=days,
        working_days_only=working_days_only,
    )


def wall_clock(moment: datetime, zone: str = "Europe/Amsterdam") -> datetime:
    """Return the naive local time a clock on the wall in `zone` shows at `moment`."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Return the real time between two moments, whatever their time zones."""
    return end.astimezone(UTC) - start.astimezone(UTC)


# Acknowledgement: elapsed hours -----------------------------------------------------------------


def test_acknowledgement_due_runs_through_midnight() -> None:
    received = datetime(2026, 1, 15, 22, 0, tzinfo=AMSTERDAM)

    clocks = sla.clocks_for(received, policy(hours=8))

    assert wall_clock(clocks.acknowledge_due_at) == datetime(2026, 1, 16, 6, 0)


@pytest.mark.parametrize("given_in", ["utc", "local"])
@pytest.mark.parametrize(
    ("received_local", "due_local"),
    [
        pytest.param(datetime(2026, 3, 28, 12, 0), datetime(2026, 3, 29, 13, 0), id="spring"),
        pytest.param(datetime(2026, 10, 24, 12, 0), datetime(2026, 10, 25, 11, 0), id="autumn"),
    ],
)
def test_acknowledgement_due_is_24_real_hours_so_its_wall_clock_hour_moves_across_dst(
    received_local: datetime, due_local: datetime, given_in: str
) -> None:
    """Forms give local times, integrations UTC: both must count real hours."""
    received = received_local.replace(tzinfo=AMSTERDAM)
    if given_in == "utc":
        received = received.astimezone(UTC)

    clocks = sla.clocks_for(received, policy(hours=24))

    assert elapsed(received, clocks.acknowledge_due_at) == timedelta(hours=24)
    assert wall_clock(clocks.acknowledge_due_at) == due_local


# Resolution: days at the same local wall time -------------------------------------------------


@pytest.mark.parametrize(
    ("received_local", "due_local", "hours"),
    [
        pytest.param(datetime(2026, 3, 28, 10, 0), datetime(2026, 3, 29, 10, 0), 23, id="spring"),
        pytest.param(datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 25, 10, 0), 25, id="autumn"),
    ],
)
def test_resolution_due_keeps_the_local_hour_across_dst(
    received_local: datetime, due_local: datetime, hours: int
) -> None:
    received = received_local.replace(tzinfo=AMSTERDAM).astimezone(UTC)

    clocks = sla.clocks_for(received, policy(days=1))

    assert wall_clock(clocks.resolve_due_at) == due_local
    assert elapsed(received, clocks.resolve_due_at) == timedelta(hours=hours)


def test_resolution_due_on_a_wall_time_skipped_by_dst_falls_an_hour_later() -> None:
    received = datetime(2026, 3, 28, 2, 30, tzinfo=AMSTERDAM)

    clocks = sla.clocks_for(received, policy(days=1))

    assert wall_clock(clocks.resolve_due_at) == datetime(2026, 3, 29, 3, 30)


@pytest.mark.parametrize(
    ("received_local", "days", "due_local"),
    [
        pytest.param(
            datetime(2026, 1, 16, 16, 30), 1, datetime(2026, 1, 19, 16, 30), id="friday+1"
        ),
        pytest.param(datetime(2026, 1, 17, 9, 0), 1, datetime(2026, 1, 19, 9, 0), id="saturday+1"),
        pytest.param(datetime(2026, 1, 18, 9, 0), 1, datetime(2026, 1, 19, 9, 0), id="sunday+1"),
        pytest.param(datetime(2026, 1, 16, 9, 0), 5, datetime(2026, 1, 23, 9, 0), id="friday+5"),
        pytest.param(datetime(2026, 1, 19, 9, 0), 3, datetime(2026, 1, 22, 9, 0), id="monday+3"),
        pytest.param(datetime(2026, 1, 30, 9, 0), 5, datetime(2026, 2, 6, 9, 0), id="month-end+5"),
        pytest.param(datetime(2026, 12, 31, 9, 0), 2, datetime(2027, 1, 4, 9, 0), id="year-end+2"),
    ],
)
def test_resolution_in_working_days_skips_saturday_and_sunday(
    received_local: datetime, days: int, due_local: datetime
) -> None:
    received = received_local.replace(tzinfo=AMSTERDAM)

    clocks = sla.clocks_for(received, policy(days=days, working_days_only=True))

    assert wall_clock(clocks.resolve_due_at) == due_local


@pytest.mark.parametrize(
    ("received_local", "days", "due_local"),
    [
        pytest.param(
            datetime(2026, 1, 16, 16, 30), 1, datetime(2026, 1, 17, 16, 30), id="friday+1"
        ),
        pytest.param(
            datetime(2026, 1, 30, 9, 0), 5, datetime(2026, 2, 4, 9, 0), id="january-end+5"
        ),
        pytest.param(
            datetime(2026, 2, 28, 9, 0), 1, datetime(2026, 3, 1, 9, 0), id="february-end+1"
        ),
        pytest.param(datetime(2028, 2, 28, 9, 0), 1, datetime(2028, 2, 29, 9, 0), id="leap-year+1"),
        pytest.param(datetime(2028, 2, 28, 9, 0), 2, datetime(2028, 3, 1, 9, 0), id="leap-year+2"),
        pytest.param(
            datetime(2026, 12, 31, 23, 45), 1, datetime(2027, 1, 1, 23, 45), id="year-end+1"
        ),
        pytest.param(datetime(2026, 12, 1, 9, 0), 31, datetime(2027, 1, 1, 9, 0), id="december+31"),
    ],
)
def test_resolution_in_calendar_days_crosses_weekends_month_and_year_ends(
    received_local: datetime, days: int, due_local: datetime
) -> None:
    received = received_local.replace(tzinfo=AMSTERDAM)

    clocks = sla.clocks_for(received, policy(days=days, working_days_only=False))

    assert wall_clock(clocks.resolve_due_at) == due_local


# Other time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "working_days_only", "due_local"),
    [
        # 2026-01-30 23:30 UTC is Friday evening in New York, Saturday morning in Tokyo and
        # Saturday just after midnight in Amsterdam.
        ("America/New_York", False, datetime(2026, 1, 31, 18, 30)),
        ("America/New_York", True, datetime(2026, 2, 2, 18, 30)),
        ("Asia/Tokyo", False, datetime(2026, 2, 1, 8, 30)),
        ("Asia/Tokyo", True, datetime(2026, 2, 2, 8, 30)),
        ("Europe/Amsterdam", False, datetime(2026, 2, 1, 0, 30)),
        ("Europe/Amsterdam", True, datetime(2026, 2, 2, 0, 30)),
    ],
)
def test_resolution_days_count_from_the_local_date_of_receipt(
    settings: Any, zone: str, working_days_only: bool, due_local: datetime
) -> None:
    settings.TIME_ZONE = zone
    received = datetime(2026, 1, 30, 23, 30, tzinfo=UTC)

    clocks = sla.clocks_for(received, policy(days=1, working_days_only=working_days_only))

    assert wall_clock(clocks.resolve_due_at, zone) == due_local


@pytest.mark.parametrize(
    ("zone", "received_local", "hours"),
    [
        pytest.param("America/New_York", datetime(2026, 3, 7, 9, 0), 23, id="new-york-march"),
        pytest.param("America/New_York", datetime(2026, 10, 31, 9, 0), 25, id="new-york-nov"),
        pytest.param("Australia/Sydney", datetime(2026, 4, 4, 10, 0), 25, id="sydney-april"),
        pytest.param("Australia/Sydney", datetime(2026, 10, 3, 10, 0), 23, id="sydney-october"),
        pytest.param("Asia/Tokyo", datetime(2026, 3, 28, 10, 0), 24, id="tokyo-no-dst"),
    ],
)
def test_resolution_due_keeps_the_local_hour_across_dst_of_the_configured_zone(
    settings: Any, zone: str, received_local: datetime, hours: int
) -> None:
    settings.TIME_ZONE = zone
    received = received_local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)

    clocks = sla.clocks_for(received, policy(days=1))

    assert wall_clock(clocks.resolve_due_at, zone) == received_local + timedelta(days=1)
    assert elapsed(received, clocks.resolve_due_at) == timedelta(hours=hours)


# At risk ----------------------------------------------------------------------------------------


def test_acknowledgement_turns_at_risk_three_quarters_through_its_window() -> None:
    received = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)

    clocks = sla.clocks_for(received, policy(hours=24))

    assert clocks.acknowledge_at_risk_from == datetime(2026, 1, 15, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received_local", "at_risk_utc"),
    [
        # A 23-hour window: at risk 5h45 before 01:00 UTC.
        pytest.param(
            datetime(2026, 3, 28, 3, 0), datetime(2026, 3, 28, 19, 15, tzinfo=UTC), id="spring"
        ),
        # A 25-hour window: at risk 6h15 before 02:00 UTC.
        pytest.param(
            datetime(2026, 10, 24, 3, 0), datetime(2026, 10, 24, 19, 45, tzinfo=UTC), id="autumn"
        ),
    ],
)
def test_resolution_turns_at_risk_three_quarters_through_its_real_duration_across_dst(
    received_local: datetime, at_risk_utc: datetime
) -> None:
    received = received_local.replace(tzinfo=AMSTERDAM).astimezone(UTC)

    clocks = sla.clocks_for(received, policy(days=1))

    assert clocks.resolve_at_risk_from == at_risk_utc


# The clocks of a logged complaint ---------------------------------------------------------------

# A Thursday; Medium: acknowledge within 24 hours, resolve within 5 working days.
RECEIVED = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
ACKNOWLEDGE_DUE = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
RESOLVE_DUE = datetime(2026, 1, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def complaint(log_complaint: Callable[..., Complaint], make_user: Callable[..., Any]) -> Complaint:
    """Return a Medium complaint received on RECEIVED, logged by a quality manager."""
    return log_complaint(
        logged_by=make_user("quality_manager"), severity=Severity.MEDIUM, received_at=RECEIVED
    )


@pytest.mark.django_db
def test_logged_complaint_gets_the_due_times_of_its_severity(complaint: Complaint) -> None:
    assert (complaint.acknowledge_due_at, complaint.resolve_due_at) == (
        ACKNOWLEDGE_DUE,
        RESOLVE_DUE,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "state"),
    [
        (datetime(2026, 1, 15, 10, 0, tzinfo=UTC), "on_track"),
        (datetime(2026, 1, 16, 2, 59, tzinfo=UTC), "on_track"),
        (datetime(2026, 1, 16, 3, 0, tzinfo=UTC), "at_risk"),
        (ACKNOWLEDGE_DUE, "at_risk"),
        (ACKNOWLEDGE_DUE + timedelta(minutes=1), "overdue"),
    ],
)
def test_received_complaint_runs_the_acknowledgement_clock(
    complaint: Complaint, now: datetime, state: str
) -> None:
    assert complaint.sla_state(now) == state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "state"),
    [
        # Past the acknowledgement deadline, which no longer counts once acknowledged.
        (datetime(2026, 1, 17, 9, 0, tzinfo=UTC), "on_track"),
        # 168 hours window: at risk for its last 42 hours.
        (datetime(2026, 1, 20, 14, 59, tzinfo=UTC), "on_track"),
        (datetime(2026, 1, 20, 15, 0, tzinfo=UTC), "at_risk"),
        (RESOLVE_DUE + timedelta(seconds=1), "overdue"),
    ],
)
def test_acknowledged_complaint_runs_the_resolution_clock(
    complaint: Complaint, make_user: Callable[..., Any], now: datetime, state: str
) -> None:
    manager = make_user("quality_manager")
    services.complaint_acknowledge(complaint=complaint, by=manager, at=RECEIVED)

    assert complaint.sla_state(now) == state


@pytest.mark.django_db
def test_responded_and_closed_complaints_run_no_clock(
    complaint: Complaint, make_user: Callable[..., Any]
) -> None:
    manager = make_user("quality_manager")
    long_after = RESOLVE_DUE + timedelta(days=30)
    services.complaint_acknowledge(complaint=complaint, by=manager, at=RECEIVED)
    services.complaint_respond(complaint=complaint, by=manager, decision="Refund.", at=RESOLVE_DUE)
    responded_state = complaint.sla_state(long_after)

    services.complaint_close(complaint=complaint, by=manager, customer_accepted=True)

    assert (responded_state, complaint.sla_state(long_after)) == ("", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("acknowledged_at", "within"),
    [
        pytest.param(RECEIVED + timedelta(hours=1), True, id="early"),
        pytest.param(ACKNOWLEDGE_DUE, True, id="at-the-deadline"),
        pytest.param(ACKNOWLEDGE_DUE + timedelta(minutes=1), False, id="late"),
    ],
)
def test_acknowledgement_records_whether_it_was_within_sla(
    complaint: Complaint, make_user: Callable[..., Any], acknowledged_at: datetime, within: bool
) -> None:
    manager = make_user("quality_manager")

    services.complaint_acknowledge(complaint=complaint, by=manager, at=acknowledged_at)

    assert (complaint.acknowledged_at, complaint.acknowledged_within_sla) == (
        acknowledged_at,
        within,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("responded_at", "within"),
    [
        pytest.param(RESOLVE_DUE - timedelta(days=1), True, id="early"),
        pytest.param(RESOLVE_DUE, True, id="at-the-deadline"),
        pytest.param(RESOLVE_DUE + timedelta(minutes=1), False, id="late"),
    ],
)
def test_response_records_whether_it_was_within_sla(
    complaint: Complaint, make_user: Callable[..., Any], responded_at: datetime, within: bool
) -> None:
    manager = make_user("quality_manager")
    # A late acknowledgement does not make the response late.
    services.complaint_acknowledge(
        complaint=complaint, by=manager, at=ACKNOWLEDGE_DUE + timedelta(days=1)
    )

    services.complaint_respond(
        complaint=complaint, by=manager, decision="Refund the visit.", at=responded_at
    )

    assert (complaint.responded_at, complaint.resolved_within_sla) == (responded_at, within)


@pytest.mark.django_db
def test_complaint_logged_in_local_time_counts_real_hours_to_acknowledge(
    log_complaint: Callable[..., Complaint], make_user: Callable[..., Any]
) -> None:
    """A form gives received_at in local time; the night DST begins has only 23 hours."""
    received = datetime(2026, 3, 28, 12, 0, tzinfo=AMSTERDAM)

    complaint = log_complaint(
        logged_by=make_user("quality_manager"), severity=Severity.MEDIUM, received_at=received
    )

    complaint.refresh_from_db()
    assert complaint.acknowledge_due_at == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
