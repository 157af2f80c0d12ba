"""The public pages of what changed: "You said, we did" (adopted changes in plain words) and the
roadmap of ideas (planned and done), for customers.

No account needed (`login_not_required`, as the public survey pages). Only the cycles someone
chose to publish, with a public summary, are listed, and only that summary, the month and the
touchpoint's name show: no references, no names, no personal data. The roadmap lists only the
accepted and implemented ideas a reviewer put on it, with their title, status, date, touchpoint
and outcome: never who submitted them, nor their problem, proposal or reasons.

Both are cheap reads of a page of rows (no form, no write), so, like "You said, we did" before
it, the roadmap is neither throttled nor cached.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pagination import page_of

from ..selectors import published_changes, roadmap

# The roadmap's filter: its public word and the idea status it shows.
ROADMAP_FILTERS = {"planned": "accepted", "done": "implemented"}


@login_not_required
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    """List the published adopted changes, newest first, in plain words."""
    return render(
        request,
        "improvement/public/you_said_we_did.html",
        {"page_obj": page_of(request, published_changes())},
    )


@login_not_required
def idea_roadmap(request: HttpRequest) -> HttpResponse:
    """List the ideas on the public roadmap: planned ones first, then done ones, newest first."""
    shown = request.GET.get("show", "")
    if shown not in ROADMAP_FILTERS:
        shown = ""
    return render(
        request,
        "improvement/public/roadmap.html",
        {"page_obj": page_of(request, roadmap(ROADMAP_FILTERS.get(shown, ""))), "shown": shown},
    )
