"""The API answers as its schema says, for every role: schemathesis against the live schema.

The schema is the one `/api/schema/` serves; schemathesis generates requests for every operation
(valid and invalid bodies, parameters, ids of records that exist and of ones that do not) and
sends them through Django's WSGI application, signed in with a REST framework token of each
role, and anonymously. Every answer must be no server error (5xx), have a status code the
operation declares, and a body matching the schema declared for that status.

The run is bounded (EXAMPLES generated cases per operation and role, a fixed seed) so that it
fits the suite's time budget and fails the same way on every run; API_FUZZ_EXAMPLES and
API_FUZZ_SEED make a deeper or different run by hand, e.g.
`API_FUZZ_EXAMPLES=100 API_FUZZ_SEED=7 pytest -p no:xdist tests/test_api_schema_fuzz.py`.
"""

import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from feedback import services as feedback_services
from feedback.models import Complaint, SeverityPolicy
from stakeholders.models import CustomerActivity
from tests.conftest import ROLE_KEYS
from tests.feedback.factories import (
    AuditFactory,
    ChecklistFactory,
    ComplaintFactory,
    IdeaFactory,
    InsightFactory,
    RecognitionFactory,
    ResponseFactory,
    SurveyFactory,
    ThemeFactory,
)
from tests.improvement.factories import cycle_in_check
from tests.improvement.suggested import waiting_suggestion
from tests.journeys.factories import (
    FailurePointFactory,
    HandoffFactory,
    ObjectiveFactory,
    TouchpointFactory,
)
from tests.metrics.factories import IndicatorFactory, ObservationFactory
from tests.reports.monthly_records import draft_review, published_report
from tests.stakeholders.factories import CustomerFactory, DepartmentFactory, PartnerFactory
from tests.wsgi import wsgi_application

pytestmark = [pytest.mark.django_db, pytest.mark.api_fuzz]

# Valid and invalid cases per operation: 148 operations x 2 modes x 2 examples, each sent as the 5
# visitors: about 3,000 requests (with the few examples the schema itself gives).
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "2"))
SEED = int(os.environ.get("API_FUZZ_SEED", "2026"))
VISITORS = ["anonymous", *ROLE_KEYS]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Body fields that name a record, and the part of `world` that has one of its kind.
REFERENCES = {
    "assignee": "users",
    "complaint": "complaints",
    "customer": "customers",
    "department": "departments",
    "from_touchpoint": "touchpoints",
    "idea": "ideas",
    "journey": "journeys",
    "lead": "users",
    "owner": "users",
    "owner_department": "departments",
    "owner_partner": "partners",
    "partner": "partners",
    "recipient": "users",
    "segment": "customer-segments",
    "stage": "stages",
    "survey": "surveys",
    "template": "checklists",
    "to_touchpoint": "touchpoints",
    "touchpoint": "touchpoints",
}

# How many cases each visitor's run sent, reported at the end of the session.
CASES_RUN: Counter[str] = Counter()


def world(make_user: Callable[..., Any]) -> dict[str, list[Any]]:
    """Make a record of every kind the API addresses; return the path values that reach them."""
    frontline, manager = make_user("frontline"), make_user("quality_manager")
    complaint = ComplaintFactory.create(logged_by=frontline)
    investigated = ComplaintFactory.create(logged_by=manager)
    feedback_services.complaint_acknowledge(complaint=investigated, by=manager, note="")
    feedback_services.complaint_investigate(complaint=investigated, by=manager, note="")

    feedback_services.complaint_set_root_cause(
        complaint=investigated, by=manager, category=Complaint.RootCause.METHOD, text="Slot."
    )
    at_partner = ComplaintFactory.create(
        logged_by=manager,
        touchpoint=TouchpointFactory.create(owner_partner=PartnerFactory.create()),
    )
    objective = ObjectiveFactory.create()
    touchpoint = objective.touchpoint
    assert touchpoint is not None
    survey = SurveyFactory.create()
    pulse = SurveyFactory.create(kind="enps", recurrence_weeks=6)
    checklist = ChecklistFactory.create(touchpoint=touchpoint)
    indicator = IndicatorFactory.create()
    ObservationFactory.create(indicator=indicator)
    customer = CustomerFactory.create()
    activity = CustomerActivity.objects.create(
        customer=customer, occurred_at=timezone.now() - timedelta(days=1), kind="purchase"
    )
    # A cycle whose Check ran on real snapshots, its action, and a suggestion waiting.
    cycle = cycle_in_check(manager)
    # A published report with a draft review, a decision and an action.
    review = draft_review(published_report(), by=manager)
    return {
        "users": [frontline.pk, manager.pk],
        "complaints": [complaint.pk, investigated.pk],
        "partner-complaints": [at_partner.pk],
        "ideas": [IdeaFactory.create(submitted_by=frontline).pk],
        "recognitions": [RecognitionFactory.create(complaint=complaint).pk],
        "surveys": [survey.pk, pulse.pk],
        "survey-responses": [ResponseFactory.create(survey=survey).pk],
        "themes": [ThemeFactory.create().pk],
        "insights": [InsightFactory.create().pk, complaint.insight.pk],
        "checklists": [checklist.pk],
        "audits": [AuditFactory.create(template=checklist).pk],
        "journeys": [touchpoint.stage.journey_id],
        "stages": [touchpoint.stage_id],
        "touchpoints": [touchpoint.pk],
        "handoffs": [HandoffFactory.create().pk],
        "failure-points": [FailurePointFactory.create().pk],
        "quality-objectives": [objective.pk],
        "departments": [DepartmentFactory.create().pk],
        "partners": [PartnerFactory.create().pk],
        "customer-segments": [customer.segment_id],
        "customers": [customer.pk],
        "customer-activities": [activity.pk],
        "indicators": [indicator.code],
        "cycles": [cycle.reference],
        "cycle-actions": list(cycle.actions.values_list("pk", flat=True)),
        "cycle-suggestions": [waiting_suggestion().pk],
        "severity-policies": list(SeverityPolicy.objects.values_list("pk", flat=True)),
        "monthly-reports": [review.report.slug],
        "imports": [
            "complaints",
            "customers",
            "customer_activity",
            "survey_responses",
            "observations",
        ],
    }


