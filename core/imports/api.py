"""The bulk-load API: JSON batches validated and saved by the same importers as CSV files."""

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent

from . import registry
from .registry import ORIGIN_API, Importer, RowError

# Items per request: a batch loads in well under a second and its answer stays small; larger
# loads are sent as several requests (or uploaded as a CSV file).
MAX_ITEMS = 5_000


class BulkRequestSerializer(serializers.Serializer):
    """A batch of items, each an object of column name to value (text, number, true/false)."""

    items = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        allow_empty=False,
        max_length=MAX_ITEMS,
        help_text=f"At most {MAX_ITEMS:,} items; the columns are those of the importer.",
    )
    survey = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Survey responses only: the number of the survey every item answers. Items "
        "then need no `survey`; one naming another survey is refused. Refused (400) for the "
        "other importers.",
    )


class ItemErrorSerializer(serializers.Serializer):
    """Why one item was refused."""

    index = serializers.IntegerField(help_text="Position of the item in `items`, from 0.")
    column = serializers.CharField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    """What the batch did: items saved, items already stored, items refused with reasons."""

    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    refused = serializers.IntegerField()
    errors = ItemErrorSerializer(many=True)  # type: ignore[assignment]


def _text(value: Any) -> str | None:
    """Return a JSON value as the text a CSV cell would hold, or None when it has no such form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _rows(
    importer: Importer, items: list[dict[str, Any]]
) -> tuple[list[dict[str, str]], list[RowError]]:
    known = set(importer.column_names)
    rows: list[dict[str, str]] = []
    errors: list[RowError] = []
    for index, item in enumerate(items):
        row: dict[str, str] = {}
        for column, value in item.items():
            text = _text(value)
            if column not in known:
                errors.append(RowError(index, column, "Unknown column."))
            elif text is None:
                errors.append(RowError(index, column, "Give a text, a number or true/false."))
            else:
                row[column] = text
        rows.append(row)
    return rows, errors


class BulkLoadView(APIView):
    """Load a batch of items through an importer; valid items are saved, the others reported."""

    permission_classes = [IsAuthenticated]
    importer_key = ""  # fixed by the per-model routes; otherwise taken from the URL

    def _importer(self, request: Request, key: str) -> Importer:
        importer = registry.get(key)
        if importer is None:
            raise Http404
        if not request.user.has_perm(importer.permission):
            raise PermissionDenied(f"You may not import {importer.label}.")
        return importer

    @idempotent
    def _load(self, request: Request, importer: Importer) -> Response:
        batch = BulkRequestSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        # Values for the whole batch, checked as the upload form's are (400 naming the field).
        chosen = {
            name: batch.validated_data[name]
            for name in ("survey",)
            if batch.validated_data.get(name) is not None
        }
        options = importer.options_checked(chosen, request.user)
        rows, shape_errors = _rows(importer, batch.validated_data["items"])
        refused = {error.index for error in shape_errors}
        accepted = [index for index in range(len(rows)) if index not in refused]
        result = importer.import_rows(
            [rows[index] for index in accepted],
            user=request.user,
            origin=ORIGIN_API,
            options=options,
        )
        errors = shape_errors + [
            RowError(accepted[error.index], error.column, error.reason) for error in result.errors
        ]
        errors.sort(key=lambda error: error.index)
        body = {
            "created": result.created,
            "duplicates": result.duplicates,
            "refused": len({error.index for error in errors}),
            "errors": [
                {"index": error.index, "column": error.column, "reason": error.reason}
                for error in errors
            ],
        }
        return Response(BulkResultSerializer(body).data, status=status.HTTP_200_OK)

    def handle(self, request: Request, key: str) -> Response:
        return self._load(request, self._importer(request, key))


def _schema(summary: str, description: str, path_parameter: bool) -> Any:
    parameters = [IDEMPOTENCY_PARAMETER]
    if path_parameter:
        parameters.append(
            OpenApiParameter(
                "importer_key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="survey_responses, complaints, customers, customer_activity (and "
                "those of other apps).",
            )
        )
    return extend_schema(
        summary=summary,
        description=description,
        request=BulkRequestSerializer,
        responses=BulkResultSerializer,
        parameters=parameters,
        tags=["imports"],
    )


class ImporterBulkView(BulkLoadView):
    """POST /imports/{importer_key}/: a batch for any registered importer."""

    @_schema(
        "Bulk-load items through an importer",
        "Each item is validated like a CSV row; valid items are saved, items whose natural key "
        "is already stored are counted as duplicates, refused items are listed with the column "
        "and reason. Send an Idempotency-Key to retry safely.",
        path_parameter=True,
    )
    def post(self, request: Request, importer_key: str) -> Response:
        return self.handle(request, importer_key)


class SurveyResponseBulkView(BulkLoadView):
    """POST /survey-responses/bulk/."""

    @_schema(
        "Bulk-load survey responses",
        "Items have: survey (name or number), external_id, responded_at (ISO 8601), score, "
        "comment, improvement_suggestion, customer_reference, follow_up_consent. Give `survey` "
        "(its number) beside `items` for a batch all of one survey: the items then need none.",
        path_parameter=False,
    )
    def post(self, request: Request) -> Response:
        return self.handle(request, "survey_responses")


class CustomerBulkView(BulkLoadView):
    """POST /customers/bulk/."""

    @_schema(
        "Bulk-load customers",
        "Items have: customer_reference, segment (a segment's name), first_seen (YYYY-MM-DD, "
        "required for a new customer), contract_type, contract_term_months (1-120). A known "
        "reference is updated (and counted as a duplicate); a column left out keeps its value.",
        path_parameter=False,
    )
    def post(self, request: Request) -> Response:
        return self.handle(request, "customers")


class CustomerActivityBulkView(BulkLoadView):
    """POST /customer-activities/bulk/."""

    @_schema(
        "Bulk-load customer activity",
        "Items have: external_id, customer_reference, occurred_at (ISO 8601), kind (purchase, "
        "renewal, referral, cancellation), amount.",
        path_parameter=False,
    )
    def post(self, request: Request) -> Response:
        return self.handle(request, "customer_activity")
