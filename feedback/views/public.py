"""The public survey pages: a customer answers from a survey link or a personal invitation.

No account needed. Works without JavaScript (a plain form post), one tap per score. Every client
address (`core.network.client_address`, which reads the TLS proxy's X-Forwarded-For when
TRUSTED_PROXY_COUNT says so) is limited to `PUBLIC_SURVEY_RATE_LIMIT` requests per
`PUBLIC_SURVEY_RATE_WINDOW` seconds, counted in Django's cache (in production the cache must be
shared by all web processes, e.g. Redis; the default local-memory cache counts per process).
Unknown, closed or expired links get a friendly page (404 or 410), never an error.

The embed pages (/s/<token>/embed/) are the same form for a survey's public link, made to sit in
an <iframe> on the organisation's website: only they may be framed, by the sites
SURVEY_EMBED_ANCESTORS names (the Content-Security-Policy's frame-ancestors; X-Frame-Options is
left off them), and they take an answer without the CSRF check. A browser does not send this
site's cookies to a frame on another site, so a CSRF token could never match there; the check
protects a signed-in person's session, and these pages read none: an answer posted from another
site is an anonymous answer, as the page itself would send, and counts against the same rate
limit. Personal invitations are not embedded (their links are sent to one person).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.forms import service_errors
from core.network import client_address

from .. import selectors, services
from ..forms import AnswerForm
from ..models import Survey, SurveyInvitation, SurveyResponse


def _too_many(request: HttpRequest) -> bool:
    """Count the request against the client address; return whether it is over the limit."""
    limit = settings.PUBLIC_SURVEY_RATE_LIMIT
    window = settings.PUBLIC_SURVEY_RATE_WINDOW
    address = client_address(request) or "unknown"
    key = f"public-survey-rate:{address}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


@dataclass
class Target:
    """What a token opens: a survey, and the invitation when the token is personal."""

    survey: Survey
    invitation: SurveyInvitation | None = None


EMBED_PAGES = {"embed", "embed-thanks"}


def _embedded(request: HttpRequest) -> bool:
    """Return whether the page is drawn in an embed frame (see the module's docstring)."""
    match = request.resolver_match
    return match is not None and match.url_name in EMBED_PAGES


def _framable(response: HttpResponse) -> HttpResponse:
    """Let the sites SURVEY_EMBED_ANCESTORS names frame the response (and only this one)."""
    response.xframe_options_exempt = True
    ancestors = {"frame-ancestors": settings.SURVEY_EMBED_ANCESTORS}
    response._csp_replace = ancestors  # type: ignore[attr-defined]
    response._csp_replace_ro = ancestors  # type: ignore[attr-defined]
    return response


def _target(token: str) -> Target | None:
    if len(token) > 40:
        return None
    survey = Survey.objects.filter(public_token=token).first()
    if survey is not None:
        return Target(survey)
    invitation = SurveyInvitation.objects.select_related("survey").filter(token=token).first()
    if invitation is not None:
        return Target(invitation.survey, invitation)
    return None


def _unavailable(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    response = render(
        request,
        "feedback/surveys/public_unavailable.html",
        {"title": title, "text": text, "embed": _embedded(request)},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(settings.PUBLIC_SURVEY_RATE_WINDOW)
    return response


def _throttled(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        _("Please wait a few minutes"),
        _("We received many answers from your connection in a short time. Try again shortly."),
        429,
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        _("We could not find this survey"),
        _("The link may be incomplete. Please check that you copied all of it."),
        404,
    )


def _closed(request: HttpRequest, text: str) -> HttpResponse:
    return _unavailable(request, _("This survey is closed"), text, 410)


def _refusal(request: HttpRequest, target: Target) -> HttpResponse | None:
    """Return the friendly page when the target cannot take an answer now."""
    if target.survey.is_employee_survey:
        return _not_found(request)
    if target.invitation is not None and not selectors.invitation_usable(target.invitation):
        return _closed(request, _("This personal link has expired. Thank you for your interest."))
    if not target.survey.is_open():
        return _closed(request, _("It no longer takes answers. Thank you for your interest."))
    return None


@login_not_required
@never_cache
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Show the survey's question and take the customer's answer."""
    return _answer(request, token)


@login_not_required
@csrf_exempt
@never_cache
def survey_embed(request: HttpRequest, token: str) -> HttpResponse:
    """Show a survey's question and take an answer inside another site's frame."""
    return _framable(_answer(request, token))


def _answer(request: HttpRequest, token: str) -> HttpResponse:
    embed = _embedded(request)
    if _too_many(request):
        return _throttled(request)
    target = _target(token)
    if target is None or (embed and target.invitation is not None):
        return _not_found(request)
    refusal = _refusal(request, target)
    if refusal is not None:
        return refusal
    survey, invitation = target.survey, target.invitation
    previous = SurveyResponse.objects.filter(invitation=invitation).first() if invitation else None
    initial = {}
    if previous is not None:
        initial = {
            "score": str(previous.score),
            "comment": previous.comment,
            "improvement_suggestion": previous.improvement_suggestion,
            "follow_up_consent": previous.follow_up_consent,
        }
    form = AnswerForm(
        request.POST if request.method == "POST" else None, survey=survey, initial=initial
    )
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            if invitation is not None:
                services.invitation_respond(invitation=invitation, **form.answer())
            else:
                services.survey_respond(survey=survey, **form.answer())
        if call.ok:
            return redirect(
                "public-survey:embed-thanks" if embed else "public-survey:thanks", token=token
            )
        if call.refused:  # the survey closed, or the link expired, while the customer answered
            return _closed(request, call.message)
    return render(
        request,
        "feedback/surveys/public_answer.html",
        {"survey": survey, "form": form, "previous": previous, "embed": embed},
        status=400 if form.is_bound else 200,
    )


@login_not_required
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the customer for their answer."""
    return _thanks(request, token)


@login_not_required
def survey_embed_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the customer for their answer, inside another site's frame."""
    return _framable(_thanks(request, token))


def _thanks(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        return _throttled(request)
    target = _target(token)
    embed = _embedded(request)
    if (
        target is None
        or target.survey.is_employee_survey
        or (embed and target.invitation is not None)
    ):
        return _not_found(request)
    return render(
        request,
        "feedback/surveys/public_thanks.html",
        {
            "survey": target.survey,
            "invitation": target.invitation,
            "token": token,
            "embed": embed,
        },
    )
