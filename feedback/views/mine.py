"""My submissions: the user's complaints and ideas with what became of them, and their kudos."""

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pagination import page_of

from .. import selectors
from ..models import Complaint, ComplaintEvent, ImprovementIdea

MY_TABS = ("complaints", "ideas", "recognitions")


# Every staff role reads complaints; a partner contact, who submits nothing here, is refused.
@permission_required("feedback.view_complaint", raise_exception=True)
def my_submissions(request: HttpRequest) -> HttpResponse:
    """Show the user's complaints and ideas with what became of them, and their recognitions."""
    tab = request.GET.get("tab", "complaints")
    if tab not in MY_TABS:
        tab = "complaints"
    user: Any = request.user
    rows: Any
    if tab == "complaints":
        rows = selectors.my_complaints(user)
    elif tab == "ideas":
        rows = selectors.my_ideas(user)
    else:
        rows = selectors.recognitions_for(user)
    counts = {
        "complaints": Complaint.objects.filter(logged_by=user).count(),
        "ideas": ImprovementIdea.objects.filter(submitted_by=user).count(),
        "recognitions": selectors.recognitions_for(user).count(),
    }
    return render(
        request,
        "feedback/mine/my_submissions.html",
        {
            "tab": tab,
            "page_obj": page_of(request, rows),
            "counts": counts,
            "kinds": ComplaintEvent.Kind.choices,
        },
    )
