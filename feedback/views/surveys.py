"""Survey pages for staff: the list, defining and editing, results, invitations, eNPS pulses."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import selectors, services
from ..emails import invitation_url
from ..forms import AnswerForm, InvitationForm, SurveyForm
from ..models import EmployeeParticipation, Survey


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
        with service_errors(form) as call:
            services.survey_update(survey=survey, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Survey saved."))
            return redirect(survey)
    return render(request, "feedback/surveys/survey_form.html", {"form": form, "survey": survey})


def _render_detail(
    request: HttpRequest, survey: Survey, invitation_form: InvitationForm | None = None
) -> HttpResponse:
    user = request.user
    can_read_results = user.has_perm("feedback.view_surveyresponse")
    can_invite = user.has_perm("feedback.add_surveyinvitation") and not survey.is_employee_survey
    invitations = []
    if user.has_perm("feedback.view_surveyinvitation") and not survey.is_employee_survey:
        invitations = list(selectors.survey_invitations(survey)[:20])
    public_url = ""
    if not survey.is_employee_survey:
        public_url = request.build_absolute_uri(
            reverse("public-survey:answer", args=[survey.public_token])
        )
    return render(
        request,
        "feedback/surveys/survey_detail.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey) if can_read_results else None,
            "threshold": selectors.ANONYMITY_THRESHOLD,
            "public_url": public_url,
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
        status=400 if invitation_form is not None else 200,
    )


@permission_required("feedback.view_survey", raise_exception=True)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a survey: its wording, link, results (eNPS only for groups of 5+), invitations."""
    survey = get_object_or_404(Survey.objects.select_related("journey", "touchpoint"), pk=pk)
    return _render_detail(request, survey)


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
