"""Complaints API: log complaints from integrations and move them through their life cycle."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ReadBackMixin
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.roles import acting_user
from core.validation import ID_DIGITS, LONG_TEXT, MAX_ID

from .. import lifecycle, selectors, services
from ..models import Complaint, ComplaintEvent, Severity
from .permissions import MayActOnComplaints, MayManageComplaints
from .validation import _valid

User = get_user_model()


class ComplaintOwnerSerializer(serializers.Serializer):
    """The department or partner a complaint is attributed to."""

    kind = serializers.ChoiceField(choices=["department", "partner"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplaintStateFields(serializers.Serializer[Complaint]):
    """The SLA state and root-cause category of a complaint, as every complaint API states them."""

    sla_state = serializers.ChoiceField(
        choices=["overdue", "at_risk", "on_track"],
        allow_blank=True,
        read_only=True,
        help_text="State of the running SLA clock; blank once responded.",
    )
    # Blank until a root cause is recorded, like sla_state: declared so, as the model stores it.
    root_cause_category = serializers.ChoiceField(
        choices=Complaint.RootCause.choices,
        allow_blank=True,
        read_only=True,
        help_text="The fishbone (6M) category of the root cause; blank until one is recorded.",
    )


# What the serializer names beyond a queue row's relations (selectors.QUEUE_ROW_RELATED),
# read in one query each rather than joined (a wider join costs more to plan than to run).
QUEUE_PREFETCHED = ("journey", "logged_by")


class ComplaintSerializer(ComplaintStateFields, serializers.ModelSerializer[Complaint]):
    """A complaint with its SLA clocks; what a helpdesk or CRM sends to log one is writable."""

    journey_name = serializers.CharField(source="journey.name", read_only=True, allow_null=True)
    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    owner = serializers.SerializerMethodField()
    assignee_username = serializers.CharField(
        source="assignee.username", read_only=True, allow_null=True
    )
    logged_by_username = serializers.CharField(source="logged_by.username", read_only=True)
    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "status",
            "severity",
            "channel",
            "description",
            "remedy_requested",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "owner",
            "assignee",
            "assignee_username",
            "logged_by",
            "logged_by_username",
            "customer_reference",
            "contact_email",
            "customer",
            "source",
            "external_id",
            "received_at",
            "acknowledge_due_at",
            "resolve_due_at",
            "next_due_at",
            "sla_state",
            "acknowledged_at",
            "responded_at",
            "closed_at",
            "acknowledged_within_sla",
            "resolved_within_sla",
            "resolved_at_first_contact",
            "root_cause_category",
            "root_cause",
            "decision",
            "customer_accepted",
            "customer_satisfaction",
            "escalated_at",
            "reopen_count",
        ]
        read_only_fields = [
            "status",
            "assignee",
            "logged_by",
            "customer",
            "source",
            "acknowledge_due_at",
            "resolve_due_at",
            "acknowledged_at",
            "responded_at",
            "closed_at",
            "acknowledged_within_sla",
            "resolved_within_sla",
            "root_cause_category",
            "root_cause",
            "customer_accepted",
            "customer_satisfaction",
            "escalated_at",
            "reopen_count",
        ]
        extra_kwargs = {
            "received_at": {"help_text": "When the customer complained; now when left out."},
            "decision": {"help_text": "What was agreed, when resolved at first contact."},
            "contact_email": {
                "help_text": "The customer's e-mail, kept on this complaint only. Shown only to "
                "those who handle the complaint (its logger and assignee, quality managers)."
            },
        }
        validators: list[Any] = []

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        """Leave the customer's e-mail out for anyone who does not handle the complaint."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not lifecycle.may_act(
            user, instance, "comment", frontline_may_resolve=False
        ):
            data.pop("contact_email", None)
        return data

    @extend_schema_field(ComplaintOwnerSerializer(allow_null=True))
    def get_owner(self, complaint: Complaint) -> dict[str, Any] | None:
        """Return the owning department or partner, or None."""
        if complaint.owner_department is not None:
            owner: Any = complaint.owner_department
            kind = "department"
        elif complaint.owner_partner is not None:
            owner = complaint.owner_partner
            kind = "partner"
        else:
            return None
        return {"kind": kind, "id": owner.pk, "name": owner.name}


class ComplaintEventSerializer(serializers.ModelSerializer[ComplaintEvent]):
    """One entry of a complaint's timeline."""

    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    # Plain strings: the status choices are documented once, on the complaint.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    # The partner whose contact wrote a corrective-action note (null on every other entry).
    partner = serializers.CharField(source="partner.name", read_only=True, allow_null=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "kind", "actor", "partner", "at", "from_status", "to_status", "text"]
        read_only_fields = fields


