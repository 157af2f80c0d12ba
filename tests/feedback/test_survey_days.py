"""The survey pages read day counts (SurveyDay): exact after every write, flat in cost.

The counts must equal the answers after answers, re-answers, imports and deletions; the pages
must show what they showed when they counted every answer; and their queries must neither grow
in number nor read the answers beyond one bounded page of comments.
"""

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Avg, Count, Q
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.imports.registry import ORIGIN_FILE
from feedback import selectors, services
from feedback.bench import responses_insert
from feedback.importers import SurveyResponseImporter
from feedback.models import Survey, SurveyResponse
from stakeholders.models import Department
from tests.feedback.day_counts import answered_days, counted_days
from tests.feedback.factories import InvitationFactory, SurveyFactory
from tests.stakeholders.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

KINDS = (Survey.Kind.NPS, Survey.Kind.CSAT, Survey.Kind.CES, Survey.Kind.ENPS)


# The results as the pages computed them before the day counts, from every answer --------------


def _counted(answers: Any) -> dict[str, Any]:
    return answers.aggregate(
        answers=Count("id"),
        average=Avg("score"),
        nps_good=Count("id", filter=Q(score__gte=9)),
        nps_bad=Count("id", filter=Q(score__lte=6)),
        csat_good=Count("id", filter=Q(score__gte=4)),
        ces_good=Count("id", filter=Q(score__gte=5)),
    )


def results_from_answers(survey: Survey) -> dict[str, Any]:
    """Return headline, distribution, shares and eNPS groups counted from the answers."""
    answers = SurveyResponse.objects.filter(survey=survey)
    overall = selectors.headline(survey.kind, _counted(answers))
    results: dict[str, Any] = {"headline": overall}
    if overall.hidden or not overall.answers:
        return results
    per_score = dict(answers.values_list("score").annotate(n=Count("id")).values_list("score", "n"))
    low, high = survey.scale
    results["distribution"] = [
        (score, per_score.get(score, 0), round(100 * per_score.get(score, 0) / overall.answers))
        for score in range(low, high + 1)
    ]
    good, bad = {
        Survey.Kind.NPS: (Q(score__gte=9), Q(score__lte=6)),
        Survey.Kind.ENPS: (Q(score__gte=9), Q(score__lte=6)),
        Survey.Kind.CSAT: (Q(score__gte=4), Q(score__lte=2)),
        Survey.Kind.CES: (Q(score__gte=5), Q(score__lte=3)),
    }[Survey.Kind(survey.kind)]
    split = answers.aggregate(good=Count("id", filter=good), bad=Count("id", filter=bad))
    middle = overall.answers - split["good"] - split["bad"]
    results["shares"] = [
        round(100 * count / overall.answers) for count in (split["good"], middle, split["bad"])
    ]
    departments = {
        name: selectors.headline(Survey.Kind.ENPS, _counted(answers.filter(department__name=name)))
        for name in answers.values_list("department__name", flat=True).distinct()
        if name
    }
    results["department answers"] = {name: group.answers for name, group in departments.items()}
    results["department scores"] = {name: group.score for name, group in departments.items()}
    return results


def assert_pages_read_what_the_answers_say(surveys: list[Survey]) -> None:
    assert counted_days() == answered_days()
    headlines = selectors.survey_headlines(surveys)
    for survey in surveys:
        expected = results_from_answers(survey)
        results = selectors.survey_results(survey)
        assert results.headline == expected["headline"], survey.kind
        assert headlines[survey.pk] == expected["headline"], survey.kind
        if "distribution" not in expected:
            assert not results.distribution
            continue
        assert results.distribution == expected["distribution"]
        assert [percent for _name, _count, percent in results.shares] == expected["shares"]
        for name, group in results.groups:
            if name != selectors.OTHER_DEPARTMENTS:
                assert group.answers == expected["department answers"][name]
                assert group.score == expected["department scores"][name]
        named = sum(group.answers for _name, group in results.groups)
        assert named in (0, results.headline.answers)


# Every write keeps the counts exact ------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Return the current time as a one-item list the test moves forward."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


def _answer(rng: random.Random, survey: Survey, now: datetime, departments: list[Any]) -> None:
    low, high = survey.scale
    services.survey_respond(
        survey=survey,
        score=rng.randint(low, high),
        comment=rng.choice(["", "", "Quick and friendly"]),
        department=rng.choice([*departments, None]),
        channel=SurveyResponse.Channel.API,
        responded_at=now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1440)),
    )


