"""The public "You said, we did" page: adopted changes in plain words, for customers.

No account needed (`login_not_required`, as the public survey pages). Only the cycles someone
chose to publish, with a public summary, are listed, and only that summary, the month and the
touchpoint's name show: no references, no names, no personal data.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pagination import page_of

from ..selectors import published_changes


@login_not_required
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    """List the published adopted changes, newest first, in plain words."""
    return render(
        request,
        "improvement/public/you_said_we_did.html",
        {"page_obj": page_of(request, published_changes())},
    )
