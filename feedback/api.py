"""REST API of the feedback app: complaints and their life cycle, SLA policies, ideas, kudos.

Serializers check the shape and types of the input only; every write goes through a service,
which refuses an input error with a 400 keyed by field, a step the life cycle does not allow with
a 400 naming the rule, and a step the caller may not take with a 403. Complaints are read
through the visibility rule of the pages: a complaint the caller may not see is a 404.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.permissions import RoleModelPermissions

from . import selectors, services
from .models import (
    Complaint,
    ComplaintEvent,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Recognition,
    Severity,
    SeverityPolicy,
)

User = get_user_model()

# Permissions ------------------------------------------------------------------------------------


class HoldsPermission(BasePermission):
    """Require a signed-in user holding `permission`, whatever the method."""

    permission = ""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.permission))


class MayReadComplaints(HoldsPermission):
    """Let anyone who reads complaints ask for a step; the service decides whether they may."""

    permission = "feedback.view_complaint"


class MayManageComplaints(HoldsPermission):
    """Let only those who handle any complaint (quality managers) act on many at once."""

    permission = "feedback.manage_complaints"


class MayReadIdeas(HoldsPermission):
    """Let anyone who reads ideas ask for a decision; the service decides whether they may."""

    permission = "feedback.view_improvementidea"


class MayChangeSeverityPolicies(HoldsPermission):
    """Let only those who change SLA policies set the frontline limit."""

    permission = "feedback.change_severitypolicy"


class IdeaVotePermissions(RoleModelPermissions):
    """Check the role table's permissions on votes (add to support, delete to withdraw)."""

    def get_required_permissions(self, method: str, model_cls: Any) -> list[str]:
        return super().get_required_permissions(method, IdeaVote)


# Complaints -------------------------------------------------------------------------------------


class ComplaintOwnerSerializer(serializers.Serializer):
    """The department or partner a complaint is attributed to."""

    kind = serializers.ChoiceField(choices=["department", "partner"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
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
    sla_state = serializers.ChoiceField(
        choices=["overdue", "at_risk", "on_track"],
        allow_blank=True,
        read_only=True,
        help_text="State of the running SLA clock; blank once responded.",
    )

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
        }
        validators: list[Any] = []

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

    class Meta:
        model = ComplaintEvent
        fields = ["id", "kind", "actor", "at", "from_status", "to_status", "text"]
        read_only_fields = fields


class ComplaintQueueParameters(serializers.Serializer):
    """The queue's filters, as query parameters."""

    status = serializers.ChoiceField(
        choices=[("open", "Open (not closed)"), *Complaint.Status.choices], required=False
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    journey = serializers.IntegerField(required=False)
    touchpoint = serializers.IntegerField(required=False)
    owner = serializers.RegexField(
        r"^(department|partner):\d+$",
        required=False,
        help_text='The owner at logging, as "department:<id>" or "partner:<id>".',
    )
    assignee = serializers.RegexField(
        r"^(none|\d+)$", required=False, help_text='A user id, or "none" for unassigned.'
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
        required=False, help_text="Part of the reference or description, or a customer reference."
    )


class ComplaintNoteSerializer(serializers.Serializer):
    """An optional note recorded on the timeline with the step."""

    note = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintRootCauseSerializer(serializers.Serializer):
    """The root cause found during investigation: a fishbone "6M" category and notes."""

    root_cause_category = serializers.ChoiceField(choices=Complaint.RootCause.choices)
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintResponseSerializer(serializers.Serializer):
    """The decision communicated to the customer."""

    decision = serializers.CharField(allow_blank=True)


class ComplaintClosureSerializer(serializers.Serializer):
    """Whether the customer accepted the response, and how satisfied they are (1 to 5)."""

    customer_accepted = serializers.BooleanField()
    customer_satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)


class ComplaintReopeningSerializer(serializers.Serializer):
    """Why a responded or closed complaint is reopened."""

    reason = serializers.CharField(allow_blank=True)


class ComplaintAssignmentSerializer(serializers.Serializer):
    """The person to assign."""

    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class ComplaintBulkAssignmentSerializer(serializers.Serializer):
    """Several open complaints and the one person to assign them all to."""

    complaints = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=500
    )
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class ComplaintCommentSerializer(serializers.Serializer):
    """A comment for the complaint's timeline."""

    text = serializers.CharField(allow_blank=True)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


COMPLAINT_ANSWER = OpenApiResponse(ComplaintSerializer, description="The updated complaint.")