class ComplaintQueueParameters(serializers.Serializer):
    """The queue's filters, as query parameters."""

    status = serializers.ChoiceField(
        choices=[("open", "Open (not closed)"), *Complaint.Status.choices], required=False
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    journey = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    touchpoint = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    owner = serializers.RegexField(
        rf"^(department|partner):{ID_DIGITS}$",
        required=False,
        help_text='The owner at logging, as "department:<id>" or "partner:<id>".',
    )
    assignee = serializers.RegexField(
        rf"^(none|{ID_DIGITS})$", required=False, help_text='A user id, or "none" for unassigned.'
    )
    sla = serializers.ChoiceField(
        choices=[
            ("overdue", "Overdue"),
            ("at_risk", "At risk"),
            ("escalated", "Escalated and open"),
        ],
        required=False,
    )
    search = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Part of the reference or description, or a customer reference.",
    )


class ComplaintNoteSerializer(serializers.Serializer):
    """An optional note recorded on the timeline with the step."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=LONG_TEXT)


class ComplaintRootCauseSerializer(serializers.Serializer):
    """The root cause found during investigation: a fishbone "6M" category and notes."""

    root_cause_category = serializers.ChoiceField(choices=Complaint.RootCause.choices)
    root_cause = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )


class ComplaintResponseSerializer(serializers.Serializer):
    """The decision communicated to the customer."""

    decision = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)


class ComplaintClosureSerializer(serializers.Serializer):
    """Whether the customer accepted the response, how satisfied they are (1 to 5), and where
    to e-mail them a CSAT survey invitation (optional)."""

    customer_accepted = serializers.BooleanField()
    customer_satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
    send_csat_to = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text="E-mail the customer a CSAT survey invitation for this complaint.",
    )


class ComplaintReopeningSerializer(serializers.Serializer):
    """Why a responded or closed complaint is reopened."""

    reason = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)


class ComplaintAssignmentSerializer(serializers.Serializer):
    """The person to assign."""

    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class ComplaintBulkAssignmentSerializer(serializers.Serializer):
    """Several open complaints and the one person to assign them all to."""

    complaints = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class ComplaintContactSerializer(serializers.Serializer):
    """The customer's e-mail address (empty removes it)."""

    contact_email = serializers.EmailField(allow_blank=True, max_length=254)


class ComplaintCommentSerializer(serializers.Serializer):
    """A comment for the complaint's timeline."""

    text = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)


COMPLAINT_ANSWER = OpenApiResponse(ComplaintSerializer, description="The updated complaint.")


