"""The fixed vocabularies of the stakeholders app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderGroup(models.TextChoices):
    """The six stakeholder groups of the TQM ecosystem around the customer."""

    CUSTOMERS = "customers", _("Customers")
    EMPLOYEES = "employees", _("Employees")
    LEADERS = "leaders", _("Leaders")
    PARTNERS = "partners", _("Partners & suppliers")
    SHAREHOLDERS = "shareholders", _("Shareholders & investors")
    COMMUNITIES = "communities", _("Communities & regulators")


# Weights of the partner selection criteria (they add up to 1): reliability and customer impact
# weigh most because partners deliver touchpoints the customer experiences directly.
SELECTION_WEIGHTS = {
    "reliability_score": 0.35,
    "customer_impact_score": 0.30,
    "values_score": 0.20,
    "cost_score": 0.15,
}
SCORE_MIN, SCORE_MAX = 1, 5
