"""What each computation is: its charts, its source tables, and which count customers."""

from core.changes import Source
from stakeholders.models import CustomerActivity

from ..models import Indicator

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer


# Percentages are stored as percent (0-100); complaint rates per 1,000 activities.
PERCENT = 100.0
PER_THOUSAND = 1000.0

# The charts that fit each computation's statistic (XmR fits every series of single values).
PROPORTIONS = {
    Computation.CSAT,
    Computation.SLA_COMPLIANCE,
    Computation.FIRST_CONTACT_RESOLUTION,
    Computation.COMPLAINT_SATISFACTION,
    Computation.RETENTION,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
    Computation.CHURN,
}
COUNTS = {Computation.COMPLAINT_COUNT, Computation.IDEAS_IMPLEMENTED}
RATES = {Computation.COMPLAINT_RATE}


def charts_for(computation: str) -> set[str]:
    """Return the chart types whose statistic a computation produces."""
    if computation == Computation.OBSERVED:
        return set(ChartType.values)
    charts = {ChartType.XMR.value}
    if computation in PROPORTIONS:
        charts.add(ChartType.P)
    if computation in COUNTS:
        charts.add(ChartType.C)
    if computation in RATES:
        charts.add(ChartType.U)
    return charts


# The source tables each computation reads: a logged change of one of them dirties the cells.
SOURCES: dict[str, tuple[str, ...]] = {
    Computation.NPS: (Source.SURVEY_RESPONSE,),
    Computation.CSAT: (Source.SURVEY_RESPONSE,),
    Computation.CES: (Source.SURVEY_RESPONSE,),
    Computation.ENPS: (Source.SURVEY_RESPONSE,),
    Computation.COMPLAINT_COUNT: (Source.COMPLAINT,),
    Computation.COMPLAINT_RATE: (Source.COMPLAINT, Source.CUSTOMER_ACTIVITY),
    Computation.TIME_TO_ACKNOWLEDGE: (Source.COMPLAINT,),
    Computation.TIME_TO_RESOLVE: (Source.COMPLAINT,),
    Computation.SLA_COMPLIANCE: (Source.COMPLAINT,),
    Computation.FIRST_CONTACT_RESOLUTION: (Source.COMPLAINT,),
    Computation.COMPLAINT_SATISFACTION: (Source.COMPLAINT,),
    Computation.MYSTERY_SHOP_SCORE: (Source.AUDIT,),
    Computation.IDEAS_IMPLEMENTED: (Source.IDEA,),
    Computation.RETENTION: (Source.CUSTOMER_ACTIVITY,),
    Computation.REPEAT_PURCHASE: (Source.CUSTOMER_ACTIVITY,),
    Computation.REFERRAL_RATE: (Source.CUSTOMER_ACTIVITY,),
    Computation.CHURN: (Source.CUSTOMER_ACTIVITY,),
    Computation.OBSERVED: (Source.OBSERVATION,),
}
# The computations that count customers; `Indicator.active_customer` says who is active.
CUSTOMER_COMPUTATIONS = {
    Computation.RETENTION,
    Computation.CHURN,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
}
# Computations whose value in a period also reads the period before (previous-period definition
# of an active customer): a change there moves the next period too. The contract and trailing
# definitions read further back: see `periods_affected`.
READS_PREVIOUS_PERIOD = {Computation.RETENTION, Computation.CHURN}
# Computations whose first period depends on the earliest source row: a change at or before the
# first stored period can add or remove periods anywhere before it, so it redoes them all. (The
# customer ratios by contract or trailing window start once the records show every active
# customer, a term after the first record; by the previous period the rule only costs time.)
STARTS_AT_FIRST_ROW = {Computation.COMPLAINT_RATE, *CUSTOMER_COMPUTATIONS}

# A customer counts as active in a period when they bought, renewed or referred in it.
ACTIVE_KINDS = (
    CustomerActivity.Kind.PURCHASE,
    CustomerActivity.Kind.RENEWAL,
    CustomerActivity.Kind.REFERRAL,
)
# What starts or extends a contract, and what a customer buys in a period (repeat purchase).
CONTRACT_KINDS = (CustomerActivity.Kind.PURCHASE, CustomerActivity.Kind.RENEWAL)
