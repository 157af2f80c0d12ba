"""Time the survey list and one survey's results page over a large set of answers.

`python manage.py bench_pages --responses 1000000` loads the synthetic answers of `feedback.bench`
(COPY on PostgreSQL) into three bench surveys beside whatever the database holds (the demo, say),
then requests both pages through Django's test client as a quality manager: the server time of
each (median of --repeat requests after one warm-up) and its number of queries. The bench rows
are removed afterwards unless --keep is given; a later run reuses kept rows. `--responses 0`
times the pages over the data already there.
"""

from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse

from core.benchmarks import PageFailed, page_time
from core.roles import Role, sync_roles

from ...bench import bench_surveys, responses_ensure, responses_remove
from ...models import Survey, SurveyResponse

BENCH_USER = "bench-pages"


class Command(BaseCommand):
    help = "Time the survey list and results pages over --responses synthetic survey answers."

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
            self._bench(surveys, repeat)
        finally:
            if surveys and not keep:
                responses_remove(surveys=surveys)
            if not keep:
                User.objects.filter(username=BENCH_USER).delete()

    def _load(self, surveys: dict[str, Survey], count: int) -> None:
        self.stdout.write(responses_ensure(surveys=surveys, count=count))

    def _bench(self, surveys: dict[str, Survey], repeat: int) -> None:
        # The survey whose results are timed: the bench NPS survey, else the most answered one.
        survey = surveys.get("nps") or (
            Survey.objects.annotate(answers=Count("responses")).order_by("-answers", "pk").first()
        )
        if survey is None:
            raise CommandError("No survey to time: load the demo (manage.py demo) or --responses.")
        total = SurveyResponse.objects.count()
        answers = SurveyResponse.objects.filter(survey=survey).count()
        self.stdout.write(
            f"{Survey.objects.count()} surveys, {total:,} answers in all, {answers:,} in "
            f'"{survey.name}"; {connection.vendor}, median of {repeat} requests after one warm-up'
        )
        sync_roles()
        user, _created = User.objects.get_or_create(username=BENCH_USER)
        user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER.value))
        client = Client()
        client.force_login(user)
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for label, url in (
                ("survey list", reverse("feedback:survey-list")),
                ("survey results", survey.get_absolute_url()),
            ):
                self._time(client, label, url, repeat)

    def _time(self, client: Client, label: str, url: str, repeat: int) -> None:
        try:
            self.stdout.write(f"{label}: {page_time(client, url, repeat=repeat)}")
        except PageFailed as error:
            raise CommandError(str(error)) from error
