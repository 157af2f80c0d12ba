"""Time the system-health dashboard, a scorecard and indicator pages over many survey answers.

`python manage.py bench_dashboards --responses 1000000` loads the synthetic answers of
`feedback.bench` (COPY on PostgreSQL) beside whatever the database holds (the demo, say), brings
the snapshots up to date with an incremental recompute (the nightly job's work, untimed here: see
`make bench`) and refreshes the scorecards, then requests each page through Django's test
client as a quality manager: the server time (median of --repeat requests after one warm-up) and
the number of queries. `--responses 0` times the pages over the data already there, which gives
the demo-size figures to compare with. The bench rows are removed afterwards unless --keep is
given; a later run reuses kept rows.
"""

import time
from typing import Any

from celery import current_app
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from core.benchmarks import PageFailed, page_time
from core.roles import Role, sync_roles
from feedback.bench import bench_surveys, responses_ensure, responses_remove
from feedback.models import SurveyResponse
from metrics.models import Indicator, RecomputeRun
from metrics.recompute import recompute_start
from stakeholders.models import Partner

from ...services.scorecards import scorecards_refresh

BENCH_USER = "bench-dashboards"
# The indicator pages timed: the demo's monthly NPS (which the bench answers feed) and its
# weekly complaints, when they exist; else the first indicator.
INDICATOR_CODES = ("nps", "complaints")


class Command(BaseCommand):
    help = "Time the dashboard, scorecard and indicator pages over --responses survey answers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--responses", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page.")
        parser.add_argument("--keep", action="store_true", help="Keep the bench rows.")

    def handle(self, *args: Any, responses: int, repeat: int, keep: bool, **options: Any) -> None:
        surveys = bench_surveys() if responses else {}
        try:
            if surveys:
                self._load(surveys, responses)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # plan for the rows just loaded, as after an import
            self._bench(repeat)
        finally:
            if surveys and not keep:
                responses_remove(surveys=surveys)
            if not keep:
                User.objects.filter(username=BENCH_USER).delete()

    def _load(self, surveys: dict[str, Any], count: int) -> None:
        self.stdout.write(responses_ensure(surveys=surveys, count=count))
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True  # the recompute's work, in this process
        try:
            started = time.perf_counter()
            recompute_start(
                mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.COMMAND
            )
            scorecards_refresh()
        finally:
            current_app.conf.task_always_eager = eager
        self.stdout.write(
            f"snapshots and scorecards brought up to date in {time.perf_counter() - started:.1f} s"
        )

    def _pages(self) -> list[tuple[str, str]]:
        pages = [
            ("system-health dashboard", reverse("reports:dashboard")),
            ("scorecard comparison", reverse("reports:scorecard-list")),
        ]
        partner = Partner.objects.filter(name="SwiftParcel").first() or Partner.objects.first()
        if partner is not None:
            pages.append(
                (
                    f"scorecard of {partner.name}",
                    reverse("reports:scorecard-detail", args=[partner.pk]),
                )
            )
        indicators = list(Indicator.objects.filter(code__in=INDICATOR_CODES)) or list(
            Indicator.objects.order_by("pk")[:1]
        )
        for indicator in indicators:
            pages.append(
                (f"indicator {indicator.code} ({indicator.grain})", indicator.get_absolute_url())
            )
        return pages

    def _bench(self, repeat: int) -> None:
        self.stdout.write(
            f"{SurveyResponse.objects.count():,} survey answers; {connection.vendor}, "
            f"median of {repeat} requests after one warm-up"
        )
        sync_roles()
        user, _created = User.objects.get_or_create(username=BENCH_USER)
        user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER.value))
        client = Client()
        client.force_login(user)
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for label, url in self._pages():
                try:
                    self.stdout.write(f"{label}: {page_time(client, url, repeat=repeat)}")
                except PageFailed as error:
                    raise CommandError(str(error)) from error
