"""The recompute's log of bulk loads: the local days a load's rows fall on."""

from datetime import UTC, date, datetime

import pytest

from core.changes import changes_record_instances, local_day, local_days
from core.models import SourceChange
from feedback.models import Complaint, ImprovementIdea, SurveyResponse

pytestmark = pytest.mark.django_db

# Europe/Amsterdam (the test settings' zone): CET +1 in winter, CEST +2 in summer; the clocks went
# back at 01:00 UTC on 26 October 2025 and forward at 01:00 UTC on 29 March 2026.
MOMENTS = [
    datetime(2025, 10, 25, 21, 59, tzinfo=UTC),  # 23:59 CEST, the 25th
    datetime(2025, 10, 25, 22, 0, tzinfo=UTC),  # 00:00 CEST, the 26th
    datetime(2025, 10, 26, 22, 59, tzinfo=UTC),  # 23:59 CET, the 26th
    datetime(2025, 10, 26, 23, 0, tzinfo=UTC),  # 00:00 CET, the 27th
    datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # 00:30 CET, the 29th
    datetime(2026, 3, 29, 21, 59, tzinfo=UTC),  # 23:59 CEST, the 29th
    datetime(2026, 1, 1, 9, 0),  # naive: its own date
    date(2026, 2, 1),  # a day is its own day
]


def test_local_days_place_each_value_where_local_day_does(settings) -> None:
    """Hand-placed around both 2025-26 clock changes: the zone looked up once per batch gives the
    same days as one look-up per value."""
    assert settings.TIME_ZONE == "Europe/Amsterdam"

    assert list(local_days(MOMENTS)) == [local_day(value) for value in MOMENTS]
    assert list(local_days(MOMENTS)) == [
        date(2025, 10, 25),
        date(2025, 10, 26),
        date(2025, 10, 26),
        date(2025, 10, 27),
        date(2026, 3, 29),
        date(2026, 3, 29),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_a_bulk_load_logs_one_span_per_source_from_its_earliest_to_its_latest_local_day() -> None:
    """Answers on 25 October 21:59 UTC (the 25th locally) and 28 March 23:30 UTC (the 29th), an
    idea not yet implemented (no date: no day) and a complaint: one span per source, its ends
    the local days of the earliest and latest moments, the rows in between whatever order."""
    answers = [SurveyResponse(responded_at=moment) for moment in (MOMENTS[3], MOMENTS[4])]
    answers.insert(1, SurveyResponse(responded_at=MOMENTS[0]))
    complaint = Complaint(received_at=MOMENTS[1])

    changes_record_instances([*answers, complaint, ImprovementIdea(implemented_at=None)])

    logged = {
        change.source: (change.first_day, change.last_day, change.scope)
        for change in SourceChange.objects.all()
    }
    assert logged == {
        SurveyResponse.CHANGE_SOURCE: (date(2025, 10, 25), date(2026, 3, 29), ""),
        Complaint.CHANGE_SOURCE: (date(2025, 10, 26), date(2025, 10, 26), ""),
    }
