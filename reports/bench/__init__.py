"""The whole-product benchmark behind `make bench` and `manage.py bench --scale small|1m|10m`.

It fills an empty PostgreSQL database with a synthetic organisation at the chosen scale (COPY,
deterministic: answers, customers and their activity, complaints, indicators over every
computation they feed), measures each figure against its floor (what the database itself needs
for the same work) and writes one JSON file of results under `bench/results/`, with the
machine, the commit and the scale, then prints a table of each figure, its floor and the ratio.

Measured: the full recompute against its SQL floor (with a check that both give the same
numbers); an incremental run after 1 % new answers, activities and complaints (a quiet night),
then one after another 1 % new and 0.1 % of each corrected, as a share of a full run (with a
check that its snapshots equal a full recompute's); every list and dashboard page (`pages`) and
logging a complaint through the page and the API (`writes`), through one live gunicorn; the
same full recompute on a Celery worker of one and of two processes, with each process's peak
memory (`workers`, on the Redis at BENCH_BROKER); the customer-activity, survey-answer and
customer imports, each against a raw COPY of the same rows (`imports`); this process's peak
memory after each part (the recompute and the importer run in it).
"""

import json
import os
import platform
import resource
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.bench import (
    DAYS,
    bench_surveys,
    complaints_edit_spread,
    complaints_load,
    responses_add_recent,
    responses_edit_spread,
    responses_load,
)
from feedback.models import SurveyResponse
from journeys.models import Journey
from journeys.services import journey_create
from metrics import bench as metrics_bench
from metrics.models import Indicator, RecomputeRun
from stakeholders.bench import (
    activities_add_recent,
    activities_edit_spread,
    bench_customers,
    customers_load,
)
from stakeholders.models import CustomerActivity

from .partitioning import is_partitioned, partition_by_month

if TYPE_CHECKING:
    from .pages import PageFigure

RESULTS = Path(settings.BASE_DIR) / "bench" / "results"
# The Redis the worker figure uses (a database of its own: the bench empties its queue).
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/14")
JOURNEYS = ("Buy online", "Get support", "Renew contract")


@dataclass(frozen=True)
class Scale:
    """How big the synthetic organisation is."""

    name: str
    responses: int
    indicators: int
    customers: int = 0
    activities: int = 0
    complaints: int = 0
    import_rows: int = 20_000


SCALES = {
    scale.name: scale
    for scale in (
        # 60: the dashboard's first page (50 rows) is as full at every scale.
        Scale(
            "small",
            responses=50_000,
            indicators=60,
            customers=5_000,
            activities=50_000,
            complaints=1_000,
        ),
        Scale(
            "1m",
            responses=1_000_000,
            indicators=300,
            customers=100_000,
            activities=1_000_000,
            complaints=20_000,
            import_rows=100_000,
        ),
        Scale(
            "10m",
            responses=10_000_000,
            indicators=300,
            customers=1_000_000,
            activities=10_000_000,
            complaints=200_000,
            import_rows=100_000,
        ),
    )
}
NEW_SHARE = 0.01  # the incremental run follows 1 % new answers...
EDIT_EVERY = 1_000  # ...and one row in a thousand (0.1 %) corrected across the history
RECENT_DAYS = 7  # the new rows fall in the last week


@dataclass
class Figure:
    """One measured figure, its floor and target (a ratio to the floor or to another figure)."""

    name: str
    seconds: float
    detail: str = ""
    floor: float | None = None
    floor_name: str = ""
    target: float | None = None
    queries: int | None = None  # a page's SQL queries

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor if self.floor else None

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None or self.target is None else ratio <= self.target


@dataclass
class Results:
    """Everything one bench run measured."""

    scale: Scale
    figures: list[Figure] = field(default_factory=list)
    checks: dict[str, list[str]] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)  # peak so far, after each part
    # The code measured: the commit when the run began (a later one may land while it runs).
    commit: str = field(default_factory=lambda: _commit())
    notes: list[str] = field(default_factory=list)  # what was not measured, and why


