"""Cycle actions API: quality managers plan a cycle's actions, their owners tick them off.

Any staff member reads the actions; an action's owner (any staff member) notes on it, marks it
done, defers it with a reason or reopens it; quality managers do that on any action, and plan,
re-plan and remove them. Anyone else gets 403.
"""

from typing import Any

from django.db.models import QuerySet
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
from ..models import OPEN_ACTION, CycleAction
from ..services import actions as services
from .bodies import valid
from .permissions import CycleActionPermissions
from .serializers import (
    ActionCompletionSerializer,
    ActionCreateSerializer,
    ActionUpdateSerializer,
    CycleActionSerializer,
    ReasonSerializer,
)


class CycleActionFilter(filters.FilterSet):
    """Filter actions by cycle reference, owner and whether they are still open."""

    cycle = filters.CharFilter(field_name="cycle__reference", label="cycle reference")
    open = filters.BooleanFilter(
        method="filter_open", label="open (neither done nor deferred), or settled"
    )

    class Meta:
        model = CycleAction
        fields = ["cycle", "owner", "open", "containment"]

    def filter_open(
        self, rows: QuerySet[CycleAction], name: str, value: bool | None
    ) -> QuerySet[CycleAction]:
        """Keep the open actions (true) or the done and deferred ones (false)."""
        if value is None:
            return rows
        return rows.filter(OPEN_ACTION) if value else rows.exclude(OPEN_ACTION)


ACTION_ANSWER = OpenApiResponse(CycleActionSerializer, description="The action, updated.")


class CycleActionViewSet(
    ReadBackMixin[CycleAction],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[CycleAction],
):
    """The actions of PDCA cycles: planned by quality managers, ticked off by their owners."""

    serializer_class = CycleActionSerializer
    permission_classes = [CycleActionPermissions]
    filterset_class = CycleActionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[CycleAction]:
        return selectors.actions_visible_to(self.request.user).order_by("due_on", "id")

    def answer(self, row: CycleAction, code: int = status.HTTP_200_OK) -> Response:
        """Return the action read back, with the caller in the context (may_update)."""
        return Response(self.get_serializer(self.read_back(row)).data, status=code)

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ActionCreateSerializer,
        responses={201: CycleActionSerializer},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plan an action of a cycle; send an Idempotency-Key to retry safely."""
        data = valid(ActionCreateSerializer, request)
        row = services.action_add(by=acting_user(request), **data)
        return self.answer(row, status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, responses=ACTION_ANSWER)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Note on the action (its owner), or re-plan it (quality managers: title, owner, due)."""
        row = self.get_object()
        data = valid(ActionUpdateSerializer, request, partial=True)
        services.action_update(action=row, by=acting_user(request), **data)
        return self.answer(row)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Remove an action planned by mistake (while its cycle is in Plan or Do)."""
        services.action_delete(action=self.get_object(), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ActionCompletionSerializer, responses=ACTION_ANSWER)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Tick the action off, with the day it was done and what was done."""
        row = self.get_object()
        data = valid(ActionCompletionSerializer, request)
        services.action_complete(
            action=row, by=acting_user(request), done_on=data["done_on"], note=data["note"]
        )
        return self.answer(row)

    @extend_schema(request=ReasonSerializer, responses=ACTION_ANSWER)
    @action(detail=True, methods=["post"])
    def defer(self, request: Request, pk: str) -> Response:
        """Defer the open action with the reason; it then no longer holds its cycle in Do."""
        row = self.get_object()
        data = valid(ReasonSerializer, request)
        services.action_defer(action=row, by=acting_user(request), reason=data["reason"])
        return self.answer(row)

    @extend_schema(request=None, responses=ACTION_ANSWER)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """Untick an action ticked off by mistake, or take a deferred one up again."""
        row = self.get_object()
        services.action_reopen(action=row, by=acting_user(request))
        return self.answer(row)
