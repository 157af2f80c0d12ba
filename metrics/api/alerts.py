"""Alerts API: the alert rules, one's subscriptions to them, and the alerts raised.

Every member of staff reads the rules and the alerts (`selectors_alerts`); quality managers
define, change and switch off rules (DELETE switches a rule off: its alerts are kept). Each
person lists, adds and removes their own subscriptions; quality managers also subscribe a role
(anyone else: 400 naming `role`). A refused value answers 400 naming its field.
"""

from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.models import ChatChannel
from core.roles import acting_user
from journeys.models import Journey

from .. import rules as signal_rules
from .. import selectors_alerts as selectors
from .. import services_alerts as services
from ..models import Alert, AlertRule, AlertSubscription, Indicator
from ..models.alerts import ALERT_STATUSES

RULE_FIELDS = [
    "name",
    "trigger",
    "signal_rule",
    "statuses",
    "threshold",
    "direction",
    "change_percent",
    "change_periods",
    "scope",
    "indicator",
    "stakeholder_group",
    "journey",
    "is_active",
]


class AlertRuleSerializer(serializers.ModelSerializer[AlertRule]):
    """An alert rule: what raises its alerts, on which indicators; the fields a trigger or a
    scope does not use are ignored."""

    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=ALERT_STATUSES),
        required=False,
        help_text="For a status trigger: amber, red or both.",
    )
    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        required=False,
        allow_null=True,
        help_text="The indicator's code, for a rule on one indicator.",
    )
    journey = serializers.PrimaryKeyRelatedField(
        queryset=Journey.objects.all(), required=False, allow_null=True
    )
    trigger_text = serializers.CharField(
        read_only=True, help_text="What raises the rule's alerts, in words."
    )
    scope_text = serializers.CharField(
        read_only=True, help_text="Which indicators the rule watches, in words."
    )
    subscriptions = serializers.SerializerMethodField(
        help_text="How many subscriptions the rule has (people, roles, chat channels)."
    )

    class Meta:
        model = AlertRule
        fields = [
            "id",
            *RULE_FIELDS,
            "trigger_text",
            "scope_text",
            "subscriptions",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        validators: list[Any] = []

    def get_subscriptions(self, rule: AlertRule) -> int:
        counted = getattr(rule, "subscriber_count", None)
        return counted if counted is not None else rule.subscriptions.count()


class AlertRulePermissions(BasePermission):
    """Staff read the rules; quality managers add them, change them and switch them off."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return user.has_perm("metrics.view_alertrule")
        if request.method == "POST":
            return user.has_perm("metrics.add_alertrule")
        return user.has_perm("metrics.change_alertrule")  # DELETE switches the rule off


class AlertRuleFilter(filters.FilterSet):
    """Filter alert rules by trigger, scope and whether they are active."""

    class Meta:
        model = AlertRule
        fields = ["trigger", "scope", "is_active"]


@extend_schema_view(
    destroy=extend_schema(
        description="Switch the rule off: it raises no more alerts; its subscriptions and past "
        "alerts are kept.",
        responses={204: OpenApiResponse(description="The rule is switched off.")},
    )
)
class AlertRuleViewSet(viewsets.ModelViewSet[AlertRule]):
    """Alert rules: a trigger (signal, status, threshold, change) on a scope of indicators."""

    serializer_class = AlertRuleSerializer
    permission_classes = [AlertRulePermissions]
    filterset_class = AlertRuleFilter

    def get_queryset(self) -> Any:
        return selectors.alert_rules_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[AlertRule]) -> None:
        serializer.instance = services.alert_rule_create(
            user=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[AlertRule]) -> None:
        assert serializer.instance is not None  # an update always has its row
        services.alert_rule_update(rule=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: AlertRule) -> None:
        services.alert_rule_deactivate(rule=instance)


class AlertSubscriptionSerializer(serializers.ModelSerializer[AlertSubscription]):
    """A subscription to a rule: a person (the caller) or a role (quality managers), its
    channel and how often it is told."""

    rule = serializers.PrimaryKeyRelatedField(queryset=AlertRule.objects.all())
    role = serializers.ChoiceField(
        choices=AlertSubscription.ROLE_CHOICES,
        required=False,
        allow_blank=True,
        help_text="Quality managers only: everyone holding this role. Empty: the caller.",
    )
    chat_channel = serializers.PrimaryKeyRelatedField(
        queryset=ChatChannel.objects.all(),
        required=False,
        allow_null=True,
        help_text="For the chat channel: the channel posted to (quality managers).",
    )
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = AlertSubscription
        fields = [
            "id",
            "rule",
            "rule_name",
            "user",
            "role",
            "channel",
            "chat_channel",
            "frequency",
            "last_digest_at",
            "created_at",
        ]
        read_only_fields = ["user", "last_digest_at", "created_at"]
        validators: list[Any] = []


class AlertSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[AlertSubscription],
):
    """One's subscriptions to alert rules (quality managers: the roles' too)."""

    serializer_class = AlertSubscriptionSerializer
    filter_backends: list[Any] = []  # one person's subscriptions: a short list

    def get_queryset(self) -> Any:
        return selectors.subscriptions_of(self.request.user)

    def perform_create(self, serializer: BaseSerializer[AlertSubscription]) -> None:
        serializer.instance = services.alert_subscription_create(
            by=acting_user(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: AlertSubscription) -> None:
        services.alert_subscription_delete(by=acting_user(self.request), subscription=instance)


class AlertSerializer(serializers.ModelSerializer[Alert]):
    """An alert raised on an indicator: by an alert rule, or the indicator owner's own."""

    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    alert_rule_name = serializers.SerializerMethodField()
    rule_label = serializers.SerializerMethodField(
        help_text="The special-cause rule in words (a signal's alert)."
    )
    link = serializers.CharField(
        source="indicator.get_absolute_url", read_only=True, help_text="The indicator's page."
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "alert_rule",
            "alert_rule_name",
            "indicator",
            "indicator_name",
            "kind",
            "period",
            "rule",
            "rule_label",
            "message",
            "link",
            "created_at",
        ]

    def get_alert_rule_name(self, alert: Alert) -> str:
        return alert.alert_rule.name if alert.alert_rule is not None else ""

    def get_rule_label(self, alert: Alert) -> str:
        if alert.kind != Alert.Kind.SIGNAL:
            return ""
        return signal_rules.RULE_LABELS.get(alert.rule, alert.rule)


class AlertFilter(filters.FilterSet):
    """Filter alerts by indicator code, kind, alert rule and when they were raised."""

    indicator = filters.CharFilter(field_name="indicator__code", label="indicator code")
    since = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Alert
        fields = ["indicator", "kind", "alert_rule", "since"]


class AlertViewSet(viewsets.ReadOnlyModelViewSet[Alert]):
    """Alerts raised on the indicators the caller reads, newest first."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self) -> Any:
        return selectors.alerts_visible_to(self.request.user)