class BenchRefused(Exception):
    """The database at hand is not one the bench may fill."""


def database_check(*, loaded: bool = False) -> bool:
    """Refuse anything but an empty PostgreSQL database (the bench fills it with its rows), or,
    when `loaded` may be, one an earlier bench run filled and left unpartitioned; return whether
    it is loaded."""
    if connection.vendor != "postgresql":
        raise BenchRefused(
            "The bench measures PostgreSQL: set DATABASE_URL to an empty database "
            "(make bench creates one)."
        )
    if Indicator.objects.exclude(code__startswith=metrics_bench.PREFIX).exists():
        raise BenchRefused(
            "This database holds indicators of its own: run the bench on an empty database "
            "(make bench creates one), never on one in use."
        )
    if not Indicator.objects.exists():
        return False
    if not loaded:
        raise BenchRefused("This database holds an earlier bench run: start from a new one.")
    if is_partitioned(SurveyResponse):
        raise BenchRefused("This database's tables are partitioned already: start from a new one.")
    return True


def _step(results: Results, name: str, started: float) -> None:
    results.steps[name] = round(time.perf_counter() - started, 3)


def organisation_load(scale: Scale, results: Results) -> None:
    """Load the synthetic organisation: journeys, surveys and answers, customers and their
    activity, complaints, and indicators over every computation."""
    from .pages import bench_user

    started = time.perf_counter()
    journeys = [
        Journey.objects.filter(name=name).first() or journey_create(name=name, status="active")
        for name in JOURNEYS
    ]
    surveys = bench_surveys()
    responses_load(surveys=surveys, count=scale.responses, journeys=journeys)
    _step(results, f"load {scale.responses:,} answers", started)
    started = time.perf_counter()
    history_start = timezone.now() - timedelta(days=DAYS)
    customers = customers_load(
        customers=scale.customers, activities=scale.activities, start=history_start, days=DAYS
    )
    _step(results, f"load {scale.customers:,} customers, {scale.activities:,} activities", started)
    started = time.perf_counter()
    complaints_load(
        count=scale.complaints,
        journeys=journeys,
        customers=customers,
        logged_by=bench_user().pk,
        start=history_start,
    )
    _step(results, f"load {scale.complaints:,} complaints", started)
    started = time.perf_counter()
    metrics_bench.bench_indicators_create(count=scale.indicators, journeys=journeys)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as an operator would after a bulk load
    _step(results, f"create {scale.indicators} indicators", started)
    _memory(results, "after loading")


def recompute_bench(scale: Scale, results: Results) -> None:
    """Time the full recompute against its SQL floor, then an incremental run after new and
    edited answers, activities and complaints as a share of the full run; check the numbers
    each time."""
    indicators = metrics_bench.bench_indicators()
    metrics_bench.warm_up()
    full = metrics_bench.recompute_time(RecomputeRun.Mode.FULL)
    floor_seconds, floor = metrics_bench.floor_values(indicators)
    results.checks["full recompute equals its SQL floor"] = metrics_bench.differences(
        floor, metrics_bench.snapshot_values(indicators)
    )
    results.figures.append(
        Figure(
            "full recompute",
            full.seconds,
            full.detail,
            floor=floor_seconds,
            floor_name=f"{len(indicators)} hand-written GROUP BY queries",
            target=1.5,
        )
    )
    # A night without late edits first: only the last week's periods are due.
    _add_recent(scale)
    nightly = metrics_bench.recompute_time(RecomputeRun.Mode.INCREMENTAL)
    results.figures.append(
        Figure(
            "incremental recompute (1 % new only)",
            nightly.seconds,
            nightly.detail,
            floor=full.seconds,
            floor_name="the first full recompute",
        )
    )
    started = time.perf_counter()
    _add_recent(scale)
    edited = responses_edit_spread(surveys=bench_surveys(), every=EDIT_EVERY)
    edited += activities_edit_spread(customers=bench_customers(), every=EDIT_EVERY)
    edited += complaints_edit_spread(every=EDIT_EVERY)
    _step(results, f"add 1 % new rows, edit {edited:,} across the history", started)
    incremental = metrics_bench.recompute_time(RecomputeRun.Mode.INCREMENTAL)
    after_incremental = metrics_bench.snapshot_values(indicators)
    full_again = metrics_bench.recompute_time(RecomputeRun.Mode.FULL)
    results.checks["incremental run equals a full recompute"] = metrics_bench.differences(
        metrics_bench.snapshot_values(indicators), after_incremental
    )
    results.figures.append(
        Figure(
            "incremental recompute (1 % new, 0.1 % edited)",
            incremental.seconds,
            incremental.detail,
            floor=full_again.seconds,
            floor_name="the full recompute of the same data",
            target=0.05,
        )
    )
    _memory(results, "after the recompute runs")