def _import(rng: random.Random, survey: Survey, now: datetime, number: int) -> None:
    low, high = survey.scale
    rows = [
        {
            "survey": survey.name,
            "external_id": f"crm-{number}-{row}",
            "responded_at": (now - timedelta(days=rng.randint(1, 60), hours=row)).isoformat(),
            "score": str(rng.randint(low, high)),
        }
        for row in range(rng.randint(5, 25))
    ]
    result = SurveyResponseImporter().import_rows(rows, user=None, origin=ORIGIN_FILE)
    assert result.created == len(rows), result.errors


def _re_answer(rng: random.Random, survey: Survey, clock: list[datetime]) -> None:
    invitation = InvitationFactory.create(survey=survey)
    services.invitation_respond(invitation=invitation, score=rng.randint(0, 10))
    clock[0] += timedelta(days=rng.randint(1, 3))  # answering again days later moves the answer
    services.invitation_respond(invitation=invitation, score=rng.randint(0, 10))


def _delete_in_admin(rng: random.Random, admin_user: Any) -> None:
    model_admin = admin.site._registry[SurveyResponse]
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    chosen = rng.sample(list(SurveyResponse.objects.values_list("pk", flat=True)), k=3)
    model_admin.delete_model(request, SurveyResponse.objects.get(pk=chosen[0]))
    model_admin.delete_queryset(request, SurveyResponse.objects.filter(pk__in=chosen[1:]))


@pytest.mark.parametrize("seed", [1, 2])
def test_day_counts_equal_the_answers_after_answers_re_answers_imports_and_deletions(
    seed: int, clock: list[datetime], make_user: Callable[..., Any]
) -> None:
    rng = random.Random(seed)
    surveys = [SurveyFactory.create(kind=kind) for kind in KINDS]
    clock[0] += timedelta(minutes=1)  # the surveys are open from their creation on
    departments = [DepartmentFactory.create() for _number in range(3)]
    administrator = make_user("administrator")

    for step in range(150):
        action = rng.choices(["answer", "import", "re-answer", "delete"], [70, 8, 12, 10])[0]
        if action == "answer":
            _answer(rng, rng.choice(surveys), clock[0], departments)
        elif action == "import":
            _import(rng, rng.choice(surveys[:3]), clock[0], step)
        elif action == "re-answer":
            _re_answer(rng, surveys[0], clock)
        elif SurveyResponse.objects.count() >= 3:
            _delete_in_admin(rng, administrator)
        if step % 50 == 49:
            assert_pages_read_what_the_answers_say(surveys)

    assert SurveyResponse.objects.count() > 150
    assert_pages_read_what_the_answers_say(surveys)


def test_deleting_a_department_keeps_the_counts_of_its_answers(clock: list[datetime]) -> None:
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS)
    clock[0] += timedelta(minutes=1)
    departments = [DepartmentFactory.create() for _number in range(2)]
    for number in range(12):
        services.survey_respond(
            survey=pulse,
            score=number % 11,
            department=departments[number % 2],
            channel=SurveyResponse.Channel.API,
        )

    Department.objects.filter(pk=departments[0].pk).delete()

    assert counted_days() == answered_days()
    assert_pages_read_what_the_answers_say([pulse])


def test_rebuild_restores_counts_that_were_lost(clock: list[datetime]) -> None:
    survey = SurveyFactory.create(kind=Survey.Kind.NPS)
    clock[0] += timedelta(minutes=1)
    for score in (10, 9, 3):
        services.survey_respond(survey=survey, score=score)
    survey.days.all().delete()

    written = services.survey_days_rebuild()

    assert written == 1
    assert counted_days() == answered_days()


# What the pages cost ---------------------------------------------------------------------------


def _load(survey: Survey, count: int, *, departments: list[Department] | None = None) -> None:
    """Bulk-load answers (one in two with a comment) the way the importers and demo do."""
    low, high = survey.scale
    start = timezone.now() - timedelta(days=90)
    rows = (
        (
            survey.pk,
            None,
            low + number % (high - low + 1),
            start + timedelta(hours=2 * number),
            "Bench comment" if number % 2 else "",
        )
        for number in range(count)
    )
    responses_insert(rows=rows)
    if departments:
        answers = list(SurveyResponse.objects.filter(survey=survey).values_list("pk", flat=True))
        for number, department in enumerate(departments):
            SurveyResponse.objects.filter(pk__in=answers[number :: len(departments)]).update(
                department=department
            )
    services.survey_days_rebuild()


