"""The board: a Kanban of cycles by phase, its phase lists, and moving a card on (htmx)."""

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import selectors
from ..forms import CycleFilterForm
from ..models import PDCACycle, Suggestion
from ..services import cycles as services
from ..services import phases
from .common import back_to, is_htmx, visible_cycle

Phase = PDCACycle.Phase

COLUMN_SIZE = 8  # cards a running phase's column shows; "more" opens the phase's full list
CLOSED_SIZE = 5  # the latest closed cycles; the rest are in the closed list
ORDERING = {
    Phase.PLAN: ("-created_at", "-id"),
    Phase.DO: ("do_on", "id"),
    Phase.CHECK: ("check_on", "id"),
    Phase.ACT: ("-acted_on", "-id"),
    Phase.CLOSED: ("-closed_on", "-id"),
}
# The one move a card offers on the board; deciding needs the cycle page's form.
BOARD_MOVES = {
    Phase.PLAN: ("do", gettext_lazy("Move to Do")),
    Phase.DO: ("check", gettext_lazy("Move to Check")),
    Phase.ACT: ("close", gettext_lazy("Close")),
}


def _filtered(request: HttpRequest, query: QueryDict) -> tuple[CycleFilterForm, QuerySet[Any]]:
    form = CycleFilterForm(query or None)
    rows = selectors.cycles_visible_to(request.user).filter(**form.filters())
    return form, rows


def _columns(rows: QuerySet[Any]) -> list[dict[str, Any]]:
    """Return the board's columns: each phase's first cards and how many it holds."""
    counts = dict(rows.order_by().values_list("phase").annotate(count=Count("id", distinct=True)))
    columns = []
    for phase in Phase:
        size = CLOSED_SIZE if phase == Phase.CLOSED else COLUMN_SIZE
        total = counts.get(phase.value, 0)
        columns.append(
            {
                "phase": phase.value,
                "label": phase.label,
                "cards": list(rows.filter(phase=phase).order_by(*ORDERING[phase])[:size])
                if total
                else [],
                "total": total,
                "more": max(total - size, 0),
            }
        )
    return columns


def _board_context(request: HttpRequest, query: QueryDict) -> dict[str, Any]:
    form, rows = _filtered(request, query)
    filters = query.copy()
    filters.pop("page", None)
    return {
        "form": form,
        "columns": _columns(rows),
        "moves": BOARD_MOVES,
        "can_run": request.user.has_perm("improvement.run_cycles"),
        "filter_query": filters.urlencode(),
        "board_url": reverse("improvement:board") + (f"?{filters.urlencode()}" if filters else ""),
        "filtered": any(value for key, value in query.items() if key != "page"),
    }


@permission_required("improvement.view_pdcacycle", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    """Show the cycles as a Kanban by phase, filtered by journey, owner, origin and type."""
    context = _board_context(request, request.GET)
    context["suggestions_waiting"] = (
        selectors.suggestions_visible_to(request.user).filter(status=Suggestion.Status.OPEN).count()
    )
    return render(request, "improvement/board.html", context)


@permission_required("improvement.view_pdcacycle", raise_exception=True)
def cycle_list(request: HttpRequest) -> HttpResponse:
    """List the cycles of one phase (the closed ones by default), filtered, page by page."""
    phase = request.GET.get("phase") or Phase.CLOSED
    if phase not in Phase.values:
        phase = Phase.CLOSED
    form, rows = _filtered(request, request.GET)
    rows = rows.filter(phase=phase).order_by(*ORDERING[Phase(phase)])
    return render(
        request,
        "improvement/cycle_list.html",
        {
            "form": form,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phases": Phase.choices,
            "page_obj": page_of(request, rows),
        },
    )


def _card(request: HttpRequest, reference: str) -> Any:
    """Return the cycle as a board card (with what its card shows)."""
    return selectors.cycles_visible_to(request.user).get(reference=reference)


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def cycle_advance(request: HttpRequest, reference: str) -> HttpResponse:
    """Move a card to its next phase; a refused gate is shown next to the card, naming the gaps.

    htmx swaps the answer in: the whole board once the card has moved, or the card itself with
    the refusal. Without JavaScript the board is shown again with a message.
    """
    cycle = visible_cycle(request, reference)
    move = BOARD_MOVES.get(Phase(cycle.phase))
    board_url = back_to(request, reverse("improvement:board"))
    by = acting_user(request)
    with service_errors() as call:
        if move is None:
            services.require_runner(by)
            _refuse_no_move(cycle)
        elif move[0] == "do":
            phases.cycle_start_do(cycle=cycle, by=by)
        elif move[0] == "check":
            phases.cycle_start_check(cycle=cycle, by=by)
        else:
            phases.cycle_close(cycle=cycle, by=by)
    if not is_htmx(request):
        if call.ok:
            messages.success(request, _("%(reference)s moved on.") % {"reference": reference})
        else:
            messages.error(request, call.message)
        return redirect(board_url)
    if not call.ok:
        missing = (getattr(call.error, "extra", None) or {}).get("missing", [])
        return render(
            request,
            "improvement/partials/card.html",
            {
                "cycle": _card(request, reference),
                "moves": BOARD_MOVES,
                "can_run": True,
                "board_url": board_url,
                "refusal": call.message,
                "missing": missing,
            },
        )
    query = QueryDict(urlsplit(board_url).query)
    response = render(request, "improvement/partials/board.html", _board_context(request, query))
    response["HX-Retarget"] = "#board"
    response["HX-Reswap"] = "outerHTML"
    return response


def _refuse_no_move(cycle: PDCACycle) -> None:
    """Refuse a board move from a phase that has none (Check needs the cycle page's decision)."""
    raise ApplicationError(
        _("%(reference)s is in %(phase)s: open the cycle to decide or run the Check.")
        % {"reference": cycle.reference, "phase": cycle.get_phase_display()}
    )
