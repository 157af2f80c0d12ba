"""The whole-product benchmark (`make bench`, reports.bench) at a tiny scale.

The bench is only worth its figures if both sides of each ratio do the same work: the full
recompute's snapshots must equal the hand-written SQL floor's numbers, and an incremental run
after new and corrected answers must leave the snapshots a full recompute leaves. These tests
run the real steps on PostgreSQL (the bench measures nothing else) and read the JSON it writes.
"""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from feedback.models import Complaint, SurveyDay, SurveyResponse
from metrics.bench import COMPUTATIONS, differences
from metrics.models import Indicator, RecomputeRun
from reports import bench
from reports.bench.imports import IMPORT_CUSTOMERS, bench_customers
from reports.bench.pages import bench_pages
from stakeholders.models import Customer, CustomerActivity
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

# 45 indicators: every computation of the bench at every grain, for the whole organisation.
TINY = bench.Scale(
    "tiny", responses=3_000, indicators=45, customers=300, activities=3_000, complaints=300
)


def run_tiny(results_folder: Path) -> dict:
    """Run the bench's steps at the tiny scale and return its JSON document as written."""
    results = bench.Results(scale=TINY)
    bench.organisation_load(TINY, results)
    bench.recompute_bench(TINY, results)
    path = bench.results_write(bench.results_document(results), folder=results_folder)
    return json.loads(path.read_text())


def test_the_bench_refuses_anything_but_postgresql(settings) -> None:
    """On SQLite it says how to run it instead of measuring the wrong database."""
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(CommandError, match="The bench measures PostgreSQL"):
        call_command("bench", "--scale", "small")


def test_the_bench_refuses_a_database_in_use(require_postgres_and_redis) -> None:
    """An indicator of the organisation's own means a real database: the bench leaves it."""
    IndicatorFactory.create(code="nps-buy")

    with pytest.raises(CommandError, match="holds indicators of its own"):
        call_command("bench", "--scale", "small")


@pytest.mark.django_db(transaction=True)  # the recompute's tasks leave after each commit
def test_the_full_recompute_equals_its_floor_and_the_incremental_run_a_full_one(
    require_postgres_and_redis, tmp_path: Path, settings
) -> None:
    """Hand-written floor per local period: NPS and eNPS = 100 x (promoters - detractors) /
    answers (eNPS from 5 answers), CSAT = 100 x share of 4-5, CES = mean score; complaints
    counted, per 1,000 activities, median hours to acknowledge and to answer, shares within SLA,
    resolved at first contact and rated 4-5; retention, churn, repeat purchase and referral
    rate by the previous period (the metrics engine's definitions, tested against the reference
    cases in tests/metrics). Both sides must agree exactly, cell by cell."""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    document = run_tiny(tmp_path)

    assert document["checks"] == {
        "full recompute equals its SQL floor": {"ok": True, "problems": []},
        "incremental run equals a full recompute": {"ok": True, "problems": []},
    }
    full, nightly, incremental = document["figures"]
    assert full["name"] == "full recompute"
    assert full["target"] == 1.5
    assert full["floor"] > 0
    assert full["ratio"] == pytest.approx(full["seconds"] / full["floor"])
    assert "45 indicators" in full["detail"]
    assert nightly["name"] == "incremental recompute (1 % new only)"
    assert nightly["floor"] == full["seconds"]
    assert incremental["target"] == 0.05
    assert document["scale"] == {
        "name": "tiny",
        "responses": 3_000,
        "indicators": 45,
        "customers": 300,
        "activities": 3_000,
        "complaints": 300,
        "import_rows": 20_000,
    }
    assert document["machine"]["postgresql"]
    assert [path.name.endswith("-tiny.json") for path in tmp_path.iterdir()] == [True]


def test_a_floor_that_disagrees_is_reported_cell_by_cell() -> None:
    """The check names the indicator, the period and both values, so a wrong floor shows."""
    expected = {(1, date(2026, 1, 1)): 40.0, (1, date(2026, 2, 1)): 50.0}
    found = {(1, date(2026, 1, 1)): 40.0 + 1e-12, (1, date(2026, 2, 1)): 52.5}

    assert differences(expected, found) == ["indicator 1, period 2026-02-01: 50.0 against 52.5"]
    assert differences(expected, {**found, (2, date(2026, 1, 1)): 1.0})[1].startswith("indicator 2")


