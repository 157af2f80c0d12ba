"""Cycles API: PDCA cycles looked up by reference, their Plan and their phase moves.

Everyone on the staff reads cycles; quality managers open them, change the Plan and move them
through Plan → Do → Check → Act → closed. A gate that refuses a move answers 400 with `detail`
and `extra.missing`, the cycle's fields still missing; a field at fault answers 400 naming it.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ReadBackMixin
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.roles import acting_user

from .. import selectors
from ..models import PDCACycle
from ..services import cycles as services
from ..services import phases
from .bodies import valid
from .permissions import MayRunCycles
from .serializers import (
    CycleCheckSerializer,
    CycleCheckStartSerializer,
    CycleCreateSerializer,
    CycleDecisionSerializer,
    CycleDetailSerializer,
    CycleFromIdeaSerializer,
    CycleSerializer,
    CycleUpdateSerializer,
    ReasonSerializer,
    check_result_of,
)


class CycleFilter(filters.FilterSet):
    """Filter cycles by phase, owner, origin, type, journey, touchpoint and target indicator."""

    target_indicator = filters.CharFilter(
        field_name="target_indicator__code", label="target indicator code"
    )

    class Meta:
        model = PDCACycle
        fields = ["phase", "owner", "origin", "type", "journey", "touchpoint", "target_indicator"]


CYCLE_ANSWER = OpenApiResponse(CycleDetailSerializer, description="The cycle, after the move.")
GATE_REFUSAL = OpenApiResponse(
    description="Refused: `detail` says why and `extra.missing` names what the cycle still "
    "lacks; or a field of the body is at fault, named."
)


class CycleViewSet(
    ReadBackMixin[PDCACycle],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PDCACycle],
):
    """PDCA improvement cycles, judged by the data: quality managers run them, staff read them."""

    serializer_class = CycleDetailSerializer
    filterset_class = CycleFilter
    lookup_field = "reference"
    lookup_value_regex = r"PDCA-[0-9]{4}-[0-9]{6}"

    def get_queryset(self) -> QuerySet[PDCACycle]:
        # Counting open actions drops the model's default ordering; paging needs a stable one.
        return selectors.cycles_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self) -> type[CycleSerializer]:
        return CycleSerializer if self.action == "list" else CycleDetailSerializer

    def get_object(self) -> PDCACycle:
        """Return the cycle of the URL if the caller may see it."""
        try:
            cycle = self.get_queryset().get(reference=self.kwargs["reference"])
        except PDCACycle.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, cycle)
        return cycle

    def read_back(self, row: PDCACycle) -> PDCACycle:
        """Return the cycle as it is now, with its actions, team, complaints and ideas."""
        return selectors.cycle_detail(self.request.user, row.reference)

    def answer(self, row: PDCACycle, code: int = status.HTTP_200_OK) -> Response:
        """Return the cycle read back, with the caller in the context (complaint visibility)."""
        return Response(self.get_serializer(self.read_back(row)).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return one cycle with its actions, team, follow-ups, complaints and ideas."""
        return self.answer(self.get_object())

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=CycleCreateSerializer,
        responses={201: CycleDetailSerializer},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a cycle in Plan; send an Idempotency-Key to retry safely."""
        data = valid(CycleCreateSerializer, request)
        cycle = services.cycle_create(by=acting_user(request), **data)
        return self.answer(cycle, status.HTTP_201_CREATED)

    @extend_schema(
        request=CycleUpdateSerializer,
        responses={200: CycleDetailSerializer, 400: GATE_REFUSAL},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the cycle's Plan, scope or team; only the fields sent change."""
        cycle = self.get_object()
        data = valid(CycleUpdateSerializer, request, partial=True)
        services.cycle_update(cycle=cycle, by=acting_user(request), **data)
        return self.answer(cycle)

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=CycleFromIdeaSerializer,
        responses={201: CycleDetailSerializer, 400: GATE_REFUSAL},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="from-idea",
        permission_classes=[MayRunCycles],
    )
    @idempotent
    def from_idea(self, request: Request) -> Response:
        """Turn an accepted idea into a cycle in one call: its problem, proposal and touchpoint."""
        data = valid(CycleFromIdeaSerializer, request)
        cycle = services.cycle_start_from_idea(idea=data["idea"], by=acting_user(request))
        return self.answer(cycle, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL})
    @action(detail=True, methods=["post"], permission_classes=[MayRunCycles])
    def do(self, request: Request, reference: str) -> Response:
        """Leave Plan for Do: the problem, root cause, target indicator and target must be set."""
        cycle = self.get_object()
        phases.cycle_start_do(cycle=cycle, by=acting_user(request))
        return self.answer(cycle)

    @extend_schema(
        methods=["GET"],
        description="Return the cycle's Check: the verdict and the computed result (null "
        "before the first Check).",
        request=None,
        responses=CycleCheckSerializer,
    )
    @extend_schema(
        methods=["POST"],
        description="Leave Do for Check (every action done or deferred with a reason); the "
        "Check runs at once on the indicator's snapshots.",
        request=CycleCheckStartSerializer,
        responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="check",
        url_name="check",
        permission_classes=[MayRunCycles],
        filter_backends=[],
    )
    def check_phase(self, request: Request, reference: str) -> Response:
        """Return the cycle's Check (GET), or move the cycle from Do to Check (POST)."""
        cycle = self.get_object()
        if request.method == "POST":
            data = valid(CycleCheckStartSerializer, request)
            phases.cycle_start_check(
                cycle=cycle, by=acting_user(request), change_on=data["change_on"]
            )
            return self.answer(cycle)
        check = {
            "reference": cycle.reference,
            "phase": cycle.phase,
            "verdict": cycle.verdict,
            "checked_at": cycle.checked_at,
            "result": check_result_of(cycle),
        }
        return Response(CycleCheckSerializer(check).data)

    @extend_schema(request=None, responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL})
    @action(detail=True, methods=["post"], url_path="check-run", permission_classes=[MayRunCycles])
    def check_run(self, request: Request, reference: str) -> Response:
        """Compute the Check again from the snapshots (a cycle waiting in Check for data)."""
        cycle = self.get_object()
        phases.cycle_check_run(cycle=cycle, by=acting_user(request))
        return self.answer(cycle)

    @extend_schema(
        request=CycleDecisionSerializer, responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL}
    )
    @action(detail=True, methods=["post"], permission_classes=[MayRunCycles])
    def decide(self, request: Request, reference: str) -> Response:
        """Act on the Check: adopt (standardise), adapt (a follow-up cycle) or abandon (why)."""
        cycle = self.get_object()
        data = valid(CycleDecisionSerializer, request)
        phases.cycle_decide(
            cycle=cycle,
            by=acting_user(request),
            outcome=data["outcome"],
            reason=data["reason"],
            new_standard=data["new_standard"],
        )
        return self.answer(cycle)

    @extend_schema(request=None, responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL})
    @action(detail=True, methods=["post"], permission_classes=[MayRunCycles])
    def close(self, request: Request, reference: str) -> Response:
        """Close a decided cycle; an adopted one's measured impact is frozen."""
        cycle = self.get_object()
        phases.cycle_close(cycle=cycle, by=acting_user(request))
        return self.answer(cycle)

    @extend_schema(request=ReasonSerializer, responses={200: CYCLE_ANSWER, 400: GATE_REFUSAL})
    @action(detail=True, methods=["post"], permission_classes=[MayRunCycles])
    def abandon(self, request: Request, reference: str) -> Response:
        """Abandon a cycle in Check with the reason, and close it (how an inconclusive one ends)."""
        cycle = self.get_object()
        data = valid(ReasonSerializer, request)
        phases.cycle_abandon(cycle=cycle, by=acting_user(request), reason=data["reason"])
        return self.answer(cycle)
