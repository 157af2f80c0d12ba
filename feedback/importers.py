"""Importers of the feedback app: survey responses and complaints (registered in ready())."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.changes import local_days
from core.imports.cells import RowReader
from core.imports.registry import (
    ORIGIN_API,
    Column,
    Importer,
    LoadResult,
    RowError,
    bulk_insert_new,
    register,
)
from journeys.models import Touchpoint
from stakeholders.importers import customer_ids
from stakeholders.models import Customer

from . import services
from .models import Complaint, Insight, Severity, Survey, SurveyResponse

DESCRIPTION_MAX_CHARS = 5_000  # a complaint is a few paragraphs; longer cells are likely garbage


def _surveys(values: set[str]) -> dict[str, Survey]:
    """Return the surveys named (case-insensitively) or numbered by these values, in one query."""
    numbers = [int(value) for value in values if value.isdigit()]
    names = Q()
    for value in values:
        names |= Q(name__iexact=value)
    found: dict[str, Survey] = {}
    # The touchpoint's stage: a survey scoped to a touchpoint counts in its journey.
    matching = Survey.objects.select_related("touchpoint__stage").filter(Q(pk__in=numbers) | names)
    for survey in matching if values else []:
        found[survey.name.lower()] = survey
        found[str(survey.pk)] = survey
    return found


def _chosen_survey(row: RowReader, context: dict[str, Any]) -> Survey | None:
    """Return the survey chosen for the whole file, looked up once per batch; refuse the row
    when that survey no longer exists."""
    chosen = row.options.get("survey", "")
    if not chosen:
        return None
    if "chosen" not in context:
        context["chosen"] = _surveys({chosen}).get(chosen)
    if context["chosen"] is None:
        row.refuse("survey", "The survey chosen for this import no longer exists.")
    return context["chosen"]


def _yesterday_at_nine() -> str:
    """Return a moment of yesterday, in ISO 8601: an example no source clock finds ahead."""
    return f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}T09:30"


class SurveyResponseImporter(Importer):
    """Survey answers collected elsewhere (a CRM's NPS tool, a call-centre's CSAT, a kiosk)."""

    key = "survey_responses"
    label = "Survey responses"
    permission = "feedback.add_surveyresponse"
    natural_key = "survey and external_id: a response already stored for the survey is skipped"
    columns = (
        Column(
            "survey",
            required=True,
            per_file=True,
            help="The survey's name or number; or choose the survey on the upload form.",
            example="Delivery CSAT",
        ),
        Column(
            "external_id",
            required=True,
            help="The response's id in the source system.",
            example="RESP-0001",
        ),
        Column(
            "responded_at",
            required=True,
            help="ISO 8601, e.g. 2026-03-31T14:05.",
            example="2026-03-31T14:05",
        ),
        Column(
            "score",
            required=True,
            help="Within the survey's scale (NPS 0-10, CSAT 1-5...).",
            example="4",
        ),
        Column("comment", example="The driver called ahead."),
        Column("improvement_suggestion", example="Send a delivery window by text."),
        Column("customer_reference", help="The customer's external reference, if known."),
        Column("follow_up_consent", help="yes or no.", example="no"),
    )

    def option_choices(self, column: str, user: Any) -> list[tuple[str, str]]:
        # Whoever may import responses may import them into any survey, closed ones included
        # (answers collected while it ran).
        if column != "survey" or not user.has_perm(self.permission):
            return []
        return [
            (str(pk), name)
            for pk, name in Survey.objects.order_by("name").values_list("pk", "name")
        ]

    def example_row(self) -> dict[str, str]:
        row = super().example_row()
        survey = Survey.objects.order_by("pk").first()
        if survey is not None:
            row["survey"] = survey.name
            row["score"] = str(survey.scale[1])
        row["responded_at"] = _yesterday_at_nine()
        return row

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, Any]:
        # Survey names in a file are few: one OR per distinct name stays small.
        names = {row.get("survey", "").strip().lower() for row in rows} - {""}
        return {
            "surveys": _surveys(names),
            "customers": customer_ids([row.get("customer_reference", "") for row in rows]),
        }

    def build(self, row: RowReader, context: dict[str, Any]) -> SurveyResponse | None:
        chosen = _chosen_survey(row, context)
        survey_value = row.text("survey")
        survey = context["surveys"].get(survey_value.lower()) if survey_value else chosen
        if survey is None and survey_value:
            row.refuse("survey", f"No survey is named or numbered {survey_value[:80]!r}.")
        elif survey is not None and chosen is not None and survey != chosen:
            row.refuse(
                "survey",
                f"The row names the survey {survey.name[:80]!r}, but this import is for "
                f"{chosen.name[:80]!r}: leave the cell empty or name that survey.",
            )
        external_id = row.text("external_id", max_length=100)
        responded_at = row.moment("responded_at")
        low, high = survey.scale if survey else (0, 10)
        score = row.integer("score", low, high)
        reference = row.text("customer_reference")
        customer_id = context["customers"].get(reference) if reference else None
        if reference and customer_id is None:
            row.refuse("customer_reference", f"No customer has the reference {reference[:80]!r}.")
        consent = row.boolean("follow_up_consent")
        if row.errors or survey is None or responded_at is None or score is None:
            return None
        return SurveyResponse(
            survey=survey,
            external_id=external_id,
            responded_at=responded_at,
            score=score,
            comment=row.text("comment"),
            improvement_suggestion=row.text("improvement_suggestion"),
            customer_id=customer_id,
            follow_up_consent=bool(consent),
            # The survey's scope as an answer from its page copies it (services.surveys).
            journey_id=survey.journey_id
            or (survey.touchpoint.stage.journey_id if survey.touchpoint else None),
            touchpoint_id=survey.touchpoint_id,
        )

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        def existing(keys: list[tuple[Any, ...]]) -> Any:
            # The blank test matches the unique index's condition, so PostgreSQL can use it.
            return (
                SurveyResponse.objects.filter(
                    survey_id__in={key[0] for key in keys},
                    external_id__any={key[1] for key in keys},
                )
                .exclude(external_id="")
                .order_by()
                .values_list("survey_id", "external_id")
            )

        channel = (
            SurveyResponse.Channel.API if origin == ORIGIN_API else SurveyResponse.Channel.IMPORT
        )
        for _index, response in items:
            response.channel = channel
        # An answer with words becomes an insight, which needs the answer's id; the others are
        # loaded without ids (COPY on PostgreSQL, several times faster than INSERT).
        created, duplicates = bulk_insert_new(
            SurveyResponse,
            items,
            natural_key=lambda response: (response.survey_id, response.external_id),
            existing_keys=existing,
            need_keys=lambda response: bool(
                response.comment.strip() or response.improvement_suggestion.strip()
            ),
        )
        # The bulk counterpart of services.insight_from_response: every comment is an insight.
        insights = []
        for response in created:
            parts = [response.comment.strip(), response.improvement_suggestion.strip()]
            text = "\n\n".join(part for part in parts if part)
            if text:
                insights.append(
                    Insight(
                        source=Insight.Source.SURVEY,
                        response=response,
                        text=text,
                        touchpoint_id=response.touchpoint_id,
                        occurred_at=response.responded_at,
                    )
                )
        Insight.objects.bulk_create(insights)
        # The bulk counterpart of what the answer services do: the survey pages' day counts.
        days = local_days(response.responded_at for response in created)
        services.survey_days_refresh(
            cells={(response.survey_id, day) for response, day in zip(created, days, strict=True)}
        )
        return LoadResult(created=len(created), duplicates=duplicates)


class ComplaintImporter(Importer):
    """Complaints received elsewhere (a helpdesk, a letters log), each logged with SLA clocks."""

    key = "complaints"
    label = "Complaints"
    # Frontline staff log complaints one by one; bulk loads are a quality manager's job.
    permission = "feedback.manage_complaints"
    natural_key = "external_id: a complaint already imported with this id is skipped"
    columns = (
        Column(
            "external_id",
            required=True,
            help="The complaint's id in the source system.",
            example="HD-0001",
        ),
        Column(
            "received_at",
            required=True,
            help="ISO 8601, e.g. 2026-03-31T14:05.",
            example="2026-03-31T14:05",
        ),
        Column(
            "description",
            required=True,
            help="What happened.",
            example="The parcel arrived two days late and nobody told me.",
        ),
        Column(
            "severity",
            help="1-4 or low, medium, high, critical (medium when empty).",
            example="medium",
        ),
        Column(
            "channel",
            help="phone, email, in_person, chat, web_form, social or letter.",
            example="email",
        ),
        Column("touchpoint", help="The touchpoint's name."),
        Column("customer_reference", help="The customer's external reference, if known."),
        Column("remedy_requested", example="A call to say when it will come."),
    )

    def example_row(self) -> dict[str, str]:
        row = super().example_row()
        row["received_at"] = _yesterday_at_nine()
        # A touchpoint whose name no other journey repeats (in any case), so that the row
        # names it alone; touchpoints are a few hundred at most.
        names = sorted(Touchpoint.objects.values_list("name", flat=True))
        counts = Counter(name.lower() for name in names)
        row["touchpoint"] = next((name for name in names if counts[name.lower()] == 1), "")
        row["customer_reference"] = (
            Customer.objects.order_by("pk").values_list("external_reference", flat=True).first()
            or ""
        )
        return row

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, list[Touchpoint]]:
        names = {row.get("touchpoint", "").strip().lower() for row in rows} - {""}
        by_name: dict[str, list[Touchpoint]] = defaultdict(list)
        if names:
            for touchpoint in Touchpoint.objects.select_related("stage__journey"):
                if touchpoint.name.lower() in names:
                    by_name[touchpoint.name.lower()].append(touchpoint)
        return by_name

    def build(self, row: RowReader, context: dict[str, list[Touchpoint]]) -> dict[str, Any] | None:
        touchpoint_name = row.text("touchpoint")
        matches = context.get(touchpoint_name.lower(), []) if touchpoint_name else []
        if touchpoint_name and len(matches) != 1:
            row.refuse(
                "touchpoint",
                f"No touchpoint is named {touchpoint_name[:80]!r}."
                if not matches
                else f"Several journeys have a touchpoint named {touchpoint_name[:80]!r}.",
            )
        fields = {
            "external_id": row.text("external_id", max_length=100),
            "received_at": row.moment("received_at"),
            "description": row.text("description", max_length=DESCRIPTION_MAX_CHARS),
            "severity": row.choice("severity", Severity) or Severity.MEDIUM,
            "channel": row.choice("channel", Complaint.Channel) or Complaint.Channel.PHONE,
            "touchpoint": matches[0] if len(matches) == 1 else None,
            "customer_reference": row.text("customer_reference", max_length=80),
            "remedy_requested": row.text("remedy_requested", max_length=DESCRIPTION_MAX_CHARS),
        }
        return None if row.errors else fields

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        source = Complaint.Source.API if origin == ORIGIN_API else Complaint.Source.IMPORT
        stored = set(
            Complaint.objects.filter(
                source=source, external_id__any=[fields["external_id"] for _index, fields in items]
            )
            .exclude(external_id="")
            .order_by()
            .values_list("external_id", flat=True)
        )
        result = LoadResult()
        # Complaints are few (100k a year) and each needs its reference and SLA clocks: the
        # service runs per row, each in a savepoint so that one refusal keeps the others.
        for index, fields in items:
            if fields["external_id"] in stored:
                result.duplicates += 1
                continue
            try:
                with transaction.atomic():
                    services.complaint_log(logged_by=user, source=source, **fields)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    column = "" if field == NON_FIELD_ERRORS else field
                    result.errors += [RowError(index, column, message) for message in messages]
                continue
            except IntegrityError:
                result.duplicates += 1  # imported at the same moment by someone else
                continue
            stored.add(fields["external_id"])
            result.created += 1
        return result


register(SurveyResponseImporter())
register(ComplaintImporter())