def test_the_printed_table_gives_each_figure_its_floor_ratio_and_verdict() -> None:
    """One line per figure with seconds, floor, ratio and target; a failed check says so."""
    results = bench.Results(scale=TINY)
    results.figures.append(bench.Figure("full recompute", 3.0, "x", floor=2.0, target=1.5))
    results.checks["full recompute equals its SQL floor"] = ["indicator 1: 1 against 2"]
    document = {
        "figures": [
            {**bench.asdict(figure), "ratio": figure.ratio, "met": figure.met}
            for figure in results.figures
        ],
        "checks": {name: {"ok": not p, "problems": p} for name, p in results.checks.items()},
    }

    table = bench.results_table(document)

    line = table.splitlines()[1]
    assert line.split() == ["full", "recompute", "3.00", "2.00", "1.500", "1.500", "yes"]
    assert "check: full recompute equals its SQL floor: FAILED" in table


@pytest.mark.django_db(transaction=True)  # gunicorn reads what the test wrote
def test_pages_are_timed_through_gunicorn_with_their_query_counts(
    require_postgres_and_redis, settings
) -> None:
    """Every list and dashboard page answers 200 through a live gunicorn as the bench's quality
    manager; at a large scale each is set against the same page at the small scale, and a page
    whose query count differs from it is named."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    bench.organisation_load(TINY, bench.Results(scale=TINY))
    reference = {  # the small scale's figures, as if the survey list had run one query
        "figures": [
            {"name": f"page p95: {name}", "seconds": 0.05, "queries": 1}
            for name, _path in bench_pages()
        ]
    }

    large = bench.Results(scale=bench.Scale("large", responses=0, indicators=0))
    bench.served_bench(large, reference=reference, repeat=5)

    pages = [figure for figure in large.figures if figure.name.startswith("page p95: ")]
    names = [figure.name for figure in pages]
    assert names == [f"page p95: {name}" for name, _path in bench_pages()]
    assert "page p95: indicator page, day grain" in names
    assert "page p95: survey results" in names
    assert all(figure.floor == 0.05 and figure.target == 1.2 for figure in pages)
    assert all(figure.queries and figure.queries > 1 for figure in pages)
    grown = large.checks["pages keep the small scale's query counts"]
    assert len(grown) == len(names)
    assert grown[0].startswith("system-health dashboard: ")
    # Then complaints logged through the same server: each write saved one complaint.
    writes = [figure for figure in large.figures if figure.name.startswith("log a complaint")]
    assert [figure.name for figure in writes] == [
        "log a complaint: page, p95",
        "log a complaint: API, p95",
    ]
    assert all(0 < figure.seconds < 5 for figure in writes)
    logged = Complaint.objects.filter(description__startswith="Bench complaint")
    assert logged.filter(source=Complaint.Source.API).count() == 8  # 3 to warm up, 5 timed
    assert logged.exclude(source=Complaint.Source.API).count() == 8


def test_each_import_is_set_against_a_copy_of_the_same_rows(require_postgres_and_redis) -> None:
    """Customer activity, survey answers and customers: each importer saves every synthetic row
    (none refused, none taken for already there) and its time is set against a COPY of the same
    rows into its table, which leaves nothing behind; a second run starts from the same tables."""
    results = bench.Results(scale=bench.Scale("tiny", responses=0, indicators=0, import_rows=500))

    bench.import_bench(results)
    bench.import_bench(results)  # an earlier run's rows are cleared first

    names = [figure.name for figure in results.figures]
    assert names == 2 * [
        "import customer activity (CSV)",
        "import survey responses (CSV)",
        "import customers (CSV)",
    ]
    for figure in results.figures:
        assert figure.floor
        assert figure.floor > 0
        assert figure.seconds > 0
        assert figure.target == 3.333
        assert "500 rows" in figure.detail
        assert "saved 500, refused 0" in figure.detail, figure.name
    assert CustomerActivity.objects.filter(external_id__startswith="BENCH-ACT-").count() == 500
    answers = SurveyResponse.objects.filter(external_id__startswith="BENCH-RESP-")
    assert answers.count() == 500
    assert answers.filter(customer__isnull=False).count() > 300  # most name their customer
    assert SurveyDay.objects.filter(survey__name="Bench import NPS").exists()
    assert Customer.objects.filter(external_reference__startswith="BENCH-IMP-").count() == 500
    assert "after the imports" in results.memory_mb


@pytest.mark.django_db
def test_the_imports_read_only_their_own_customers() -> None:
    """The rows the activity and answer imports refer to are the import's own customers: the
    synthetic organisation's (a million at 10m, also named BENCH-...) are not read with them."""
    Customer.objects.create(external_reference="BENCH-CUST-0000001", first_seen=date(2024, 1, 1))
    Customer.objects.create(external_reference="BENCH-IMP-000000001", first_seen=date(2024, 1, 1))

    customers = bench_customers()

    assert len(customers) == IMPORT_CUSTOMERS
    assert set(customers) == {f"BENCH-{number:06d}" for number in range(IMPORT_CUSTOMERS)}


