"""The bench's write figures: logging a complaint, and importing customer activity.

Complaints are logged as frontline staff and integrations log them, through the same live
gunicorn as the pages: the page's form (its CSRF token read from the form, the POST answered by
a redirect to the new complaint, not followed) and the API (a token, 201 Created). p50 and p95
are of `REPEAT` writes of each, after a few to warm up.

The customer-activity import reads a synthetic CSV through the importer, as an upload runs it
(every cell checked, per-row errors kept), and is set against its floor: a raw `COPY` of the same
rows into the activity table, committed, which checks nothing.
"""

import csv
import http.client
import json
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.models import User
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.imports import reading, selectors, services
from core.models import ImportJob
from stakeholders.models import Customer, CustomerActivity

REPEAT = 60
WARM_UP = 3
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTIVITY_COLUMNS = ["external_id", "customer_reference", "occurred_at", "kind", "amount"]
KINDS = ("purchase", "renewal", "referral", "cancellation")
IMPORT_CUSTOMERS = 10_000


@dataclass(frozen=True)
class WriteFigure:
    """One write's server time (seconds)."""

    name: str
    p50: float
    p95: float
    detail: str


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)


def _request(
    base: str, method: str, path: str, *, headers: dict[str, str], body: str | None = None
) -> tuple[int, dict[str, str], str, float]:
    """Send one request without following a redirect; return status, headers, body, seconds."""
    server = _connection(base)
    try:
        started = time.perf_counter()
        server.request(method, path, body=body, headers=headers)
        answer = server.getresponse()
        text = answer.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - started
        return answer.status, dict(answer.getheaders()), text, seconds
    finally:
        server.close()


def _percentiles(name: str, times: list[float], detail: str) -> WriteFigure:
    times = sorted(times)
    return WriteFigure(
        name=name,
        p50=statistics.median(times),
        p95=statistics.quantiles(times, n=20)[-1],
        detail=detail,
    )


def _page_log(base: str, cookie: str, number: int) -> float:
    """Log one complaint through the page's form; return the POST's seconds."""
    path = reverse("feedback:complaint-log")
    status, headers, text, _seconds = _request(
        base, "GET", path, headers={"Cookie": f"sessionid={cookie}"}
    )
    token = CSRF_FIELD.search(text)
    if status != 200 or token is None:
        raise RuntimeError(f"{path} answered {status} without its form")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    cookies = f"sessionid={cookie}" + (f"; csrftoken={csrf_cookie.group(1)}" if csrf_cookie else "")
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "description": f"Bench complaint {number}: the parcel came two days late.",
        "severity": "2",
        "channel": "phone",
    }
    status, headers, text, seconds = _request(
        base,
        "POST",
        path,
        headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(form),
    )
    if status != 302 or "/feedback/complaints/" not in headers.get("Location", ""):
        raise RuntimeError(f"Logging a complaint on {path} answered {status}: {text[:300]}")
    return seconds


def _api_log(base: str, token: str, number: int) -> float:
    """Log one complaint through the API; return the POST's seconds."""
    body = json.dumps(
        {
            "description": f"Bench complaint {number} from the contact centre's system.",
            "severity": 2,
            "channel": "phone",
        }
    )
    status, _headers, text, seconds = _request(
        base,
        "POST",
        "/api/v1/complaints/",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        body=body,
    )
    if status != 201:
        raise RuntimeError(f"Logging a complaint through the API answered {status}: {text[:300]}")
    return seconds


def complaint_logging(
    base: str, cookie: str, user: User, *, repeat: int = REPEAT
) -> list[WriteFigure]:
    """Time logging a complaint through the page and through the API (p50 / p95)."""
    token = Token.objects.get_or_create(user=user)[0].key
    page = [_page_log(base, cookie, number) for number in range(WARM_UP + repeat)]
    api = [_api_log(base, token, number) for number in range(WARM_UP + repeat)]
    return [
        _percentiles("log a complaint: page", page[WARM_UP:], "POST of the form, to its redirect"),
        _percentiles("log a complaint: API", api[WARM_UP:], "POST /api/v1/complaints/, 201"),
    ]


# The import against COPY -----------------------------------------------------------------------


