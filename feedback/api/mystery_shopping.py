"""Mystery-shopping API: weighted checklists per touchpoint, and the audits scored against them."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ReadBackMixin
from core.roles import acting_user
from core.validation import LONG_TEXT, validate_date_in_range, validate_record_date

from .. import selectors, services
from ..models import ITEM_SCORE_MAX, Audit, AuditItemScore, ChecklistItem, ChecklistTemplate
from .validation import _valid


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    """One weighted check; items keep the order they were given in."""

    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text", "weight"]
        read_only_fields = ["id", "order"]


class ChecklistSerializer(serializers.ModelSerializer[ChecklistTemplate]):
    """A checklist for one touchpoint with its items, in order."""

    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    items = ChecklistItemSerializer(
        many=True,
        help_text="The checks in order; they may change only until the first audit used them.",
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "touchpoint", "touchpoint_name", "is_active", "items"]
        validators: list[Any] = []


class ChecklistFilter(filters.FilterSet):
    """Filter checklists by touchpoint and whether they are in use."""

    class Meta:
        model = ChecklistTemplate
        fields = ["touchpoint", "is_active"]


def _pairs(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Return the items as (text, weight) pairs; an item without a weight weighs 1 (the model's
    default, as on the page). A PATCH leaves every nested field optional: the text is checked."""
    if any("text" not in item for item in items):
        raise serializers.ValidationError({"items": [_("Every item needs its text.")]})
    default = ChecklistItem._meta.get_field("weight").get_default()
    return [(item["text"], item.get("weight", default)) for item in items]


class ChecklistViewSet(
    ReadBackMixin[ChecklistTemplate],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[ChecklistTemplate],
):
    """Mystery-shopping checklists: everyone reads them, quality managers write them."""

    serializer_class = ChecklistSerializer
    filterset_class = ChecklistFilter

    def get_queryset(self) -> QuerySet[ChecklistTemplate]:
        return (
            ChecklistTemplate.objects.select_related("touchpoint")
            .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order")))
            .order_by("touchpoint", "name", "id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Write a checklist for a touchpoint with its weighted items."""
        data = _valid(ChecklistSerializer, request)
        checklist = services.checklist_create(
            by=acting_user(request),
            touchpoint=data["touchpoint"],
            name=data["name"],
            items=_pairs(data["items"]),
            is_active=data.get("is_active", True),
        )
        return self.answer(checklist, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a checklist; sending `items` replaces them (only before its first audit)."""
        checklist = self.get_object()
        serializer = ChecklistSerializer(
            checklist, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "items" in data:
            data["items"] = _pairs(data["items"])
        services.checklist_update(checklist=checklist, by=acting_user(request), **data)
        return self.answer(checklist)


class AuditItemScoreSerializer(serializers.ModelSerializer[AuditItemScore]):
    """The score an audit gave one checklist item (0 not done … 4 excellent)."""

    item_text = serializers.CharField(source="item.text", read_only=True)
    weight = serializers.IntegerField(source="item.weight", read_only=True)

    class Meta:
        model = AuditItemScore
        fields = ["item", "item_text", "weight", "score", "note"]
        read_only_fields = fields


class AuditSerializer(serializers.ModelSerializer[Audit]):
    """A mystery-shopping visit with a score per item and the weighted total in percent."""

    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    auditor_username = serializers.CharField(
        source="auditor.username", read_only=True, allow_null=True
    )
    item_scores = AuditItemScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "template",
            "template_name",
            "touchpoint",
            "touchpoint_name",
            "auditor",
            "auditor_username",
            "visited_on",
            "notes",
            "score",
            "created_at",
            "item_scores",
        ]
        read_only_fields = fields


class AuditItemInputSerializer(serializers.Serializer):
    """The score given to one item of the checklist, with an optional note."""

    item = serializers.IntegerField(help_text="The checklist item's id.")
    score = serializers.IntegerField(min_value=0, max_value=ITEM_SCORE_MAX)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AuditRecordingSerializer(serializers.Serializer):
    """A visit to record: the checklist, the date, notes and a score for every item."""

    template = serializers.PrimaryKeyRelatedField(queryset=ChecklistTemplate.objects.all())
    visited_on = serializers.DateField(validators=[validate_record_date])
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    item_scores = AuditItemInputSerializer(many=True)


class AuditCorrectionSerializer(serializers.Serializer):
    """Corrections to an audit; item scores, when sent, replace all the old ones."""

    visited_on = serializers.DateField(required=False, validators=[validate_record_date])
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    item_scores = AuditItemInputSerializer(many=True, required=False)


class AuditFilter(filters.FilterSet):
    """Filter audits by touchpoint, checklist, auditor and visit dates."""

    date_from = filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", validators=[validate_date_in_range]
    )
    date_to = filters.DateFilter(
        field_name="visited_on", lookup_expr="lte", validators=[validate_date_in_range]
    )

    class Meta:
        model = Audit
        fields = ["touchpoint", "template", "auditor", "date_from", "date_to"]


def _scores(rows: list[dict[str, Any]]) -> tuple[dict[int, int], dict[int, str]]:
    return (
        {row["item"]: row["score"] for row in rows},
        {row["item"]: row["note"] for row in rows if row.get("note")},
    )


class AuditViewSet(
    ReadBackMixin[Audit],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Audit],
):
    """Mystery-shopping audits: quality managers and executives record them, everyone reads."""

    serializer_class = AuditSerializer
    filterset_class = AuditFilter

    def get_queryset(self) -> QuerySet[Audit]:
        return selectors.audit_list().prefetch_related(
            Prefetch(
                "item_scores",
                queryset=AuditItemScore.objects.select_related("item").order_by("item__order"),
            )
        )

    @extend_schema(request=AuditRecordingSerializer, responses={201: AuditSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a visit; every item of the checklist needs a score from 0 to 4."""
        data = _valid(AuditRecordingSerializer, request)
        scores, notes = _scores(data["item_scores"])
        audit = services.audit_record(
            template=data["template"],
            auditor=acting_user(request),
            visited_on=data["visited_on"],
            notes=data["notes"],
            scores=scores,
            item_notes=notes,
        )
        return self.answer(audit, status.HTTP_201_CREATED)

    @extend_schema(request=AuditCorrectionSerializer, responses=AuditSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct an audit (quality managers); the weighted score is computed again."""
        audit = self.get_object()
        data = _valid(AuditCorrectionSerializer, request)
        scores, notes = _scores(data["item_scores"]) if "item_scores" in data else (None, None)
        services.audit_correct(
            audit=audit,
            by=acting_user(request),
            visited_on=data.get("visited_on"),
            notes=data.get("notes"),
            scores=scores,
            item_notes=notes,
        )
        return self.answer(audit)