def test_the_pages_reference_is_the_small_run_of_the_same_commit(tmp_path: Path) -> None:
    """A newer small run of another commit may count a page's queries differently: the run of
    the commit measured is the reference; without one, the newest of any commit."""
    for name, commit in [
        ("20261201T080000-small.json", "aaa1111"),
        ("20261202T080000-small.json", "aaa1111"),
        ("20261203T080000-small.json", "bbb2222"),
        ("20261203T090000-1m.json", "aaa1111"),
    ]:
        (tmp_path / name).write_text(json.dumps({"commit": commit, "measured_at": name[:15]}))

    same = bench.small_reference(tmp_path, commit="aaa1111")
    other = bench.small_reference(tmp_path, commit="ccc3333")

    assert same == {"commit": "aaa1111", "measured_at": "20261202T080000"}
    assert other == {"commit": "bbb2222", "measured_at": "20261203T080000"}
    assert bench.small_reference(tmp_path / "nothing-here", commit="aaa1111") is None


@pytest.mark.django_db(transaction=True)  # the worker processes read what the test wrote
def test_the_full_run_is_timed_on_one_and_two_worker_processes(
    require_postgres_and_redis, settings
) -> None:
    """A real Celery worker of one, then of two processes does the whole full run (every
    indicator ends with its snapshots, the run succeeds), the second is set against the first,
    and each pool process's peak memory is read."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    scale = replace(TINY, indicators=len(COMPUTATIONS))  # each computation once, by day
    bench.organisation_load(scale, bench.Results(scale=scale))
    results = bench.Results(scale=scale)

    # Another Redis database than this process's broker: the bench must publish to the one named.
    broker = require_postgres_and_redis.broker_url.rsplit("/", 1)[0] + "/14"
    bench.workers_bench(results, broker=broker, within=180)

    one, two = results.figures
    assert (one.name, two.name) == (
        "full recompute, 1 worker process",
        "full recompute, 2 worker processes",
    )
    assert one.seconds > 0
    assert two.floor == one.seconds
    assert one.detail.startswith("peak memory per process: ")
    assert len(one.detail.split(",")) == 1
    assert len(two.detail.split(",")) == 2
    runs = RecomputeRun.objects.filter(mode="full", trigger="command")
    assert list(runs.values_list("status", flat=True)) == ["succeeded", "succeeded"]
    # eNPS by day has no cell at this scale: fewer than 5 employees' answers a day (anonymity).
    without = Indicator.objects.filter(snapshots__isnull=True).values_list("computation", "grain")
    assert list(without) == [("enps", "day")]


def test_without_a_broker_the_worker_figure_is_noted_as_not_measured() -> None:
    """No Redis: the bench goes on and its table says what it left out."""
    results = bench.Results(scale=TINY)

    bench.workers_bench(results, broker="redis://127.0.0.1:1/0")

    assert results.figures == []
    assert results.notes == [
        "Not measured: the full run on worker processes (no Redis at redis://127.0.0.1:1/0; "
        "set BENCH_BROKER)."
    ]
