"""Writing to complainants through the API: the reply templates, a complaint's messages to and
from the customer, and the inbound route a mail provider posts customers' replies to."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.roles import acting_user
from core.validation import ID_DIGITS, LONG_TEXT

from .. import lifecycle, selectors, services
from ..models import Complaint, ComplaintMessage, ReplyTemplate
from .permissions import MayActOnComplaints, MayManageComplaints
from .validation import _valid

# A mail provider's inbound webhook sends whole e-mails: longer texts are cut, not refused.
INBOUND_TEXT_LIMIT = 1_000_000


class ReplyTemplatePermissions(BasePermission):
    """Those who handle complaints read the templates; quality managers keep them."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return bool(
                user.has_perm("feedback.add_complaint")
                or user.has_perm("feedback.manage_complaints")
            )
        return bool(user.has_perm("feedback.manage_complaints"))


class ReplyTemplateSerializer(serializers.ModelSerializer[ReplyTemplate]):
    """A reply template: its subject and body may hold placeholders such as {reference}."""

    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = ReplyTemplate
        fields = [
            "id",
            "name",
            "purpose",
            "subject",
            "body",
            "is_active",
            "created_by",
            "updated_at",
        ]
        read_only_fields = ["created_by", "updated_at"]
        extra_kwargs = {
            "body": {
                "help_text": "Placeholders: {reference}, {customer_reference}, {received_on}, "
                "{acknowledge_due}, {due_date}, {decision}, {handler}, {organisation}; a brace "
                "itself is written {{ or }}."
            }
        }
        validators: list[Any] = []


class ReplyTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[ReplyTemplate],
):
    """Reply templates: what staff start from when they write to a complainant.

    Those who handle complaints read them; quality managers add, change and retire them
    (`is_active: false`). A template is a controlled document: it is retired, never deleted.
    """

    serializer_class = ReplyTemplateSerializer
    permission_classes = [ReplyTemplatePermissions]
    lookup_value_regex = ID_DIGITS
    filterset_fields = ["purpose", "is_active"]

    def get_queryset(self) -> QuerySet[ReplyTemplate]:
        return selectors.reply_templates()

    def perform_create(self, serializer: BaseSerializer[ReplyTemplate]) -> None:
        serializer.instance = services.reply_template_create(
            by=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[ReplyTemplate]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.reply_template_update(
            template=serializer.instance,
            by=acting_user(self.request),
            **serializer.validated_data,
        )


class ComplaintMessageSerializer(serializers.ModelSerializer[ComplaintMessage]):
    """An e-mail to the customer (outbound; `sent_at` once it has left) or their reply
    (inbound; `inbound_via` says how it reached the complaint)."""

    template_name = serializers.CharField(source="template.name", read_only=True, allow_null=True)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True)

    class Meta:
        model = ComplaintMessage
        fields = [
            "id",
            "direction",
            "inbound_via",
            "template",
            "template_name",
            "address",
            "subject",
            "body",
            "author",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


class ComplaintMessageCreateSerializer(serializers.Serializer):
    """An e-mail to send to the customer, or a reply of theirs to log.

    Outbound: the subject and body (placeholders filled on sending), or a template to send as
    it is. Inbound: the reply's text, its subject and the address it came from (the complaint's
    when left out).
    """

    direction = serializers.ChoiceField(choices=ComplaintMessage.Direction.choices)
    template = serializers.PrimaryKeyRelatedField(
        queryset=ReplyTemplate.objects.all(), required=False, allow_null=True, default=None
    )
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=LONG_TEXT)
    address = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Inbound only: who the reply came from (the complaint's address if empty).",
    )


class ComplaintMessageViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet[ComplaintMessage],
):
    """A complaint's messages to and from the customer, oldest first: for those who handle the
    complaint (its logger or assignee, quality managers)."""

    serializer_class = ComplaintMessageSerializer
    permission_classes = [MayActOnComplaints]
    pagination_class = None

    def complaint(self) -> Complaint:
        """Return the complaint of the URL if the caller may see and handle it."""
        try:
            complaint = selectors.complaint_detail(
                self.request.user, int(self.kwargs["complaint_pk"])
            )
        except (Complaint.DoesNotExist, ValueError):
            raise Http404 from None
        if not lifecycle.may_act(
            self.request.user, complaint, "comment", frontline_may_resolve=False
        ):
            raise Http404
        return complaint

    def get_queryset(self) -> QuerySet[ComplaintMessage]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no complaint
            return ComplaintMessage.objects.none()
        return selectors.complaint_messages(self.complaint())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return the complaint's e-mails to the customer and their replies, oldest first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ComplaintMessageCreateSerializer,
        responses={201: ComplaintMessageSerializer},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """E-mail the customer (outbound, sent after commit) or log their reply (inbound)."""
        complaint = self.complaint()
        data = _valid(ComplaintMessageCreateSerializer, request)
        by = acting_user(request)
        template: ReplyTemplate | None = data["template"]
        if data["direction"] == ComplaintMessage.Direction.OUTBOUND:
            message = services.complaint_message_send(
                complaint=complaint,
                by=by,
                subject=data["subject"] or (template.subject if template else ""),
                body=data["body"] or (template.body if template else ""),
                template=template,
            )
        else:
            message = services.complaint_reply_log(
                complaint=complaint,
                by=by,
                address=data["address"],
                subject=data["subject"],
                body=data["body"],
            )
        return Response(ComplaintMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class InboundReplySerializer(serializers.Serializer):
    """A customer's e-mail as a mail provider's inbound webhook forwards it."""

    recipient = serializers.CharField(
        max_length=1000,
        help_text="The address it was sent to: replies+<token>@… names the message it answers.",
    )
    sender = serializers.CharField(max_length=1000, help_text="Who sent it (Name <address>).")
    subject = serializers.CharField(max_length=1000, allow_blank=True, default="")
    text = serializers.CharField(
        max_length=INBOUND_TEXT_LIMIT,
        help_text="The plain text of the e-mail; beyond 10,000 characters it is cut.",
    )


class ComplaintReplyViewSet(viewsets.GenericViewSet[ComplaintMessage]):
    """The inbound route of customers' replies, for a mail provider's inbound webhook (an API
    token of a user who handles every complaint).

    The same reply posted again (same complaint, sender, subject and text within three days, a
    provider retrying) is logged once; an Idempotency-Key header works too.
    """

    serializer_class = ComplaintMessageSerializer
    permission_classes = [MayManageComplaints]

    def get_queryset(self) -> QuerySet[ComplaintMessage]:
        return ComplaintMessage.objects.none()

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InboundReplySerializer,
        responses={201: ComplaintMessageSerializer},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        """Log a customer's reply on the complaint whose e-mail it answers."""
        data = _valid(InboundReplySerializer, request)
        message = services.complaint_reply_receive(
            by=acting_user(request),
            to_address=data["recipient"],
            sender=data["sender"],
            subject=data["subject"],
            text=data["text"],
        )
        return Response(ComplaintMessageSerializer(message).data, status=status.HTTP_201_CREATED)