class ComplaintViewSet(
    ReadBackMixin[Complaint],
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Complaint],
):
    """Complaints (ISO 10002): log them from integrations and move them through their life cycle.

    Frontline staff see the complaints they logged or are assigned; quality managers and
    executives see all.
    """

    serializer_class = ComplaintSerializer

    def get_queryset(self) -> QuerySet[Complaint]:
        return selectors.complaints_visible_to(self.request.user)

    def get_object(self) -> Complaint:
        """Return the complaint of the URL if the caller may see it, with its relations."""
        try:
            complaint = selectors.complaint_detail(self.request.user, int(self.kwargs["pk"]))
        except (Complaint.DoesNotExist, ValueError):
            raise Http404 from None
        self.check_object_permissions(self.request, complaint)
        return complaint

    def read_back(self, row: Complaint) -> Complaint:
        """Return the complaint as it is now, read again through the visibility rule."""
        return selectors.complaint_detail(self.request.user, row.pk)

    def answer(self, row: Complaint, code: int = status.HTTP_200_OK) -> Response:
        """Return the complaint as it is now, as the caller may read it."""
        return Response(self.serialized(self.read_back(row)), status=code)

    def serialized(self, rows: Any, *, many: bool = False) -> Any:
        """Return complaints serialized for the caller (the e-mail only for their handlers)."""
        return ComplaintSerializer(rows, many=many, context=self.get_serializer_context()).data

    @extend_schema(parameters=[ComplaintQueueParameters])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the visible complaints, soonest due first, filtered like the queue."""
        parameters = ComplaintQueueParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        rows = selectors.complaint_queue(
            request.user, selectors.QueueFilters(**parameters.validated_data)
        ).prefetch_related(*QUEUE_PREFETCHED)
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(self.serialized(rows, many=True))
        return self.get_paginated_response(self.serialized(page, many=True))

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ComplaintSerializer,
        responses={201: ComplaintSerializer},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Log a complaint sent by an integration; send an Idempotency-Key to retry safely."""
        serializer = ComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.complaint_log(
            logged_by=acting_user(request), source=Complaint.Source.API, **serializer.validated_data
        )
        return self.answer(complaint, status.HTTP_201_CREATED)

    @extend_schema(responses=ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        """Return the complaint's timeline, oldest first."""
        events = selectors.complaint_timeline(self.get_object())
        return Response(ComplaintEventSerializer(events, many=True).data)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Acknowledge receipt to the customer; stops the acknowledgement clock."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_acknowledge(
            complaint=complaint, by=acting_user(request), note=data["note"]
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def investigate(self, request: Request, pk: str) -> Response:
        """Start investigating the complaint."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_investigate(
            complaint=complaint, by=acting_user(request), note=data["note"]
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintRootCauseSerializer, responses=COMPLAINT_ANSWER)
    @action(
        detail=True,
        methods=["post"],
        url_path="root-cause",
        permission_classes=[MayActOnComplaints],
    )
    def root_cause(self, request: Request, pk: str) -> Response:
        """Record the root cause found during investigation."""
        complaint = self.get_object()
        data = _valid(ComplaintRootCauseSerializer, request)
        services.complaint_set_root_cause(
            complaint=complaint,
            by=acting_user(request),
            category=data["root_cause_category"],
            text=data["root_cause"],
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintResponseSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def respond(self, request: Request, pk: str) -> Response:
        """Record the decision communicated to the customer; stops the resolution clock."""
        complaint = self.get_object()
        data = _valid(ComplaintResponseSerializer, request)
        services.complaint_respond(
            complaint=complaint, by=acting_user(request), decision=data["decision"]
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintClosureSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def close(self, request: Request, pk: str) -> Response:
        """Close the complaint with whether the customer accepted the response."""
        complaint = self.get_object()
        data = _valid(ComplaintClosureSerializer, request)
        services.complaint_close(
            complaint=complaint,
            by=acting_user(request),
            customer_accepted=data["customer_accepted"],
            satisfaction=data["customer_satisfaction"],
            send_csat_to=data["send_csat_to"],
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintReopeningSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def reopen(self, request: Request, pk: str) -> Response:
        """Reopen a responded or closed complaint for further investigation."""
        complaint = self.get_object()
        data = _valid(ComplaintReopeningSerializer, request)
        services.complaint_reopen(
            complaint=complaint, by=acting_user(request), reason=data["reason"]
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintAssignmentSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def assign(self, request: Request, pk: str) -> Response:
        """Assign the complaint to a person, who is told by e-mail."""
        complaint = self.get_object()
        data = _valid(ComplaintAssignmentSerializer, request)
        services.complaint_assign(
            complaint=complaint, assignee=data["assignee"], by=acting_user(request)
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def escalate(self, request: Request, pk: str) -> Response:
        """Hand the complaint to quality managers, who are told by e-mail."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_escalate(complaint=complaint, by=acting_user(request), note=data["note"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintContactSerializer, responses=COMPLAINT_ANSWER)
    @action(
        detail=True,
        methods=["post"],
        url_path="contact-email",
        permission_classes=[MayActOnComplaints],
    )
    def contact_email(self, request: Request, pk: str) -> Response:
        """Set, change or remove the customer's e-mail address (those who handle it)."""
        complaint = self.get_object()
        data = _valid(ComplaintContactSerializer, request)
        services.complaint_contact_update(
            complaint=complaint, by=acting_user(request), contact_email=data["contact_email"]
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintCommentSerializer, responses={201: ComplaintEventSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayActOnComplaints])
    def comments(self, request: Request, pk: str) -> Response:
        """Add a comment to the complaint's timeline."""
        complaint = self.get_object()
        data = _valid(ComplaintCommentSerializer, request)
        event = services.complaint_comment(
            complaint=complaint, by=acting_user(request), text=data["text"]
        )
        return Response(ComplaintEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ComplaintBulkAssignmentSerializer,
        responses=OpenApiResponse(
            ComplaintSerializer(many=True), description="The complaints, now assigned."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-assign",
        permission_classes=[MayManageComplaints],
    )
    def bulk_assign(self, request: Request) -> Response:
        """Assign several open complaints to one person, who gets one e-mail listing them."""
        data = _valid(ComplaintBulkAssignmentSerializer, request)
        wanted = set(data["complaints"])
        complaints = list(self.get_queryset().filter(pk__in=wanted))
        unknown = wanted - {complaint.pk for complaint in complaints}
        if unknown:
            raise ValidationError(
                {"complaints": f"No such complaints: {', '.join(map(str, sorted(unknown)))}."}
            )
        services.complaint_bulk_assign(
            complaints=complaints, assignee=data["assignee"], by=acting_user(request)
        )
        rows = (
            selectors.complaint_queue(request.user)
            .filter(pk__in=wanted)
            .prefetch_related(*QUEUE_PREFETCHED)
        )
        return Response(self.serialized(rows, many=True))
