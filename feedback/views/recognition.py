"""Recognition pages: the feed of kudos and giving them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import selectors, services
from ..forms import RecognitionForm


@permission_required("feedback.view_recognition", raise_exception=True)
def recognition_feed(request: HttpRequest) -> HttpResponse:
    """The recognition feed: who did what for customers, newest first."""
    return render(
        request,
        "feedback/recognition/recognition_feed.html",
        {"page_obj": page_of(request, selectors.recognition_feed(request.user))},
    )


@permission_required("feedback.add_recognition", raise_exception=True)
def recognition_create(request: HttpRequest) -> HttpResponse:
    """Give kudos to an employee, optionally for a complaint or an idea."""
    initial = {
        key: request.GET[key] for key in ("complaint", "idea", "recipient") if key in request.GET
    }
    form = RecognitionForm(request.POST or None, initial=initial, exclude_user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            recognition = services.recognition_give(
                given_by=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(
                request,
                _("Recognition sent to %(name)s.")
                % {
                    "name": recognition.recipient.get_full_name()
                    or recognition.recipient.get_username()
                },
            )
            return redirect("feedback:recognition-feed")
    linked = form["complaint"].value() or form["idea"].value()
    return render(
        request, "feedback/recognition/recognition_form.html", {"form": form, "linked": linked}
    )