class ComplaintViewSet(
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

    def answer(self, complaint: Complaint, code: int = status.HTTP_200_OK) -> Response:
        """Return the complaint as it is now, read again through the visibility rule."""
        fresh = selectors.complaint_detail(self.request.user, complaint.pk)
        return Response(ComplaintSerializer(fresh).data, status=code)

    @extend_schema(parameters=[ComplaintQueueParameters])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the visible complaints, soonest due first, filtered like the queue."""
        parameters = ComplaintQueueParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        rows = selectors.complaint_queue(
            request.user, selectors.QueueFilters(**parameters.validated_data)
        )
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(ComplaintSerializer(rows, many=True).data)
        return self.get_paginated_response(ComplaintSerializer(page, many=True).data)

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
            logged_by=request.user, source=Complaint.Source.API, **serializer.validated_data
        )
        return self.answer(complaint, status.HTTP_201_CREATED)

    @extend_schema(responses=ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        """Return the complaint's timeline, oldest first."""
        events = selectors.complaint_timeline(self.get_object())
        return Response(ComplaintEventSerializer(events, many=True).data)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Acknowledge receipt to the customer; stops the acknowledgement clock."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_acknowledge(complaint=complaint, by=request.user, note=data["note"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def investigate(self, request: Request, pk: str) -> Response:
        """Start investigating the complaint."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_investigate(complaint=complaint, by=request.user, note=data["note"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintRootCauseSerializer, responses=COMPLAINT_ANSWER)
    @action(
        detail=True, methods=["post"], url_path="root-cause", permission_classes=[MayReadComplaints]
    )
    def root_cause(self, request: Request, pk: str) -> Response:
        """Record the root cause found during investigation."""
        complaint = self.get_object()
        data = _valid(ComplaintRootCauseSerializer, request)
        services.complaint_set_root_cause(
            complaint=complaint,
            by=request.user,
            category=data["root_cause_category"],
            text=data["root_cause"],
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintResponseSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def respond(self, request: Request, pk: str) -> Response:
        """Record the decision communicated to the customer; stops the resolution clock."""
        complaint = self.get_object()
        data = _valid(ComplaintResponseSerializer, request)
        services.complaint_respond(complaint=complaint, by=request.user, decision=data["decision"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintClosureSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def close(self, request: Request, pk: str) -> Response:
        """Close the complaint with whether the customer accepted the response."""
        complaint = self.get_object()
        data = _valid(ComplaintClosureSerializer, request)
        services.complaint_close(
            complaint=complaint,
            by=request.user,
            customer_accepted=data["customer_accepted"],
            satisfaction=data["customer_satisfaction"],
        )
        return self.answer(complaint)

    @extend_schema(request=ComplaintReopeningSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def reopen(self, request: Request, pk: str) -> Response:
        """Reopen a responded or closed complaint for further investigation."""
        complaint = self.get_object()
        data = _valid(ComplaintReopeningSerializer, request)
        services.complaint_reopen(complaint=complaint, by=request.user, reason=data["reason"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintAssignmentSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def assign(self, request: Request, pk: str) -> Response:
        """Assign the complaint to a person, who is told by e-mail."""
        complaint = self.get_object()
        data = _valid(ComplaintAssignmentSerializer, request)
        services.complaint_assign(complaint=complaint, assignee=data["assignee"], by=request.user)
        return self.answer(complaint)

    @extend_schema(request=ComplaintNoteSerializer, responses=COMPLAINT_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def escalate(self, request: Request, pk: str) -> Response:
        """Hand the complaint to quality managers, who are told by e-mail."""
        complaint = self.get_object()
        data = _valid(ComplaintNoteSerializer, request)
        services.complaint_escalate(complaint=complaint, by=request.user, note=data["note"])
        return self.answer(complaint)

    @extend_schema(request=ComplaintCommentSerializer, responses={201: ComplaintEventSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayReadComplaints])
    def comments(self, request: Request, pk: str) -> Response:
        """Add a comment to the complaint's timeline."""
        complaint = self.get_object()
        data = _valid(ComplaintCommentSerializer, request)
        event = services.complaint_comment(complaint=complaint, by=request.user, text=data["text"])
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
            complaints=complaints, assignee=data["assignee"], by=request.user
        )
        rows = selectors.complaint_queue(request.user).filter(pk__in=wanted)
        return Response(ComplaintSerializer(rows, many=True).data)


