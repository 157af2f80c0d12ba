"""Partner portal API: the complaints at a partner's touchpoints, as its contacts see them, and
their corrective-action notes.

The same rule as the portal's pages (`partner_complaints_visible_to`): a partner contact reads its
partner's complaints (another partner's answer 404) and adds notes to them; staff who read every
complaint read the partner's view of any partner's; everyone else gets 403. The fields are the
pages' fields: no reference, no customer, no text a customer or a colleague wrote.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import acting_user
from core.validation import ID_DIGITS, LONG_TEXT
from feedback.api.complaints import ComplaintStateFields
from feedback.models import Complaint, ComplaintEvent
from feedback.services import complaint_add_partner_note
from stakeholders.selectors import contact_partner

from ..selectors.portal import (
    STATES,
    in_state,
    partner_complaints_visible_to,
    portal_notes,
    with_categories,
)


class MayReadPartnerComplaints(BasePermission):
    """Let a partner's contacts, and staff who read every complaint, read the portal's view."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (contact_partner(user) is not None or user.has_perm("feedback.view_all_complaints"))
        )


class MayWritePartnerNotes(BasePermission):
    """Let only a partner's contacts add corrective-action notes."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and contact_partner(user) is not None)


class PartnerNoteSerializer(serializers.ModelSerializer[ComplaintEvent]):
    """A corrective-action note: who of which partner wrote what, when."""

    author = serializers.SerializerMethodField()
    partner = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "at", "author", "partner", "text"]
        read_only_fields = fields

    def get_author(self, note: ComplaintEvent) -> str:
        """Return the name of the contact who wrote the note ("" once their account is gone)."""
        actor = note.actor
        return (actor.get_full_name() or actor.get_username()) if actor else ""


class PartnerNoteBodySerializer(serializers.Serializer):
    """A corrective-action note to add."""

    text = serializers.CharField(
        max_length=LONG_TEXT,
        help_text="What the partner found and what it changed or will change.",
    )


class PartnerComplaintSerializer(ComplaintStateFields, serializers.ModelSerializer[Complaint]):
    """A complaint at a partner's touchpoints, without customer data."""

    categories = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The themes the complaint is tagged with.",
    )
    journey_name = serializers.CharField(
        source="touchpoint.stage.journey.name", read_only=True, allow_null=True
    )
    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "categories",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "severity",
            "status",
            "sla_state",
            "received_at",
            "acknowledge_due_at",
            "resolve_due_at",
            "closed_at",
            "resolved_within_sla",
            "root_cause_category",
        ]
        read_only_fields = fields


class PartnerComplaintDetailSerializer(PartnerComplaintSerializer):
    """A complaint at a partner's touchpoints with its corrective-action notes."""

    notes = serializers.SerializerMethodField()

    class Meta(PartnerComplaintSerializer.Meta):
        fields = [*PartnerComplaintSerializer.Meta.fields, "notes"]
        read_only_fields = fields

    @extend_schema_field(PartnerNoteSerializer(many=True))
    def get_notes(self, complaint: Complaint) -> list[dict[str, Any]]:
        """Return the notes the caller sees: a contact their partner's, staff every partner's."""
        notes = portal_notes(complaint, self.context["request"].user)
        return list(PartnerNoteSerializer(notes, many=True).data)


STATE_PARAMETER = OpenApiParameter(
    "state",
    str,
    enum=list(STATES),
    required=False,
    description="Every complaint (the default), the open ones or the closed ones.",
)


class PartnerComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Complaint]
):
    """Complaints at a partner's touchpoints or attributed to it, as its contacts see them."""

    serializer_class = PartnerComplaintSerializer
    permission_classes = [MayReadPartnerComplaints]
    lookup_value_regex = ID_DIGITS
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Complaint]:
        return partner_complaints_visible_to(self.request.user)

    def get_object(self) -> Complaint:
        """Return the complaint of the URL, with its categories, if the caller sees it."""
        found = with_categories(self.get_queryset().filter(pk=int(self.kwargs["pk"])))
        if not found:
            raise Http404
        return found[0]

    def get_serializer_class(self) -> type[PartnerComplaintSerializer]:
        if self.action == "list":
            return PartnerComplaintSerializer
        return PartnerComplaintDetailSerializer

    @extend_schema(parameters=[STATE_PARAMETER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the complaints, newest first (an unknown state lists them all)."""
        state = request.query_params.get("state", "all")
        rows = in_state(self.get_queryset(), state if state in STATES else "all")
        page = with_categories(self.paginate_queryset(rows) or [])
        return self.get_paginated_response(PartnerComplaintSerializer(page, many=True).data)

    @extend_schema(
        request=PartnerNoteBodySerializer,
        responses={201: OpenApiResponse(PartnerNoteSerializer, description="The note added.")},
    )
    @action(detail=True, methods=["post"], permission_classes=[MayWritePartnerNotes])
    def notes(self, request: Request, pk: str) -> Response:
        """Add the caller's partner's corrective-action note to the complaint."""
        complaint = self.get_object()
        body = PartnerNoteBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = complaint_add_partner_note(
            complaint=complaint, author=acting_user(request), text=body.validated_data["text"]
        )
        return Response(PartnerNoteSerializer(note).data, status=status.HTTP_201_CREATED)