def page_queries(client: Client, url: str) -> list[dict[str, str]]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return list(queries.captured_queries)


@pytest.fixture
def small_and_large(
    client_for: Callable[[str | None], Client],
) -> Callable[[int, int], dict[str, int]]:
    """Return a function giving the query counts of the list and results pages for a number of
    surveys and of answers to each of the NPS survey and the eNPS pulse."""
    client = client_for("quality_manager")
    departments = [DepartmentFactory.create() for _number in range(3)]

    def measure(surveys: int, answers: int) -> dict[str, int]:
        SurveyResponse.objects.all().delete()
        Survey.objects.all().delete()
        nps = SurveyFactory.create(kind=Survey.Kind.NPS)
        pulse = SurveyFactory.create(kind=Survey.Kind.ENPS)
        InvitationFactory.create(survey=nps)
        for _number in range(surveys - 2):
            SurveyFactory.create()
        _load(nps, answers)
        _load(pulse, answers, departments=departments)
        client.get(reverse("feedback:survey-list"))  # per-session caches (roles, permissions)
        return {
            "list": len(page_queries(client, reverse("feedback:survey-list"))),
            "nps results": len(page_queries(client, nps.get_absolute_url())),
            "enps results": len(page_queries(client, pulse.get_absolute_url())),
        }

    return measure


def test_survey_pages_run_as_many_queries_for_30_surveys_and_1000_answers_as_for_3_and_10(
    small_and_large: Callable[[int, int], dict[str, int]],
) -> None:
    small = small_and_large(3, 10)

    large = small_and_large(30, 1000)

    assert large == small


# Rules on the plans of a page's queries, read top down: a scan of the answers is bounded when a
# LIMIT above it reaches it through nodes that stop reading once the LIMIT has its rows.
PLANNER_OFF = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
READS_ALL_INPUT = {"Sort", "Incremental Sort", "Aggregate", "Hash", "Materialize", "WindowAgg"}


def answer_scans(plan: dict[str, Any], limited: bool = False) -> Iterator[tuple[str, bool]]:
    """Yield each scan of the answers table in a plan and whether a LIMIT bounds it."""
    node = plan["Node Type"]
    if node == "Limit":
        limited = True
    elif node in READS_ALL_INPUT:
        limited = False
    if plan.get("Relation Name") == SurveyResponse._meta.db_table:
        yield node, limited and node in ("Index Scan", "Index Only Scan")
    for child in plan.get("Plans", []):
        yield from answer_scans(child, limited)


def test_survey_pages_read_no_answers_beyond_one_limited_index_scan(
    client_for: Callable[[str | None], Client],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Query plans are PostgreSQL's; CI runs this test on PostgreSQL.")
    client = client_for("quality_manager")
    nps = SurveyFactory.create(kind=Survey.Kind.NPS)
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS)
    InvitationFactory.create(survey=nps)
    _load(nps, 300)
    _load(pulse, 300, departments=[DepartmentFactory.create() for _number in range(3)])
    queries = [
        query["sql"]
        for url in (
            reverse("feedback:survey-list"),
            nps.get_absolute_url(),
            pulse.get_absolute_url(),
        )
        for query in page_queries(client, url)
        if query["sql"].lstrip().upper().startswith("SELECT")
    ]

    scans: dict[str, list[tuple[str, bool]]] = {}
    with connection.cursor() as cursor:
        # The tables are small here, where reading a whole table and sorting it is cheapest:
        # forbid that, so that the plans show the index each query can use on a large table
        # (a query that has none still scans and sorts).
        for setting in PLANNER_OFF:
            cursor.execute(f"SET {setting} = off")
        try:
            for sql in queries:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                scans[sql] = list(answer_scans(plan[0]["Plan"]))
        finally:
            for setting in PLANNER_OFF:
                cursor.execute(f"RESET {setting}")

    unbounded = {sql: found for sql, found in scans.items() if not all(ok for _n, ok in found)}
    assert not unbounded
    reading_answers = [sql for sql, found in scans.items() if found]
    assert len(reading_answers) == 2, "the latest comments and the latest invitations' answers"
    assert all("LIMIT 20" in sql for sql in reading_answers)
