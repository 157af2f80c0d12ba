"""Admin registrations of the reports app.

The scorecards' rules change on their pages, where the weights are checked to add up to 100 and
every month is scored again (core.admin explains the rule): the admin shows them and their
history. The scores are written by the nightly refresh only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, RecordOnly

from .models import PartnerExpectation, PartnerScore, ScorecardCriterion


@admin.register(ScorecardCriterion)
class ScorecardCriterionAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["key", "weight", "expectation", "tolerance", "direction", "unit"]
    added_on = _("The six criteria are fixed; their weights are set on the Scorecards page.")


@admin.register(PartnerExpectation)
class PartnerExpectationAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["partner", "criterion", "expectation"]
    list_filter = ["criterion"]
    added_on = _("Expectations are agreed on each partner's scorecard page.")


@admin.register(PartnerScore)
class PartnerScoreAdmin(RecordOnly):
    list_display = ["partner", "period", "score", "standing", "computed_at"]
    list_filter = ["standing", "period"]
    added_on = _("Scores are computed each night from the evidence.")
