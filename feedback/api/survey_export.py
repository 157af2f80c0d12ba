"""Survey answers API export: one survey's answers as CSV, with the results page's filters.

The same rows, columns and rule as the page's export (feedback.views.surveys.survey_export):
read with `feedback.view_surveyresponse`, streamed, text a spreadsheet would run as a formula
defused, and never an eNPS survey's answers (refused: one by one, with their day and department,
they could name the employee; the survey's page shows their aggregates).
"""

from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from core.spreadsheets import EXPORT_BATCH, csv_download

from ..forms.survey_filters import SurveyAnswerFilterForm
from ..models import Survey
from ..selectors import ANONYMITY_THRESHOLD
from ..selectors.survey_trends import ANSWER_EXPORT_COLUMNS, survey_answer_rows
from .permissions import HoldsPermission


class MayReadAnswers(HoldsPermission):
    """Let only those who read survey results (quality managers, executives) export answers."""

    permission = "feedback.view_surveyresponse"


class RefusalsInJson(BaseContentNegotiation):
    """Answer refusals in JSON whatever the client accepts: the answers themselves stream as CSV
    past the renderers, so a client asking for text/csv is not told 406."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


FILTERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description="Answered on or after this local day."
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, description="Answered on or before this local day."
    ),
    OpenApiParameter(
        "journey", OpenApiTypes.INT, description="The journey the answer was about (its id)."
    ),
    OpenApiParameter(
        "touchpoint", OpenApiTypes.INT, description="The touchpoint the answer was about (its id)."
    ),
    OpenApiParameter(
        "segment", OpenApiTypes.INT, description="The answering customer's segment (its id)."
    ),
]


class SurveyResponseExportView(APIView):
    """GET /surveys/{id}/responses/export/: the survey's answers as CSV."""

    permission_classes = [MayReadAnswers]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = RefusalsInJson

    @extend_schema(
        operation_id="surveys_responses_export",
        summary="Export a survey's answers as CSV",
        description=(
            "Every answer of the survey matching the filters, newest first, streamed as CSV: "
            + ", ".join(header for header, _path in ANSWER_EXPORT_COLUMNS)
            + ". Text starting with =, +, -, @, a tab or a carriage return is prefixed with ' "
            "so that spreadsheets show it instead of running it. eNPS surveys are refused (403): "
            "their answers are shown only in aggregate, for groups of "
            f"{ANONYMITY_THRESHOLD} or more."
        ),
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Survey id"
            ),
            *FILTERS,
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One header row, then one row per answer."
            )
        },
        tags=["surveys"],
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        survey = get_object_or_404(Survey, pk=pk)
        if survey.is_employee_survey:
            raise PermissionDenied(
                "eNPS answers are never exported one by one: with their day and department they "
                "could name the employee. The survey's page shows their aggregates."
            )
        form = SurveyAnswerFilterForm(request.query_params, survey=survey)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        rows = survey_answer_rows(request.user, survey, form.filters())
        return csv_download(
            f"survey-{survey.pk}-answers",
            [header for header, _path in ANSWER_EXPORT_COLUMNS],
            rows.iterator(chunk_size=EXPORT_BATCH),
        )
