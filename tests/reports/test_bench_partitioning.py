"""The bench's partitioning prototype (`make bench PARTITIONED=1`, reports.bench.partitioning).

It is only worth its figures if the partitioned tables hold the same rows, serve the product's
reads and writes unchanged, and give the same snapshots. The test runs inside the test's own
transaction, which PostgreSQL rolls back with the tables' conversion, so no later test sees a
partitioned table.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from feedback.models import Insight, SurveyDay, SurveyResponse
from metrics.bench import bench_indicators, differences, snapshot_values
from metrics.models import RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from reports import bench
from reports.bench.partitioning import is_partitioned, month_starts, partition_by_month
from stakeholders.models import CustomerActivity
from tests.feedback.factories import ResponseFactory

pytestmark = pytest.mark.django_db

SMALL = bench.Scale(
    "tiny", responses=2_000, indicators=45, customers=200, activities=2_000, complaints=100
)


def _partition_of_each_row(table: str, column: str) -> list[tuple[str, datetime]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, {column} FROM {table}")  # noqa: S608
        return cursor.fetchall()


def _recomputed_snapshots(capture) -> dict:
    """Recompute everything from the answers and activity themselves and return the values."""
    Snapshot.objects.all().delete()
    SurveyDay.objects.all().delete()
    with capture(execute=True):
        recompute_start(mode=RecomputeRun.Mode.FULL, trigger=RecomputeRun.Trigger.COMMAND)
    return snapshot_values(bench_indicators())


def test_month_starts_are_the_organisations_local_months(settings) -> None:
    """Hand-computed: Europe/Amsterdam is UTC+1 in winter and UTC+2 in summer, so the local month
    of March 2026 begins at 23:00 UTC on 28 February; twelve months ahead of the last one."""
    settings.TIME_ZONE = "Europe/Amsterdam"
    with timezone.override("Europe/Amsterdam"):
        starts = month_starts(
            datetime(2026, 2, 28, 23, 30, tzinfo=UTC),  # 00:30 on 1 March, local
            datetime(2026, 4, 15, tzinfo=UTC),
            ahead=12,
        )
    assert starts[0].astimezone(UTC) == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert starts[1].astimezone(UTC) == datetime(2026, 3, 31, 22, tzinfo=UTC)
    # March, April, the twelve months after April, and the end of the last of them.
    assert len(starts) == 2 + 12 + 1
    assert (starts[-1].year, starts[-1].month) == (2027, 5)


def test_partitioned_tables_keep_their_rows_reads_writes_and_snapshots(
    require_postgres_and_redis, django_capture_on_commit_callbacks, settings
) -> None:
    """The bench's organisation, recomputed, then its answers and activity partitioned: every
    row is kept, in the partition of its local month; the product still writes and moves rows;
    the keys the database can no longer check are reported; a full recompute from the
    partitioned tables gives exactly the snapshots it gave before."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    bench.organisation_load(SMALL, bench.Results(scale=SMALL))
    commented = ResponseFactory.create(comment="The parcel came two days late.")
    assert Insight.objects.filter(response=commented).exists()
    before = _recomputed_snapshots(django_capture_on_commit_callbacks)
    assert len(before) > 500
    answers = list(SurveyResponse.objects.order_by("pk").values_list())
    activities = list(CustomerActivity.objects.order_by("pk").values_list())

    # `--partitioned-only` measures a database an earlier run loaded, until it is partitioned.
    assert bench.database_check(loaded=True) is True
    with pytest.raises(bench.BenchRefused, match="earlier bench run"):
        bench.database_check()

    converted = [
        partition_by_month(SurveyResponse, "responded_at"),
        partition_by_month(CustomerActivity, "occurred_at"),
    ]
    with pytest.raises(bench.BenchRefused, match="partitioned already"):
        bench.database_check(loaded=True)

    assert is_partitioned(SurveyResponse)
    assert is_partitioned(CustomerActivity)
    assert [table.rows for table in converted] == [len(answers), len(activities)]
    assert list(SurveyResponse.objects.order_by("pk").values_list()) == answers
    assert list(CustomerActivity.objects.order_by("pk").values_list()) == activities
    for table in converted:
        rows = _partition_of_each_row(table.table, table.column)
        months = {f"{table.table}_{timezone.localtime(moment):%Ym%m}" for _name, moment in rows}
        assert {name for name, _moment in rows} == months  # none in the default partition
    answers_table, activity_table = converted
    assert answers_table.unique_with_moment == [
        "feedback_surveyresponse_idea_id_key",
        "feedback_surveyresponse_invitation_id_key",
        "survey_response_unique_external_id",
    ]
    assert answers_table.foreign_keys_dropped == ["feedback_insight.response_id"]
    assert activity_table.unique_with_moment == ["customer_activity_unique_external_id"]
    assert activity_table.foreign_keys_dropped == []

    # The product writes as before: ids continue, a changed moment moves the row.
    highest = max(row[0] for row in answers)
    added = ResponseFactory.create(survey=commented.survey, score=5, external_id="late-1")
    assert added.pk == highest + 1
    added.responded_at = timezone.now() - timedelta(days=62)
    added.save()
    [(partition,)] = _partition_query(added.pk)
    assert partition == f"feedback_surveyresponse_{timezone.localtime(added.responded_at):%Ym%m}"
    # The price: the database checks a reference only together with its moment. The model's
    # validation still refuses a second one (but two imports at once could both pass it).
    with pytest.raises(ValidationError):
        ResponseFactory.create(survey=added.survey, score=3, external_id="late-1")
    duplicate = {"survey": added.survey, "score": 3, "external_id": "late-1"}
    with transaction.atomic(), pytest.raises(IntegrityError):
        SurveyResponse.objects.bulk_create(
            [SurveyResponse(**duplicate, responded_at=added.responded_at)]
        )
    SurveyResponse.objects.bulk_create([SurveyResponse(**duplicate, responded_at=timezone.now())])
    SurveyResponse.objects.filter(external_id="late-1").delete()

    assert differences(before, _recomputed_snapshots(django_capture_on_commit_callbacks)) == []


def _partition_query(pk: int) -> list[tuple[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM feedback_surveyresponse WHERE id = %s", [pk]
        )
        return cursor.fetchall()