def _activity_csv(path: Path, rows: int) -> None:
    """Write `rows` synthetic activity rows for the bench's customers (deterministic)."""
    source = random.Random(rows)  # noqa: S311 - synthetic data
    start = datetime(2025, 1, 1, 8)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACTIVITY_COLUMNS)
        for number in range(rows):
            writer.writerow(
                [
                    f"BENCH-ACT-{number:09d}",
                    f"BENCH-{source.randrange(IMPORT_CUSTOMERS):06d}",
                    (start + timedelta(minutes=number % 500_000)).isoformat(),
                    source.choice(KINDS),
                    f"{source.uniform(5, 500):.2f}",
                ]
            )


def _customers_ensure() -> dict[str, int]:
    Customer.objects.bulk_create(
        [
            Customer(external_reference=f"BENCH-{number:06d}", first_seen=date(2024, 1, 1))
            for number in range(IMPORT_CUSTOMERS)
        ],
        ignore_conflicts=True,
        batch_size=5_000,
    )
    return dict(
        Customer.objects.filter(external_reference__startswith="BENCH-").values_list(
            "external_reference", "id"
        )
    )


def _import(path: Path, user: User) -> tuple[float, ImportJob]:
    with path.open("rb") as handle:
        upload = File(handle, name=path.name)
        upload.size = path.stat().st_size
        job = services.import_job_create(
            created_by=user,
            importer_key="customer_activity",
            file=upload,  # type: ignore[arg-type]
        )
    headers = selectors.import_job_preview(job).headers
    mapping = reading.suggested_mapping(ACTIVITY_COLUMNS, headers)
    services.import_job_start(job=job, mapping=mapping, enqueue=False)
    started = time.perf_counter()
    finished = services.import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    if finished is None or finished.status != ImportJob.Status.DONE:
        raise RuntimeError(f"The bench import did not finish: {finished and finished.failure}")
    return seconds, finished


def _copy_floor(path: Path, customers: dict[str, int]) -> float:
    """COPY the file's rows (customer reference looked up, as the importer does) into the
    activity table itself and commit, as the database's own cost of storing them: the same
    indexes, foreign key, write-ahead log and commit as the import pays. Return the seconds.

    The rows are deleted again (untimed) and the table vacuumed, so that the import starts
    from the same table. (A temporary table, rolled back, with no write-ahead log and no
    foreign-key check, took about half the time.)
    """
    table = CustomerActivity._meta.db_table
    _bench_activity_delete()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            raw: Any = cursor.cursor
            with raw.copy(
                f"COPY {table} (external_id, customer_id, occurred_at, kind, amount) FROM STDIN"
            ) as copy:
                for external_id, reference, occurred_at, kind, amount in reader:
                    copy.write_row((external_id, customers[reference], occurred_at, kind, amount))
        seconds = time.perf_counter() - started
    _bench_activity_delete()
    return seconds


def _bench_activity_delete() -> None:
    """Delete the bench's activity rows (a floor's, an earlier run's) and vacuum the table (not
    possible inside a transaction, as in a test).

    In SQL: the ORM's delete() would load the rows first (100,000 of them: 70 MB), and they are
    the bench's own, logged for no recompute.
    """
    table = CustomerActivity._meta.db_table
    with connection.cursor() as cursor:
        delete = f"DELETE FROM {table} WHERE external_id LIKE %s"  # noqa: S608 - the model's table
        cursor.execute(delete, ["BENCH-ACT-%"])
        if not connection.in_atomic_block:
            cursor.execute(f"VACUUM {table}")


def import_against_copy(user: User, *, rows: int) -> tuple[float, float, str]:
    """Import `rows` activity rows through the importer, and COPY them; return the importer's
    seconds, the COPY's, and what was imported, in words."""
    customers = _customers_ensure()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-activity.csv"
        _activity_csv(path, rows)
        floor = _copy_floor(path, customers)
        seconds, job = _import(path, user)
    detail = (
        f"{rows:,} rows, {rows / seconds:,.0f} rows/s (saved {job.created_rows:,}, refused "
        f"{job.error_rows:,}); raw COPY into the table: {rows / floor:,.0f} rows/s"
    )
    return seconds, floor, detail
