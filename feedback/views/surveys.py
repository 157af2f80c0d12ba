"""Survey pages for staff: the list, defining and editing, results, invitations, eNPS pulses."""

from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user
from core.spreadsheets import EXPORT_BATCH, csv_download

from .. import selectors, services
from ..emails import invitation_url
from ..forms import AnswerForm, InvitationForm, SurveyForm
from ..forms.survey_filters import SurveyAnswerFilterForm, SurveyTrendForm
from ..models import EmployeeParticipation, Survey
from ..selectors.survey_trends import ANSWER_EXPORT_COLUMNS, survey_answer_rows, survey_trend
from ..trend_chart import trend_chart

# The embed snippet's frame, in pixels: the question, the scale, two comment boxes and the button
# of an NPS survey fit without a scroll bar inside the frame on a laptop (on a phone the frame
# scrolls).
EMBED_HEIGHT = 720


@permission_required("feedback.view_survey", raise_exception=True)
def survey_list(request: HttpRequest) -> HttpResponse:
    """List the surveys with their answers and headline score (for those who read results)."""
    page = page_of(request, selectors.survey_list())
    surveys = list(page.object_list)
    # One query for the user's participations; each pulse's start is worked out per survey.
    taken = set(
        EmployeeParticipation.objects.filter(user_id=request.user.pk or 0).values_list(
            "survey_id", "pulse_start"
        )
    )
    answered = {
        survey.pk for survey in surveys if (survey.pk, selectors.pulse_start(survey)) in taken
    }
    can_read_results = request.user.has_perm("feedback.view_surveyresponse")
    headlines = selectors.survey_headlines(surveys) if can_read_results else {}
    rows = [
        {
            "survey": survey,
            "headline": headlines.get(survey.pk),
            "can_answer": survey.is_employee_survey
            and survey.is_open()
            and survey.pk not in answered,
        }
        for survey in surveys
    ]
    return render(
        request,
        "feedback/surveys/survey_list.html",
        {
            "rows": rows,
            "page_obj": page,
            "can_read_results": can_read_results,
            "can_add": request.user.has_perm("feedback.add_survey"),
        },
    )


@permission_required("feedback.add_survey", raise_exception=True)
def survey_create(request: HttpRequest) -> HttpResponse:
    """Define a survey: kind, wording, scope, window and recurrence."""
    form = SurveyForm(request.POST or None, initial={"kind": Survey.Kind.NPS})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            survey = services.survey_create(created_by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Survey created. Share its link or invite customers."))
            return redirect(survey)
    return render(request, "feedback/surveys/survey_form.html", {"form": form, "survey": None})


@permission_required("feedback.change_survey", raise_exception=True)
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a survey's wording, scope, window or recurrence."""
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        scope = (survey.journey_id, survey.touchpoint_id)
        with service_errors(form) as call:
            services.survey_update(survey=survey, **form.cleaned_data)
        if call.ok:
            notice = _("Survey saved.")
            if (survey.journey_id, survey.touchpoint_id) != scope and survey.responses.exists():
                notice += " " + _(
                    "Its answers, past ones included, now count for the new journey or "
                    "touchpoint; the indicators follow at the next recompute (each night, or "
                    "start one on the Recompute runs page of Indicators)."
                )
            messages.success(request, notice)
            return redirect(survey)
    return render(request, "feedback/surveys/survey_form.html", {"form": form, "survey": survey})


def public_link(request: HttpRequest, survey: Survey, name: str = "public-survey:answer") -> str:
    """Return the full address of a survey's public page (or its embed), as invitations are
    addressed: under SITE_URL, or the address the page was opened at when SITE_URL is unset."""
    path = reverse(name, args=[survey.public_token])
    if settings.SITE_URL_FROM_REQUEST:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def _share(request: HttpRequest, survey: Survey) -> dict[str, str]:
    """Return the public link and the two snippets a website pastes to ask its visitors."""
    if survey.is_employee_survey:
        return {}
    link = public_link(request, survey)
    embed = public_link(request, survey, "public-survey:embed")
    return {
        "public_url": link,
        "embed_snippet": (
            f'<iframe src="{escape(embed)}" title="{escape(survey.question)}" width="100%" '
            f'height="{EMBED_HEIGHT}" loading="lazy"></iframe>'
        ),
        "button_snippet": f'<a href="{escape(link)}">{escape(_("Tell us how we did"))}</a>',
    }


def _trend(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    """Return the results-over-time panel: its filters (from the query string), the chart and
    the export's query string; no chart while a filter is refused."""
    form = SurveyTrendForm(request.GET, survey=survey)
    if not form.is_valid():
        return {"trend_form": form, "trend_chart": None, "trend": None, "export_query": ""}
    trend = survey_trend(survey, form.filters())
    return {
        "trend_form": form,
        "trend": trend,
        "trend_chart": trend_chart(survey, trend),
        "export_query": form.query(),
    }


def _render_detail(
    request: HttpRequest, survey: Survey, invitation_form: InvitationForm | None = None
) -> HttpResponse:
    user = request.user
    can_read_results = user.has_perm("feedback.view_surveyresponse")
    can_invite = user.has_perm("feedback.add_surveyinvitation") and not survey.is_employee_survey
    invitations = []
    if user.has_perm("feedback.view_surveyinvitation") and not survey.is_employee_survey:
        invitations = list(selectors.survey_invitations(survey)[:20])
    trend = _trend(request, survey) if can_read_results else {}
    refused = invitation_form is not None or (
        "trend_form" in trend and bool(trend["trend_form"].errors)
    )
    return render(
        request,
        "feedback/surveys/survey_detail.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey) if can_read_results else None,
            "threshold": selectors.ANONYMITY_THRESHOLD,
            **_share(request, survey),
            **trend,
            "can_export": can_read_results and not survey.is_employee_survey,
            "invitations": [
                (invitation, invitation_url(invitation, request)) for invitation in invitations
            ],
            "invitation_form": invitation_form or (InvitationForm() if can_invite else None),
            "can_invite": can_invite,
            "can_edit": user.has_perm("feedback.change_survey"),
            "can_answer": survey.is_employee_survey
            and survey.is_open()
            and not selectors.has_answered_pulse(user=user, survey=survey),
            "history": history_panel(survey),
        },
        status=400 if refused else 200,
    )


@permission_required("feedback.view_survey", raise_exception=True)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a survey: its wording, link, results (eNPS only for groups of 5+), invitations."""
    survey = get_object_or_404(Survey.objects.select_related("journey", "touchpoint"), pk=pk)
    return _render_detail(request, survey)


@permission_required("feedback.view_surveyresponse", raise_exception=True)
def survey_export(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Stream the survey's answers matching the results page's filters as CSV (every one, text
    a spreadsheet would run as a formula defused); eNPS answers never, one by one."""
    survey = get_object_or_404(Survey.objects.select_related("journey", "touchpoint"), pk=pk)
    if survey.is_employee_survey:
        return render(
            request,
            "core/error.html",
            {
                "status": 403,
                "icon": "shield-lock",
                "title": _("eNPS answers are not exported"),
                "text": _(
                    "Employees' answers are never exported one by one: with their day and "
                    "department they could name the person. The chart's table (Download CSV) "
                    "holds the monthly eNPS of groups of %(threshold)d answers or more."
                )
                % {"threshold": selectors.ANONYMITY_THRESHOLD},
                "back_url": survey.get_absolute_url(),
            },
            status=403,
        )
    form = SurveyAnswerFilterForm(request.GET, survey=survey)
    if not form.is_valid():
        return _render_detail(request, survey)  # the filters again, each refusal by its field
    rows = survey_answer_rows(request.user, survey, form.filters())
    return csv_download(
        f"survey-{survey.pk}-answers",
        [header for header, _path in ANSWER_EXPORT_COLUMNS],
        rows.iterator(chunk_size=EXPORT_BATCH),
    )


def qr_svg(text: str) -> str:
    """Return a QR code of the text as SVG: black squares on white, without a style attribute
    (the Content-Security-Policy), medium error correction (a smudged print still scans)."""
    import qrcode  # loaded on first use, like plotly
    from qrcode.image.svg import SvgPathFillImage

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,  # the quiet zone the standard asks for around the code
        image_factory=SvgPathFillImage,
    )
    code.add_data(text)
    code.make(fit=True)
    svg: str = code.make_image().to_string(encoding="unicode")
    return svg