def _add_recent(scale: Scale) -> None:
    """Load 1 % new answers, activities and complaints over the last week, as a night's
    imports would."""
    from .pages import bench_user

    journeys = list(Journey.objects.filter(name__in=JOURNEYS).order_by("pk"))
    responses_add_recent(
        surveys=bench_surveys(),
        count=max(1, int(scale.responses * NEW_SHARE)),
        journeys=journeys,
    )
    customers = bench_customers()
    if customers:
        activities_add_recent(count=max(1, int(scale.activities * NEW_SHARE)), customers=customers)
    recent = timezone.now() - timedelta(days=RECENT_DAYS + 1)
    complaints_load(
        count=int(scale.complaints * NEW_SHARE),
        journeys=journeys,
        customers=customers,
        logged_by=bench_user().pk,
        start=recent,
        days=RECENT_DAYS,
    )


PAGE_PREFIX = "page p95: "


def small_reference(folder: Path = RESULTS, *, commit: str = "") -> dict[str, Any] | None:
    """Return the pages' reference: the newest small-scale results in `folder` measured on
    `commit`, else the newest of any commit (None without any).

    A page's queries may change between commits, so a reference from another commit can flag a
    query count that the code measured does not have at the small scale."""
    documents = [json.loads(path.read_text()) for path in sorted(folder.glob("*-small.json"))]
    same_commit = [document for document in documents if document.get("commit") == commit]
    return (same_commit or documents or [None])[-1]


def served_bench(
    results: Results, *, reference: dict[str, Any] | None, repeat: int | None = None
) -> None:
    """Through one live gunicorn: time every list and dashboard page (at a large scale against
    the same page at the small scale, `reference`, which must also have the same query count),
    then logging a complaint through the page and the API."""
    # gunicorn, http.client and urllib only when pages are measured
    from .pages import bench_user, gunicorn_serving, pages_measure, session_key
    from .writes import complaint_logging

    started = time.perf_counter()
    small = {
        figure["name"]: figure
        for figure in (reference or {}).get("figures", [])
        if figure["name"].startswith(PAGE_PREFIX)
    }
    times = {"repeat": repeat} if repeat else {}
    user = bench_user()
    cookie = session_key(user)
    with gunicorn_serving() as base:
        pages = pages_measure(base, cookie, user, **times)
        _step(results, "pages through gunicorn", started)
        started = time.perf_counter()
        writes = complaint_logging(base, cookie, user, **times)
        _step(results, "complaints logged through gunicorn", started)
    earlier = {
        name.removeprefix(PAGE_PREFIX): (figure["seconds"], figure["queries"])
        for name, figure in small.items()
        if results.scale.name != "small"
    }
    problems = _page_figures(results, pages, earlier, floor_name="p95 at the small scale")
    if small and results.scale.name != "small":
        results.checks["pages keep the small scale's query counts"] = problems
    for write in writes:
        results.figures.append(
            Figure(
                f"{write.name}, p95",
                write.p95,
                f"{write.detail}: p50 {1000 * write.p50:.0f} ms",
                floor_name="none (a figure to watch)",
            )
        )
    _memory(results, "after the pages and complaint logging (this process)")


PARTITIONED_PREFIX = "partitioned by month, "