@pytest.fixture
def headers_by_visitor(make_user: Callable[..., Any]) -> dict[str, dict[str, str]]:
    """Each visitor's Authorization header: a REST framework token of its role, none for
    anonymous callers."""
    return {
        visitor: (
            {"Authorization": f"Token {Token.objects.create(user=make_user(visitor)).key}"}
            if visitor != "anonymous"
            else {}
        )
        for visitor in VISITORS
    }


@pytest.fixture
def api_schema(
    settings: Any, make_user: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> Iterator[schemathesis.BaseSchema]:
    """The live schema, loaded from /api/schema/ through the WSGI application, whose path
    parameters name either what schemathesis invents or a record of the world above."""
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis' WSGI client sends
    known = world(make_user)
    reader = Token.objects.create(user=make_user("administrator"))
    with wsgi_application() as application:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            application,
            headers={"Authorization": f"Token {reader.key}"},
        )
        steer_to_records(schema, known)
        yield schema
    with capsys.disabled():
        runs = ", ".join(f"{CASES_RUN[visitor]} as {visitor}" for visitor in VISITORS)
        print(f"\nschemathesis: {runs}")


def steer_to_records(schema: schemathesis.BaseSchema, known: dict[str, list[Any]]) -> None:
    """Let half the cases name records of the world where the path or the body names one."""

    @schema.hook("flatmap_path_parameters")
    def records_that_exist(context: Any, parameters: dict[str, Any]) -> Any:
        """Send half the cases to a record that exists, so that they pass the lookup."""
        resource = context.operation.path.split("/")[3]
        values = known.get(resource)
        if not values or not parameters:
            return st.just(parameters)
        # The record's own parameter follows the resource in the path ({code}, {month}).
        name = context.operation.path.split("/")[4].strip("{}")
        if name not in parameters:
            name = next(iter(parameters))
        return st.one_of(
            st.just(parameters),
            st.sampled_from(values).map(lambda value: {**parameters, name: value}),
        )

    @schema.hook("flatmap_body")
    def bodies_that_name_records(context: Any, body: Any) -> Any:
        """Let half the bodies name records that exist, so that writes get past the lookups."""
        names = [
            name
            for name in (body if isinstance(body, dict) else {})
            if known.get(REFERENCES.get(name, ""))
        ]
        if not names:
            return st.just(body)
        chosen = st.fixed_dictionaries(
            {name: st.sampled_from(known[REFERENCES[name]]) for name in names}
        )
        return st.one_of(st.just(body), chosen.map(lambda values: {**body, **values}))


def test_api_answers_as_its_schema_says(
    api_schema: schemathesis.BaseSchema, headers_by_visitor: dict[str, dict[str, str]]
) -> None:
    """No server error, a declared status code and a body of the declared shape, for everyone.

    Every operation gets EXAMPLES valid and EXAMPLES invalid requests (schemathesis' positive
    and negative modes). Each case is sent once as every visitor, each time against the same
    world: what a visitor's request wrote is rolled back before the next visitor sends it (the
    cases are made once, not once per visitor: making them is most of the run's time). The
    failures of all operations and visitors are reported together. (Schemathesis' own pytest
    integration, `from_fixture(...).parametrize()`, sets `request.node._nodeid`, which pytest 9
    no longer has: its `as_strategy` API drives hypothesis here instead.)
    """
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"The schema is not valid: {result.err()}")
            continue
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.seed(SEED)
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: report, do not search
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def answers_as_declared(case: schemathesis.Case) -> None:
                errors = []
                for visitor, headers in headers_by_visitor.items():
                    CASES_RUN[visitor] += 1
                    try:
                        with transaction.atomic():
                            case.call_and_validate(headers=headers, checks=CHECKS)
                            transaction.set_rollback(True)
                    except hypothesis.errors.HypothesisException:
                        raise  # hypothesis' own signals (a rejected case) are not failures
                    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001
                        errors.append(f"as {visitor}: {error}")
                assert not errors, "\n".join(errors)

            try:
                answers_as_declared()
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing of the operation can be made invalid (no parameter, no body)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported at the end
                failures.append(f"{operation.label} ({mode}): {error}")

    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