@permission_required("feedback.view_survey", raise_exception=True)
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a QR code of the survey's public link as SVG (?download=1: as a file to save)."""
    survey = get_object_or_404(Survey, pk=pk)
    if survey.is_employee_survey:
        raise Http404(_("Employee pulses are answered signed in: they have no public link."))
    response = HttpResponse(qr_svg(public_link(request, survey)), content_type="image/svg+xml")
    if request.GET.get("download"):
        name = slugify(survey.name) or f"survey-{survey.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}-qr.svg"'
    return response


@permission_required("feedback.add_surveyinvitation", raise_exception=True)
@require_POST
def survey_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a personal invitation (one answer, updated on re-answer), mailed if an address."""
    survey = get_object_or_404(Survey, pk=pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            invitation = services.invitation_create(
                survey=survey,
                customer=form.cleaned_data["customer_reference"],
                email=form.cleaned_data["email"],
            )
        if call.ok:
            if invitation.email:
                text = _("Invitation created; the link is being e-mailed to %(email)s.") % {
                    "email": invitation.email
                }
            else:
                text = _("Invitation created. Personal link: %(url)s") % {
                    "url": invitation_url(invitation, request)
                }
            messages.success(request, text)
        if call.ok or call.refused:
            return redirect(survey)
    return _render_detail(request, survey, form)


@permission_required("feedback.view_survey", raise_exception=True)
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer an eNPS pulse, signed in but stored without the employee's identity."""
    survey = get_object_or_404(Survey, pk=pk)
    if not survey.is_employee_survey:
        raise Http404(_("Customer surveys are answered from their public link."))
    if not request.user.is_authenticated:
        raise PermissionDenied
    closed = not survey.is_open()
    answered = selectors.has_answered_pulse(user=request.user, survey=survey)
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and not closed and not answered and form.is_valid():
        with service_errors(form, request=request) as call:
            services.employee_pulse_respond(user=request.user, survey=survey, **form.answer())
        if call.ok:
            messages.success(request, _("Thank you. Your answer is stored without your name."))
        if call.ok or call.refused:
            return redirect("feedback:survey-list")
    return render(
        request,
        "feedback/surveys/survey_answer.html",
        {
            "survey": survey,
            "form": form,
            "closed": closed,
            "answered": answered,
            "threshold": selectors.ANONYMITY_THRESHOLD,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