def partitioned_bench(results: Results, *, pages: bool = True, repeat: int | None = None) -> None:
    """Time a full recompute and the pages on the tables as they are, partition the answers and
    the customer activity by month (`partitioning`), then time the same again: same data, one
    after the other. Check that both recomputes leave the same snapshots and each page keeps
    its queries."""
    indicators = metrics_bench.bench_indicators()
    flat_full = metrics_bench.recompute_time(RecomputeRun.Mode.FULL)
    before = metrics_bench.snapshot_values(indicators)
    flat_pages = _pages_timed(results, "pages through gunicorn, before partitioning", repeat)
    started = time.perf_counter()
    converted = [
        partition_by_month(SurveyResponse, "responded_at"),
        partition_by_month(CustomerActivity, "occurred_at"),
    ]
    _step(results, "partition the answers and the activity by month", started)
    for table in converted:
        results.notes.append(
            f"Partitioned {table.table} by month of {table.column}: {table.rows:,} rows into "
            f"{table.partitions} partitions and a default one in {table.seconds:.1f} s; "
            f"unique only with the moment: {', '.join(table.unique_with_moment) or 'none'}; "
            f"foreign keys to it dropped: {', '.join(table.foreign_keys_dropped) or 'none'}."
        )
    full = metrics_bench.recompute_time(RecomputeRun.Mode.FULL)
    results.checks["the partitioned tables' full recompute equals the one before"] = (
        metrics_bench.differences(before, metrics_bench.snapshot_values(indicators))
    )
    results.figures.append(
        Figure(
            PARTITIONED_PREFIX + "full recompute",
            full.seconds,
            full.detail,
            floor=flat_full.seconds,
            floor_name="the same full recompute just before partitioning",
            # No slower, give or take 5 %: two flat runs differed by 4 % at 1m, but by 17 % at
            # 10m on a busier day (docs/scaling.md, step 3).
            target=1.05,
        )
    )
    if pages:
        partitioned = _pages_timed(results, "pages through gunicorn, partitioned", repeat)
        flat = {page.name: (page.p95, page.queries) for page in flat_pages}
        results.checks["partitioned pages keep their query counts"] = _page_figures(
            results,
            partitioned,
            flat,
            floor_name="p95 just before partitioning",
            prefix=PARTITIONED_PREFIX,
        )
    _memory(results, "after partitioning")


def _page_figures(
    results: Results,
    pages: list["PageFigure"],
    earlier: dict[str, tuple[float, int]],
    *,
    floor_name: str,
    prefix: str = "",
) -> list[str]:
    """Add each page's p95 figure, set against its earlier p95 (seconds, queries) when there is
    one (target 1.2x); return the pages whose query count differs from the earlier one's."""
    problems = []
    for page in pages:
        seconds, queries = earlier.get(page.name, (None, None))
        results.figures.append(
            Figure(
                prefix + PAGE_PREFIX + page.name,
                page.p95,
                f"{page.path}: p50 {1000 * page.p50:.0f} ms, {page.queries} queries",
                floor=seconds,
                floor_name=f"{floor_name} ({queries} queries)" if seconds is not None else "",
                target=1.2 if seconds is not None else None,
                queries=page.queries,
            )
        )
        if seconds is not None and queries != page.queries:
            problems.append(f"{page.name}: {page.queries} queries against {queries}")
    return problems


def _pages_timed(results: Results, step: str, repeat: int | None) -> list["PageFigure"]:
    """Time the bench's pages through a live gunicorn (`pages.pages_measure`)."""
    from .pages import bench_user, gunicorn_serving, pages_measure, session_key

    user = bench_user()
    started = time.perf_counter()
    with gunicorn_serving() as base:
        timed = pages_measure(
            base, session_key(user), user, **({"repeat": repeat} if repeat else {})
        )
    _step(results, step, started)
    return timed


