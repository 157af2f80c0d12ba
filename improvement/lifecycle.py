"""The life cycle of a PDCA cycle: plan → do → check → act → closed.

Each move has a gate besides the status: leaving Plan needs the problem, the root cause, the
target indicator and the target; leaving Do needs every action done or deferred with a reason;
deciding in Act needs the Check's verdict (an inconclusive one allows only abandoning, with the
reason). The services check the gates on the locked row and name everything missing at once.
"""

from django.utils.translation import gettext_lazy

from core.lifecycle import LifeCycle, Transition

from .models import PDCACycle

Phase = PDCACycle.Phase

CYCLE_TRANSITIONS: LifeCycle[PDCACycle] = LifeCycle(
    Phase,
    {
        "do": Transition(frozenset({Phase.PLAN}), Phase.DO, gettext_lazy("moved to Do")),
        "check": Transition(frozenset({Phase.DO}), Phase.CHECK, gettext_lazy("moved to Check")),
        "decide": Transition(frozenset({Phase.CHECK}), Phase.ACT, gettext_lazy("decided")),
        "close": Transition(frozenset({Phase.ACT}), Phase.CLOSED, gettext_lazy("closed")),
    },
    refusal=gettext_lazy(
        "%(reference)s is in %(status)s: only a cycle in %(allowed)s can be %(done)s."
    ),
    field="phase",
)

OPEN_PHASES = frozenset({Phase.PLAN, Phase.DO, Phase.CHECK, Phase.ACT})
