"""SLA policies API: the targets per severity and the frontline limit."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from .. import services
from ..models import SeverityPolicy
from .permissions import MayChangeSeverityPolicies
from .validation import _valid


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
        pagination_class=None,  # every policy, as a plain list (there are four)
    )
    def frontline_limit(self, request: Request) -> Response:
        """Let frontline staff resolve their own complaints up to a severity (null: not at all)."""
        data = _valid(FrontlineLimitSerializer, request)
        services.frontline_limit_set(highest_severity=data["highest_severity"])
        return Response(SeverityPolicySerializer(self.get_queryset(), many=True).data)