def workers_bench(results: Results, *, broker: str = BROKER, within: float = 3_600) -> None:
    """Time the same full recompute on a worker of one and of two processes (the fan-out), with
    each process's peak memory; noted as not measured when no Redis answers at `broker`."""
    from .workers import broker_reachable, full_run_on_workers

    if not broker_reachable(broker):
        results.notes.append(
            f"Not measured: the full run on worker processes (no Redis at {broker}; "
            "set BENCH_BROKER)."
        )
        return
    started = time.perf_counter()
    one = full_run_on_workers(1, broker, within=within)
    two = full_run_on_workers(2, broker, within=within)
    for run in (one, two):
        processes = "1 worker process" if run is one else f"{run.processes} worker processes"
        results.figures.append(
            Figure(
                f"full recompute, {processes}",
                run.seconds,
                f"peak memory per process: {', '.join(f'{peak:.0f}' for peak in run.peak_mb)} MB",
                floor=one.seconds if run is two else None,
                floor_name="the same run on 1 worker process" if run is two else "",
            )
        )
    _step(results, "full recompute on 1 and 2 worker processes", started)


def import_bench(results: Results) -> None:
    """Import customer activity, survey answers and customers, each through its importer
    against a raw COPY of the same rows."""
    from .imports import imports_against_copy
    from .pages import bench_user

    started = time.perf_counter()
    for figure in imports_against_copy(bench_user(), rows=results.scale.import_rows):
        results.figures.append(
            Figure(
                figure.name,
                figure.seconds,
                figure.detail,
                floor=figure.floor,
                floor_name="the same rows by COPY",
                # A rate at least 0.3 times COPY's is a time at most 1 / 0.3 times COPY's.
                target=round(1 / 0.3, 3),
            )
        )
    _step(results, "imports against COPY", started)
    _memory(results, "after the imports")


def _memory(results: Results, moment: str) -> None:
    """Record the process's peak memory so far (the recompute and the importer run in it)."""
    results.memory_mb[moment] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _commit() -> str:
    """Return the checkout's commit, with "+changes" when files differ from it."""
    try:
        commit = subprocess.run(  # only git, with fixed arguments
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+changes" if changed else commit


def results_document(results: Results) -> dict[str, Any]:
    """Return the JSON document of a run: machine, commit, scale, figures, checks, steps."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()
    return {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "commit": results.commit,
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
            "postgresql": server[0] if server else "",
        },
        "scale": asdict(results.scale),
        "figures": [
            {**asdict(figure), "ratio": figure.ratio, "met": figure.met}
            for figure in results.figures
        ],
        "checks": {
            name: {"ok": not problems, "problems": problems}
            for name, problems in results.checks.items()
        },
        "steps_seconds": results.steps,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_memory_mb_after": results.memory_mb,
        "notes": results.notes,
    }


def results_write(document: dict[str, Any], folder: Path = RESULTS) -> Path:
    """Write the run's JSON under `folder`, named by its time and scale; return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = document["measured_at"].replace(":", "").replace("-", "")[:15]
    path = folder / f"{stamp}-{document['scale']['name']}.json"
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


def results_table(document: dict[str, Any]) -> str:
    """Return the printed table: each figure, its floor, the ratio and its target."""
    lines = [
        f"{'figure':<48} {'seconds':>9} {'floor s':>9} {'ratio':>7} {'target':>7}  met",
    ]
    for figure in document["figures"]:
        ratio, target = figure["ratio"], figure["target"]
        met = {True: "yes", False: "NO", None: "-"}[figure["met"]]
        lines.append(
            f"{figure['name']:<48} {figure['seconds']:>9.2f} "
            f"{figure['floor'] if figure['floor'] is not None else float('nan'):>9.2f} "
            f"{ratio if ratio is not None else float('nan'):>7.3f} "
            f"{target if target is not None else float('nan'):>7.3f}  {met}"
        )
        lines.append(f"    {figure['detail']}; floor: {figure['floor_name']}")
    lines.extend(document.get("notes", []))
    for name, check in document["checks"].items():
        lines.append(f"check: {name}: {'ok' if check['ok'] else 'FAILED'}")
        lines.extend(f"    {problem}" for problem in check["problems"])
    return "\n".join(lines)
