"""Partner scorecards API: the latest score of each partner, and one partner's 12 months.

Read-only, through the pages' rule (`scorecard_partners_visible_to`): staff who read every
scorecard see every partner; a partner contact only their own (another partner answers 404);
everyone else gets 403. The scores are the stored ones the nightly refresh writes.
"""

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stakeholders.models import Partner

from ..models import Criterion, Standing
from ..selectors import scorecards as selectors


class MayReadScorecards(BasePermission):
    """Let whoever holds `reports.view_partnerscore` ask; the selector decides which partners."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("reports.view_partnerscore"))


class ScorecardSerializer(serializers.Serializer):
    """A partner's score in the last complete month, its standing and the change since."""

    partner = serializers.IntegerField(source="pk", help_text="The partner's id.")
    partner_name = serializers.CharField(source="name")
    period = serializers.DateField(help_text="The month scored: its first day.")
    score = serializers.FloatField(
        source="latest_score", allow_null=True, help_text="0 to 100; null without data."
    )
    standing = serializers.ChoiceField(
        source="latest_standing",
        choices=Standing.choices,
        allow_blank=True,
        allow_null=True,
        help_text="Blank without a score.",
    )
    previous_score = serializers.FloatField(allow_null=True, help_text="The month before's.")
    change = serializers.FloatField(allow_null=True)


class MonthScoreSerializer(serializers.Serializer):
    """A partner's stored score of one month."""

    period = serializers.DateField()
    score = serializers.FloatField(allow_null=True)
    standing = serializers.ChoiceField(choices=Standing.choices, allow_blank=True)


class CriterionScoreSerializer(serializers.Serializer):
    """One criterion of the month: its evidence against the expectation, its part in the score."""

    criterion = serializers.ChoiceField(source="key", choices=Criterion.choices)
    name = serializers.CharField(source="label", help_text="The criterion in words.")
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    value = serializers.FloatField(allow_null=True, help_text="Null: no data this month.")
    n = serializers.IntegerField(allow_null=True, help_text="The records the value rests on.")
    base = serializers.IntegerField(allow_null=True, help_text="A rate's activities.")
    expectation = serializers.FloatField()
    agreed = serializers.BooleanField(help_text="Agreed with the partner (else the default).")
    sub_score = serializers.FloatField(allow_null=True)
    weight = serializers.IntegerField(help_text="The weight set (0-100).")
    weight_used = serializers.FloatField(
        help_text="The weight it counted with (%), renormalised over the criteria with data."
    )
    left_out = serializers.BooleanField()


class ScorecardDetailSerializer(ScorecardSerializer):
    """A partner's scorecard: the last complete month's breakdown and the last 12 months."""

    breakdown = CriterionScoreSerializer(many=True)
    months = MonthScoreSerializer(many=True, help_text="The last 12 complete months, oldest first.")
    in_progress = serializers.DateField(help_text="The month in progress, not scored.")


class ScorecardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Partner]
):
    """Partner scorecards: each partner's score, standing and evidence, month by month."""

    permission_classes = [MayReadScorecards]
    serializer_class = ScorecardSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list[Any] = []  # no filters: the list is one row per visible partner

    def month(self) -> date:
        """Return the month the scorecards show: the last complete one."""
        return selectors.latest_complete_month()

    def get_queryset(self) -> QuerySet[Partner]:
        partners = selectors.scorecard_partners_visible_to(self.request.user)
        return selectors.scorecard_comparison(partners, month=self.month(), sort="name")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ScorecardDetailSerializer if self.action == "retrieve" else ScorecardSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        month = self.month()
        page = self.paginate_queryset(self.get_queryset())
        rows = [{**_summary(partner), "period": month} for partner in page or []]
        return self.get_paginated_response(ScorecardSerializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partner = self.get_object()
        month = self.month()
        months = selectors.months_ending(month)
        trend = selectors.scorecard_trends([partner.pk], months)[partner.pk]
        stored = selectors.partner_score(partner, month)
        rows = selectors.breakdown_rows(
            stored, selectors.scorecard_criteria(), selectors.partner_expectations(partner)
        )
        body = {
            **_summary(partner),
            "period": month,
            "breakdown": [{**asdict(row), "left_out": row.left_out} for row in rows],
            "months": [asdict(month_score) for month_score in trend],
            "in_progress": selectors.today_month(),
        }
        return Response(ScorecardDetailSerializer(body).data)


def _summary(partner: Partner) -> dict[str, Any]:
    """Return the comparison's fields of an annotated partner."""
    return {
        "pk": partner.pk,
        "name": partner.name,
        "latest_score": getattr(partner, "latest_score", None),
        "latest_standing": getattr(partner, "latest_standing", None) or "",
        "previous_score": getattr(partner, "previous_score", None),
        "change": _rounded(getattr(partner, "change", None)),
    }


def _rounded(value: float | None) -> float | None:
    """Return a difference of scores to one decimal, as the scores are stored."""
    return None if value is None else round(value, 1)
