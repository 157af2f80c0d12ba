"""Suggested cycles (CAPA) API: the cycles the data proposes, accepted or dismissed.

Every staff member reads them; quality managers accept one (a corrective cycle in Plan with the
evidence filled in) or dismiss it with the reason (the same evidence is never suggested again).
"""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ReadBackMixin
from core.roles import acting_user

from .. import selectors
from ..models import Suggestion
from ..services import suggestions as services
from .bodies import valid
from .permissions import MayDecideSuggestions
from .serializers import (
    CycleDetailSerializer,
    ReasonSerializer,
    SuggestionDetailSerializer,
    SuggestionSerializer,
)


class SuggestionFilter(filters.FilterSet):
    """Filter suggested cycles by status, kind, touchpoint and partner."""

    class Meta:
        model = Suggestion
        fields = ["status", "kind", "touchpoint", "partner"]


class SuggestionViewSet(
    ReadBackMixin[Suggestion],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Suggestion],
):
    """Cycles the system proposes from complaint clusters, signals, mystery shops, scorecards."""

    serializer_class = SuggestionDetailSerializer
    filterset_class = SuggestionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Suggestion]:
        return selectors.suggestions_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self) -> type[SuggestionSerializer]:
        return SuggestionSerializer if self.action == "list" else SuggestionDetailSerializer

    def answer(self, row: Suggestion, code: int = status.HTTP_200_OK) -> Response:
        """Return the suggestion read back, with the caller in the context (complaints)."""
        return Response(self.get_serializer(self.read_back(row)).data, status=code)

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(
                CycleDetailSerializer, description="The cycle accepting the suggestion made."
            )
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[MayDecideSuggestions])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the suggestion: a corrective cycle in Plan, with the evidence filled in."""
        cycle = services.suggestion_accept(suggestion=self.get_object(), by=acting_user(request))
        detail = selectors.cycle_detail(request.user, cycle.reference)
        body = CycleDetailSerializer(detail, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReasonSerializer,
        responses=OpenApiResponse(SuggestionDetailSerializer, description="The suggestion."),
    )
    @action(detail=True, methods=["post"], permission_classes=[MayDecideSuggestions])
    def dismiss(self, request: Request, pk: str) -> Response:
        """Dismiss the suggestion with the reason; the same evidence is not suggested again."""
        suggestion = self.get_object()
        data = valid(ReasonSerializer, request)
        services.suggestion_dismiss(
            suggestion=suggestion, by=acting_user(request), reason=data["reason"]
        )
        return self.answer(suggestion)