# Severity policies ------------------------------------------------------------------------------


class SeverityPolicySerializer(serializers.ModelSerializer[SeverityPolicy]):
    """The SLA targets of one severity and whether frontline staff may resolve it."""

    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = SeverityPolicy
        fields = [
            "id",
            "severity",
            "severity_label",
            "acknowledge_within_hours",
            "resolve_within_days",
            "working_days_only",
            "frontline_may_resolve",
        ]
        read_only_fields = ["severity", "frontline_may_resolve"]


class FrontlineLimitSerializer(serializers.Serializer):
    """The highest severity frontline staff may resolve themselves (null: none)."""

    # An integer, not a choice: the severities are documented once, on the policy.
    highest_severity = serializers.IntegerField(allow_null=True)


class SeverityPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[SeverityPolicy],
):
    """SLA policies per severity; quality managers change the targets and the frontline limit."""

    queryset = SeverityPolicy.objects.order_by("severity")
    serializer_class = SeverityPolicySerializer

    def perform_update(self, serializer: BaseSerializer[SeverityPolicy]) -> None:
        policy = serializer.instance
        assert policy is not None  # an update always has its row
        data = serializer.validated_data
        services.severity_policy_update(
            policy=policy,
            acknowledge_within_hours=data.get(
                "acknowledge_within_hours", policy.acknowledge_within_hours
            ),
            resolve_within_days=data.get("resolve_within_days", policy.resolve_within_days),
            working_days_only=data.get("working_days_only", policy.working_days_only),
        )

    @extend_schema(
        request=FrontlineLimitSerializer,
        responses=OpenApiResponse(
            SeverityPolicySerializer(many=True), description="Every policy, after the change."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="frontline-limit",
        permission_classes=[MayChangeSeverityPolicies],
    )
    def frontline_limit(self, request: Request) -> Response:
        """Let frontline staff resolve their own complaints up to a severity (null: not at all)."""
        data = _valid(FrontlineLimitSerializer, request)
        services.frontline_limit_set(highest_severity=data["highest_severity"])
        return Response(SeverityPolicySerializer(self.get_queryset(), many=True).data)


# Ideas ------------------------------------------------------------------------------------------


class IdeaSerializer(serializers.ModelSerializer[ImprovementIdea]):
    """An improvement idea with its support; what a submitter writes is writable."""

    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    submitted_by_username = serializers.CharField(source="submitted_by.username", read_only=True)
    vote_count = serializers.IntegerField(read_only=True)
    supported = serializers.BooleanField(
        read_only=True, help_text="Whether the caller supports the idea."
    )

    class Meta:
        model = ImprovementIdea
        fields = [
            "id",
            "reference",
            "status",
            "title",
            "problem",
            "proposal",
            "expected_benefit",
            "touchpoint",
            "touchpoint_name",
            "source",
            "submitted_by",
            "submitted_by_username",
            "submitted_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "implemented_at",
            "vote_count",
            "supported",
        ]
        read_only_fields = [
            "status",
            "submitted_by",
            "submitted_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "implemented_at",
        ]
        validators: list[Any] = []


class IdeaEventSerializer(serializers.ModelSerializer[IdeaEvent]):
    """One entry of an idea's timeline."""

    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    # A plain string: the status choices are documented once, on the idea.
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = IdeaEvent
        fields = ["id", "actor", "at", "to_status", "text"]
        read_only_fields = fields


class IdeaAcceptanceSerializer(serializers.Serializer):
    """Why the idea is accepted (optional)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")


class IdeaDeclineSerializer(serializers.Serializer):
    """Why the idea is declined, for its submitter."""

    reason = serializers.CharField(allow_blank=True)


class IdeaNoteSerializer(serializers.Serializer):
    """An optional note on how the idea was implemented."""

    note = serializers.CharField(required=False, allow_blank=True, default="")


class IdeaFilter(filters.FilterSet):
    """Filter ideas by status, touchpoint, source and submitter."""

    class Meta:
        model = ImprovementIdea
        fields = ["status", "touchpoint", "source", "submitted_by"]


IDEA_ANSWER = OpenApiResponse(IdeaSerializer, description="The idea, after the decision.")


class IdeaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ImprovementIdea],
):
    """Improvement ideas from staff: colleagues support them, quality managers decide."""

    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter

    def get_queryset(self) -> QuerySet[ImprovementIdea]:
        # Aggregating drops the model's default ordering; paging needs a stable one.
        return selectors.idea_list(self.request.user).order_by("-submitted_at", "-id")

    def answer(self, idea: ImprovementIdea, code: int = status.HTTP_200_OK) -> Response:
        """Return the idea as it is now, with its support count."""
        return Response(IdeaSerializer(self.get_queryset().get(pk=idea.pk)).data, status=code)

    def perform_create(self, serializer: BaseSerializer[ImprovementIdea]) -> None:
        idea = services.idea_submit(submitted_by=self.request.user, **serializer.validated_data)
        # Read it back through the selector so the response carries the support count.
        serializer.instance = self.get_queryset().get(pk=idea.pk)

    @extend_schema(responses=IdeaEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        """Return the idea's timeline, oldest first."""
        events = selectors.idea_timeline(self.get_object())
        return Response(IdeaEventSerializer(events, many=True).data)

    @extend_schema(request=None, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadIdeas])
    def review(self, request: Request, pk: str) -> Response:
        """Take the idea into review."""
        idea = self.get_object()
        services.idea_review(idea=idea, by=request.user)
        return self.answer(idea)

    @extend_schema(request=IdeaAcceptanceSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadIdeas])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the idea: it becomes a candidate for a PDCA cycle."""
        idea = self.get_object()
        data = _valid(IdeaAcceptanceSerializer, request)
        services.idea_accept(idea=idea, by=request.user, reason=data["reason"])
        return self.answer(idea)

    @extend_schema(request=IdeaDeclineSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadIdeas])
    def decline(self, request: Request, pk: str) -> Response:
        """Decline the idea with the reason its submitter will read."""
        idea = self.get_object()
        data = _valid(IdeaDeclineSerializer, request)
        services.idea_decline(idea=idea, by=request.user, reason=data["reason"])
        return self.answer(idea)

    @extend_schema(request=IdeaNoteSerializer, responses=IDEA_ANSWER)
    @action(detail=True, methods=["post"], permission_classes=[MayReadIdeas])
    def implement(self, request: Request, pk: str) -> Response:
        """Mark the accepted idea as implemented."""
        idea = self.get_object()
        data = _valid(IdeaNoteSerializer, request)
        services.idea_implement(idea=idea, by=request.user, note=data["note"])
        return self.answer(idea)

    @extend_schema(
        methods=["POST"],
        description="Support a colleague's idea (once; not one's own, not after a decision).",
        request=None,
        responses={201: OpenApiResponse(IdeaSerializer, description="The idea, supported.")},
    )
    @extend_schema(
        methods=["DELETE"],
        description="Withdraw one's support for the idea (nothing happens if there was none).",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IdeaVotePermissions])
    def vote(self, request: Request, pk: str) -> Response:
        """Support a colleague's idea (POST), or withdraw the support (DELETE)."""
        idea = self.get_object()
        if request.method == "DELETE":
            services.idea_unvote(idea=idea, voter=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.idea_vote(idea=idea, voter=request.user)
        return self.answer(idea, status.HTTP_201_CREATED)


# Recognition ------------------------------------------------------------------------------------


class RecognitionSerializer(serializers.ModelSerializer[Recognition]):
    """Kudos to an employee, optionally for a complaint or an idea."""

    recipient_username = serializers.CharField(source="recipient.username", read_only=True)
    given_by_username = serializers.CharField(
        source="given_by.username", read_only=True, allow_null=True
    )
    complaint_reference = serializers.CharField(
        source="complaint.reference", read_only=True, allow_null=True
    )
    idea_reference = serializers.CharField(source="idea.reference", read_only=True, allow_null=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "recipient",
            "recipient_username",
            "given_by",
            "given_by_username",
            "behaviour",
            "complaint",
            "complaint_reference",
            "idea",
            "idea_reference",
            "given_at",
        ]
        read_only_fields = ["given_by", "given_at"]
        validators: list[Any] = []


class RecognitionFilter(filters.FilterSet):
    """Filter recognitions by who received and who gave them."""

    class Meta:
        model = Recognition
        fields = ["recipient", "given_by"]


class RecognitionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Recognition],
):
    """Recognition: kudos for behaviour that improved customer outcomes, newest first."""

    queryset = selectors.recognition_feed()
    serializer_class = RecognitionSerializer
    filterset_class = RecognitionFilter

    def perform_create(self, serializer: BaseSerializer[Recognition]) -> None:
        recognition = services.recognition_give(
            given_by=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=recognition.pk)
