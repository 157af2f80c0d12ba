"""Every form of the product refuses an over-long value next to its field and saves nothing.

`PAGES` says, for each form class of the product, where a page posts it, as whom and with which
valid data. A form class of the apps' form modules missing from it fails the first test until it
is added there (or excused in `NOT_POSTED` with the reason), as tests/test_access.py does for URLs.
Each text field with a maximum length (the form's or its model's) is then posted one character too
long: the form comes back with the error next to the field and in the summary at its top, with
what was typed, and no row is created or changed.
"""

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeAlias

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from core.forms import add_service_errors
from core.notifications.chat_forms import ChatChannelForm
from core.roles import Role
from core.webhooks.forms import WebhookEndpointForm
from feedback import services as feedback_services
from feedback.forms import (
    AnswerForm,
    AssignForm,
    AuditForm,
    ChecklistForm,
    CloseForm,
    CommentForm,
    ComplaintLogForm,
    ContactEmailForm,
    CustomerEmailForm,
    CustomerMessageForm,
    IdeaCommentForm,
    IdeaDecisionForm,
    IdeaForm,
    InsightNoteForm,
    InsightTagForm,
    InvitationForm,
    NoteForm,
    RecognitionForm,
    ReopenForm,
    ReplyLogForm,
    ReplyTemplateForm,
    RespondForm,
    RootCauseForm,
    SurveyForm,
    ThemeForm,
)
from feedback.models import (
    Audit,
    AuditItemScore,
    ChecklistTemplate,
    Complaint,
    ComplaintMessage,
    IdeaComment,
    ImprovementIdea,
    Insight,
    Recognition,
    ReplyTemplate,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
)
from improvement.forms import ActionForm, CycleForm, DecideForm, PlanForm, SuggestionDismissForm
from improvement.models import CycleAction, PDCACycle, Suggestion
from journeys.forms import (
    FailurePointForm,
    HandoffForm,
    JourneyForm,
    ObjectiveForm,
    StageForm,
    TouchpointForm,
)
from journeys.models import Handoff, Stage, Touchpoint
from metrics import services as metrics_services
from metrics import services_alerts
from metrics.forms import AnnotationForm, IndicatorForm, LimitsForm
from metrics.forms_alerts import AlertRuleForm
from metrics.models import Annotation, Indicator, LimitSegment
from reports.forms.monthly import DecisionForm, ReviewActionForm, ReviewForm
from reports.models import ManagementReview, ReviewAction, ReviewDecision
from stakeholders.forms import ContactInviteForm, DepartmentForm, PartnerForm
from stakeholders.models import Customer
from tests.core.factories import (
    TEST_PASSWORD,
    ChatChannelFactory,
    UserFactory,
    WebhookEndpointFactory,
)
from tests.feedback.factories import (
    ChecklistFactory,
    ComplaintFactory,
    IdeaFactory,
    ReplyTemplateFactory,
    SurveyFactory,
    ThemeFactory,
)
from tests.improvement.page_records import cycle_page, decidable_cycle
from tests.improvement.suggested import waiting_suggestion
from tests.journeys.factories import (
    HandoffFactory,
    JourneyFactory,
    ObjectiveFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.metrics.snapshots import write_xmr
from tests.metrics.test_pages import VALID as VALID_INDICATOR
from tests.reports.monthly_records import draft_review, published_report
from tests.stakeholders.factories import (
    CustomerFactory,
    DepartmentFactory,
    PartnerFactory,
    SegmentFactory,
)

FormClass: TypeAlias = "type[forms.Form] | type[forms.ModelForm[Any]]"

# The apps whose pages show forms, and where their form classes live (modules named *forms*).
APPS = ["core", "stakeholders", "journeys", "feedback", "metrics", "improvement", "reports"]
# Rows these apps' models hold; a refused post must change none of them.
SAVED_APPS = APPS


def form_modules() -> list[str]:
    """Return the modules of the apps whose name says they hold forms (a `forms` package's
    modules included)."""
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any("forms" in part for part in module.name.split(".")[1:]):
                found.append(module.name)
    return found


def product_forms() -> set[type[forms.BaseForm]]:
    """Return every form class defined in the apps' form modules."""
    classes = set()
    for name in form_modules():
        module = importlib.import_module(name)
        for _name, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, forms.BaseForm) and member.__module__ == name:
                classes.add(member)
    return classes


# Building the pages' records --------------------------------------------------------------------


def complaint_at(status: str) -> Callable[[], Complaint]:
    """Return a builder logging a complaint and taking it to a status through the services."""
    steps = {
        "received": [],
        "investigating": ["acknowledge", "investigate"],
        "responded": ["acknowledge", "respond"],
        "closed": ["acknowledge", "respond", "close"],
    }[status]

    def build() -> Complaint:
        by = UserFactory.create(role=Role.QUALITY_MANAGER)
        complaint = ComplaintFactory.create(
            logged_by=by, description="Parcel left at the wrong door", touchpoint=delivery()
        )
        for step in steps:
            if step == "respond":
                feedback_services.complaint_respond(complaint=complaint, by=by, decision="Sorry")
            elif step == "close":
                feedback_services.complaint_close(
                    complaint=complaint, by=by, customer_accepted=True
                )
            else:
                getattr(feedback_services, f"complaint_{step}")(complaint=complaint, by=by)
        complaint.refresh_from_db()
        return complaint

    return build


def complaint_with_address(status: str) -> Callable[[], Complaint]:
    """Return a builder of a complaint in a status whose customer left an e-mail address."""
    build = complaint_at(status)

    def make() -> Complaint:
        complaint = build()
        Complaint.objects.filter(pk=complaint.pk).update(contact_email="anouk@example.net")
        complaint.refresh_from_db()
        return complaint

    return make


def action(name: str) -> Callable[[Complaint], dict[str, Any]]:
    """Return the URL arguments of a step on the page's complaint."""
    return lambda complaint: {"pk": complaint.pk, "action": name}


def delivery() -> Touchpoint:
    """Make a partner's delivery touchpoint."""
    return TouchpointFactory.create(
        name="Delivery", channel="delivery", owner_partner=PartnerFactory.create()
    )


def indicator() -> Indicator:
    """Make an observed indicator of a delivery with a year of snapshots."""
    made = metrics_services.indicator_create(
        code="doorstep-photos",
        name="Doorstep photos",
        kind="leading",
        stakeholder_group="customers",
        computation="observed",
        grain="month",
        touchpoint=delivery(),
    )
    write_xmr(made, [80.0 + number % 5 for number in range(12)])
    return made


def pulse() -> Survey:
    """Make a staff pulse every six weeks."""
    return SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)


def customer_survey() -> Survey:
    """Make a customer survey of a delivery asking for a comment and an improvement."""
    return SurveyFactory.create(
        name="Delivery, in words",
        kind=Survey.Kind.CSAT,
        comment_question="What went wrong?",
        ask_improvement=True,
        touchpoint=delivery(),
    )


class SurveyAndCustomer(NamedTuple):
    """A survey and a customer to invite to it."""

    survey: Survey
    customer: Customer


def survey_and_customer() -> SurveyAndCustomer:
    """Make a delivery survey and a customer known by a CRM reference."""
    return SurveyAndCustomer(SurveyFactory.create(touchpoint=delivery()), CustomerFactory.create())


class InsightAndTheme(NamedTuple):
    """An insight and a theme to tag it with."""

    insight: Insight
    theme: Theme


def insight_and_theme() -> InsightAndTheme:
    """Make a complaint's insight and a theme."""
    return InsightAndTheme(ComplaintFactory.create().insight, ThemeFactory.create())


def audit_data(checklist: ChecklistTemplate) -> dict[str, Any]:
    """Return a complete audit of the checklist."""
    data: dict[str, Any] = {"visited_on": date.today().isoformat(), "notes": ""}
    for item in checklist.items.all():
        data[f"score_{item.pk}"] = "3"
        data[f"note_{item.pk}"] = ""
    return data


def first_item(checklist: ChecklistTemplate) -> dict[str, Any]:
    """Return the names the per-item fields of the checklist are formatted with."""
    item = checklist.items.order_by("pk").first()
    assert item is not None
    return {"item": item.pk}


def signed_up() -> User:
    """Make an account to sign in with."""
    return UserFactory.create(username="signing-in")


def pk(record: Model) -> dict[str, Any]:
    """Return the URL arguments of a page about one record."""
    return {"pk": record.pk}


def same(record: Model) -> Model:
    """Return the record itself (the one an edit form changes)."""
    return record


# The metrics page tests' complete definition, so that a new indicator field is added once.
INDICATOR = {name: value for name, value in VALID_INDICATOR.items() if name != "code"}
# An alert rule on every special-cause signal of every indicator.
ALERT_RULE = {
    "name": "Signals anywhere",
    "trigger": "signal",
    "direction": "either",
    "scope": "all",
    "is_active": "on",
}
PARTNER = {
    "name": "BoxCo",
    "kind": "supplier",
    "status": "active",
    "reliability_score": "4",
    "values_score": "3",
    "customer_impact_score": "5",
    "cost_score": "3",
}


def nothing() -> None:
    """Make no record: the page needs none."""


@dataclass(frozen=True)
class FormPage:
    """Where a form is posted, as whom, with which valid data, and which row it would change.

    `given` makes the records the page works on, through the factories, and returns them; the
    other builders read what it returned: `kwargs` the URL's arguments, `data` the valid post,
    `edits` the row an edit form changes. `models` are those whose fields the form's fields fill
    (for the maximum lengths of a plain form). `extra` lists fields a form adds per record, with
    their maximum length, formatted with what `names` returns; `absent` those it drops there.
    """

    form: FormClass
    url: str
    data: Callable[[Any], dict[str, Any]]
    given: Callable[[], Any] = nothing
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    edits: Callable[[Any], Model] | None = None
    role: str | None = "administrator"
    models: tuple[type[Model], ...] = ()
    extra: dict[str, int] = field(default_factory=dict)
    names: Callable[[Any], dict[str, Any]] | None = None
    absent: tuple[str, ...] = ()


PAGES: dict[str, FormPage] = {
    # core
    "login": FormPage(
        AuthenticationForm,
        "login",
        lambda user: {"username": user.username, "password": TEST_PASSWORD},
        given=signed_up,
        edits=same,  # its last sign-in
        role=None,
    ),
    # A public address written as such: the private-address check needs no name lookup.
    "webhook-endpoint-create": FormPage(
        WebhookEndpointForm,
        "webhooks:endpoint-create",
        lambda _none: {"url": "https://93.184.216.34/hooks", "event_types": ["complaint.created"]},
    ),
    "webhook-endpoint-edit": FormPage(
        WebhookEndpointForm,
        "webhooks:endpoint-edit",
        lambda _endpoint: {"url": "https://93.184.216.34/crm", "description": "The CRM"},
        given=WebhookEndpointFactory.create,
        kwargs=pk,
        edits=same,
    ),
    "chat-channel-create": FormPage(
        ChatChannelForm,
        "chat:channel-create",
        lambda _none: {"name": "Quality team", "kind": "slack", "url": "https://93.184.216.34/h"},
    ),
    "chat-channel-edit": FormPage(
        ChatChannelForm,
        "chat:channel-edit",
        lambda _channel: {"name": "Quality team", "kind": "teams", "is_active": True},
        given=ChatChannelFactory.create,
        kwargs=pk,
        edits=same,
    ),
    # stakeholders
    "department-create": FormPage(
        DepartmentForm, "stakeholders:department-create", lambda _none: {"name": "Billing"}
    ),
    "department-edit": FormPage(
        DepartmentForm,
        "stakeholders:department-edit",
        lambda _department: {"name": "Customer Service", "description": "Calls and chats."},
        given=DepartmentFactory.create,
        kwargs=pk,
        edits=same,
    ),
    "partner-create": FormPage(PartnerForm, "stakeholders:partner-create", lambda _none: PARTNER),
    "partner-edit": FormPage(
        PartnerForm,
        "stakeholders:partner-edit",
        lambda _partner: {**PARTNER, "name": "SwiftParcel", "kind": "service_partner"},
        given=PartnerFactory.create,
        kwargs=pk,
        edits=same,
    ),
    "contact-invite": FormPage(
        ContactInviteForm,
        "stakeholders:contact-invite",
        lambda _partner: {"name": "Ruth Janssen", "email": "ruth@swiftparcel.example"},
        given=PartnerFactory.create,
        kwargs=pk,
        models=(User,),
    ),
    # journeys
    "journey-create": FormPage(
        JourneyForm,
        "journeys:journey-create",
        lambda _none: {"name": "Move house", "status": "draft", "value_statement": "Easy moves"},
    ),
    "journey-edit": FormPage(
        JourneyForm,
        "journeys:journey-edit",
        lambda journey: {"name": "Buy online", "status": "active", "segment": journey.segment_id},
        given=lambda: JourneyFactory.create(segment=SegmentFactory.create()),
        kwargs=pk,
        edits=same,
    ),
    "stage-add": FormPage(
        StageForm,
        "journeys:stage-add",
        lambda _journey: {"name": "Deliver"},
        given=JourneyFactory.create,
        kwargs=pk,
        models=(Stage,),
    ),
    "stage-edit": FormPage(
        StageForm,
        "journeys:stage-edit",
        lambda _stage: {"name": "Ordering"},
        given=StageFactory.create,
        kwargs=pk,
        edits=same,
        models=(Stage,),
    ),
    "touchpoint-add": FormPage(
        TouchpointForm,
        "journeys:touchpoint-add",
        lambda touchpoint: {
            "name": "Order confirmation",
            "stage": touchpoint.stage_id,
            "channel": "email",
            "owner": f"department:{touchpoint.owner_department_id}",
        },
        given=TouchpointFactory.create,
        kwargs=lambda touchpoint: {"pk": touchpoint.stage.journey_id},
        models=(Touchpoint,),
    ),
    "touchpoint-edit": FormPage(
        TouchpointForm,
        "journeys:touchpoint-edit",
        lambda touchpoint: {
            "name": "Checkout",
            "stage": touchpoint.stage_id,
            "channel": "web",
            "owner": f"department:{touchpoint.owner_department_id}",
            "service_standard": "Pay in three clicks",
        },
        given=TouchpointFactory.create,
        kwargs=pk,
        edits=same,
        models=(Touchpoint,),
    ),
    "handoff-add": FormPage(
        HandoffForm,
        "journeys:handoff-add",
        lambda handoff: {  # the way back
            "from_touchpoint": handoff.to_touchpoint_id,
            "to_touchpoint": handoff.from_touchpoint_id,
            "description": "Returns",
        },
        given=HandoffFactory.create,
        kwargs=lambda handoff: {"pk": handoff.from_touchpoint.stage.journey_id},
        models=(Handoff,),
    ),
    "failure-point-add": FormPage(
        FailurePointForm,
        "journeys:failure-point-add",
        lambda _touchpoint: {
            "description": "Wrong address",
            "severity": "6",
            "occurrence": "3",
            "detection": "5",
        },
        given=TouchpointFactory.create,
        kwargs=pk,
    ),
    "objective-add": FormPage(
        ObjectiveForm,
        "journeys:objective-add",
        lambda _journey: {
            "statement": "Answer within a day",
            "direction": "at_least",
            "target_value": "90",
            "unit": "%",
            "due_date": "2027-06-30",
        },
        given=JourneyFactory.create,
        kwargs=pk,
    ),
    "objective-edit": FormPage(
        ObjectiveForm,
        "journeys:objective-edit",
        lambda objective: {
            "statement": "Deliver on the promised day",
            "touchpoint": objective.touchpoint_id,
            "direction": "at_least",
            "target_value": "95",
            "unit": "%",
            "due_date": "2027-03-31",
        },
        given=ObjectiveFactory.create,
        kwargs=pk,
        edits=same,
    ),
    # feedback: complaints
    "complaint-log": FormPage(
        ComplaintLogForm,
        "feedback:complaint-log",
        lambda _none: {"description": "Invoice sent twice", "severity": "2", "channel": "phone"},
        models=(Complaint,),
    ),
    "complaint-acknowledge": FormPage(
        NoteForm,
        "feedback:complaint-action",
        lambda _complaint: {"note": "On it"},
        given=complaint_at("received"),
        kwargs=action("acknowledge"),
    ),
    "complaint-root-cause": FormPage(
        RootCauseForm,
        "feedback:complaint-action",
        lambda _complaint: {"category": "method", "text": "No doorstep photo"},
        given=complaint_at("investigating"),
        kwargs=action("root_cause"),
        models=(Complaint,),
    ),
    "complaint-respond": FormPage(
        RespondForm,
        "feedback:complaint-action",
        lambda _complaint: {"decision": "Refund"},
        given=complaint_at("investigating"),
        kwargs=action("respond"),
        models=(Complaint,),
    ),
    "complaint-close": FormPage(
        CloseForm,
        "feedback:complaint-action",
        lambda _complaint: {"customer_accepted": "yes", "send_csat_to": "customer@example.com"},
        given=complaint_at("responded"),
        kwargs=action("close"),
        models=(Complaint, SurveyInvitation),
    ),
    "complaint-reopen": FormPage(
        ReopenForm,
        "feedback:complaint-action",
        lambda _complaint: {"reason": "It happened again"},
        given=complaint_at("closed"),
        kwargs=action("reopen"),
    ),
    "complaint-assign": FormPage(
        AssignForm,
        "feedback:complaint-action",
        lambda complaint: {"assignee": complaint.logged_by_id},
        given=complaint_at("received"),
        kwargs=action("assign"),
    ),
    "complaint-comment": FormPage(
        CommentForm,
        "feedback:complaint-action",
        lambda _complaint: {"text": "Called the courier"},
        given=complaint_at("received"),
        kwargs=action("comment"),
    ),
    # feedback: writing to the complainant, reply templates
    "complaint-acknowledge-email": FormPage(
        CustomerEmailForm,
        "feedback:complaint-action",
        lambda _complaint: {
            "note": "",
            "send_email": "on",
            "subject": "Your complaint {reference}",
            "body": "We are on it.",
        },
        given=complaint_with_address("received"),
        kwargs=action("acknowledge"),
        models=(ComplaintMessage,),
    ),
    "complaint-write": FormPage(
        CustomerMessageForm,
        "feedback:complaint-write",
        lambda _complaint: {"subject": "News about {reference}", "body": "Still on it."},
        given=complaint_with_address("responded"),
        kwargs=pk,
        models=(ComplaintMessage,),
    ),
    "complaint-reply": FormPage(
        ReplyLogForm,
        "feedback:complaint-reply",
        lambda _complaint: {
            "address": "anouk@example.net",
            "subject": "Re: your complaint",
            "body": "Thanks, it arrived.",
        },
        given=complaint_at("received"),
        kwargs=pk,
        models=(ComplaintMessage,),
    ),
    "complaint-contact": FormPage(
        ContactEmailForm,
        "feedback:complaint-contact",
        lambda _complaint: {"contact_email": "anouk@example.net"},
        given=complaint_at("received"),
        kwargs=pk,
        models=(Complaint,),
    ),
    "reply-template-create": FormPage(
        ReplyTemplateForm,
        "feedback:reply-template-create",
        lambda _none: {
            "name": "Acknowledgement",
            "purpose": "acknowledgement",
            "subject": "Your complaint {reference}",
            "body": "We will answer by {due_date}.",
            "is_active": "on",
        },
        models=(ReplyTemplate,),
    ),
    "reply-template-edit": FormPage(
        ReplyTemplateForm,
        "feedback:reply-template-edit",
        lambda _template: {
            "name": "Acknowledgement, kinder",
            "purpose": "acknowledgement",
            "subject": "Thank you: your complaint {reference}",
            "body": "We will answer by {due_date}.",
            "is_active": "on",
        },
        given=ReplyTemplateFactory.create,
        kwargs=pk,
        edits=same,
        models=(ReplyTemplate,),
    ),
    # feedback: ideas and recognition
    "idea-create": FormPage(
        IdeaForm,
        "feedback:idea-create",
        lambda _none: {"title": "Photo at the door", "problem": "Disputes", "proposal": "Photos"},
        models=(ImprovementIdea,),
    ),
    "idea-decline": FormPage(
        IdeaDecisionForm,
        "feedback:idea-action",
        lambda _idea: {"reason": "Already planned"},
        given=IdeaFactory.create,
        kwargs=lambda idea: {"pk": idea.pk, "action": "decline"},
        edits=same,
    ),
    "idea-comment": FormPage(
        IdeaCommentForm,
        "feedback:idea-comment",
        lambda _idea: {"text": "Could we start with the Friday deliveries?"},
        given=IdeaFactory.create,
        kwargs=lambda idea: {"pk": idea.pk},
        models=(IdeaComment,),
    ),
    "recognition-create": FormPage(
        RecognitionForm,
        "feedback:recognition-create",
        lambda recipient: {"recipient": recipient.pk, "behaviour": "Stayed late"},
        given=lambda: UserFactory.create(role=Role.FRONTLINE),
        models=(Recognition,),
    ),
    # feedback: surveys
    "survey-create": FormPage(
        SurveyForm,
        "feedback:survey-create",
        lambda _none: {
            "name": "Checkout CSAT",
            "kind": "csat",
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    ),
    "survey-edit": FormPage(
        SurveyForm,
        "feedback:survey-edit",
        lambda survey: {
            "name": survey.name,
            "kind": "csat",
            "touchpoint": survey.touchpoint_id,
            "starts_at": timezone.localtime(survey.starts_at).strftime("%Y-%m-%dT%H:%M"),
        },
        given=lambda: SurveyFactory.create(touchpoint=delivery()),
        kwargs=pk,
        edits=same,
    ),
    "survey-invite": FormPage(
        InvitationForm,
        "feedback:survey-invite",
        lambda given: {
            "customer_reference": given.customer.external_reference,
            "email": "customer@example.com",
        },
        given=survey_and_customer,
        kwargs=lambda given: {"pk": given.survey.pk},
        models=(SurveyInvitation,),
    ),
    "survey-answer": FormPage(
        AnswerForm,
        "feedback:survey-answer",
        lambda _pulse: {"score": "8", "comment": "More training"},
        given=pulse,
        kwargs=pk,
        models=(SurveyResponse,),
        absent=("improvement_suggestion",),  # employees are not asked for one
    ),
    "public-survey-answer": FormPage(
        AnswerForm,
        "public-survey:answer",
        lambda _survey: {"score": "2", "comment": "Late", "improvement_suggestion": "Call first"},
        given=customer_survey,
        kwargs=lambda survey: {"token": survey.public_token},
        role=None,
        models=(SurveyResponse,),
    ),
    # feedback: insights and themes
    "insight-create": FormPage(
        InsightNoteForm,
        "feedback:insight-create",
        lambda touchpoint: {"text": "The box was crushed", "touchpoint": touchpoint.pk},
        given=delivery,
        models=(Insight,),
    ),
    "insight-tag": FormPage(
        InsightTagForm,
        "feedback:insight-tag",
        lambda given: {"themes": [given.theme.pk]},
        given=insight_and_theme,
        kwargs=lambda given: {"pk": given.insight.pk},
    ),
    "theme-create": FormPage(
        ThemeForm,
        "feedback:theme-create",
        lambda _none: {"name": "Packaging", "is_active": "on"},
        models=(Theme,),
    ),
    "theme-edit": FormPage(
        ThemeForm,
        "feedback:theme-edit",
        lambda theme: {"name": theme.name, "description": "Anything", "is_active": "on"},
        given=ThemeFactory.create,
        kwargs=pk,
        edits=same,
        models=(Theme,),
    ),
    # feedback: mystery shopping
    "checklist-create": FormPage(
        ChecklistForm,
        "feedback:checklist-create",
        lambda touchpoint: {"name": "Till check", "touchpoint": touchpoint.pk, "items": "Smile"},
        given=delivery,
        models=(ChecklistTemplate,),
    ),
    "checklist-edit": FormPage(
        ChecklistForm,
        "feedback:checklist-edit",
        lambda checklist: {
            "name": "Doorstep checks",
            "touchpoint": checklist.touchpoint_id,
            "items": "3 | Parcel handed over in person\n2 | Box undamaged",
            "is_active": "on",
        },
        given=ChecklistFactory.create,
        kwargs=pk,
        edits=same,
        models=(ChecklistTemplate,),
    ),
    "audit-record": FormPage(
        AuditForm,
        "feedback:audit-record",
        audit_data,
        given=ChecklistFactory.create,
        kwargs=pk,
        models=(Audit,),
        extra={"note_{item}": AuditItemScore._meta.get_field("note").max_length or 0},
        names=first_item,
    ),
    # metrics
    "indicator-create": FormPage(
        IndicatorForm,
        "metrics:indicator-create",
        lambda _none: {**INDICATOR, "code": "callbacks"},
    ),
    "indicator-edit": FormPage(
        IndicatorForm,
        "metrics:indicator-edit",
        lambda _indicator: {**INDICATOR, "name": "Doorstep photos"},
        given=indicator,
        kwargs=lambda indicator: {"code": indicator.code},
        edits=same,
    ),
    "limits-recalculate": FormPage(
        LimitsForm,
        "metrics:limits-recalculate",
        lambda _indicator: {"starts_on": "2024-06-01", "reason": "New courier"},
        given=indicator,
        kwargs=lambda indicator: {"code": indicator.code},
        models=(LimitSegment,),
    ),
    "annotation-add": FormPage(
        AnnotationForm,
        "metrics:annotation-add",
        lambda _indicator: {"label": "Strike", "kind": "note", "starts_on": "2024-06-01"},
        given=indicator,
        kwargs=lambda indicator: {"code": indicator.code},
        models=(Annotation,),
    ),
    "alert-rule-create": FormPage(
        AlertRuleForm,
        "metrics:alert-rule-create",
        lambda _none: ALERT_RULE,
    ),
    "alert-rule-edit": FormPage(
        AlertRuleForm,
        "metrics:alert-rule-edit",
        lambda _rule: {**ALERT_RULE, "name": "Every special cause"},
        given=lambda: services_alerts.alert_rule_create(
            user=None, name="Any signal", trigger="signal"
        ),
        kwargs=pk,
        edits=same,
    ),
    # improvement: cycles, their Plan, decision and actions
    "cycle-create": FormPage(
        CycleForm,
        "improvement:cycle-create",
        lambda owner: {
            "title": "Shorter queues",
            "owner": owner.pk,
            "type": "improvement",
            "origin": "manual",
            "problem_statement": "Long waits",
        },
        given=lambda: UserFactory.create(role=Role.QUALITY_MANAGER),
        models=(PDCACycle,),
    ),
    "cycle-plan": FormPage(
        PlanForm,
        "improvement:cycle-plan",
        lambda cycle: {
            "title": "Shorter queues",
            "owner": cycle.owner_id,
            "type": "improvement",
            "problem_statement": "Long waits",
            "check_periods": "3",
        },
        given=cycle_page,
        kwargs=lambda cycle: {"reference": cycle.reference},
        edits=same,
        models=(PDCACycle,),
    ),
    "cycle-decide": FormPage(
        DecideForm,
        "improvement:cycle-move",
        lambda _cycle: {"outcome": "adapt", "reason": "Weekdays only", "new_standard": ""},
        given=decidable_cycle,
        kwargs=lambda cycle: {"reference": cycle.reference, "move": "decide"},
        edits=same,
        models=(PDCACycle,),
    ),
    "action-add": FormPage(
        ActionForm,
        "improvement:action-add",
        lambda cycle: {
            "action_title": "Print leaflets",
            "owner": cycle.owner_id,
            "due_on": "2027-01-31",
        },
        given=cycle_page,
        kwargs=lambda cycle: {"reference": cycle.reference},
        models=(CycleAction,),
    ),
    # improvement: suggested cycles
    "suggestion-dismiss": FormPage(
        SuggestionDismissForm,
        "improvement:suggestion-dismiss",
        lambda _suggestion: {"dismiss_reason": "A one-off staff shortage"},
        given=waiting_suggestion,
        kwargs=lambda suggestion: {"pk": suggestion.pk},
        edits=same,
        models=(Suggestion,),
    ),
    # reports: the management review of a monthly report
    "monthly-review": FormPage(
        ReviewForm,
        "reports:monthly-review",
        lambda _report: {"held_on": date.today().isoformat(), "minutes": "Met on the report."},
        given=published_report,
        kwargs=lambda report: {"month": report.slug},
        models=(ManagementReview,),
    ),
    "monthly-decision-add": FormPage(
        DecisionForm,
        "reports:monthly-decision-add",
        lambda _review: {"text": "Shorten the callbacks."},
        given=draft_review,
        kwargs=lambda review: {"month": review.report.slug},
        models=(ReviewDecision,),
    ),
    "monthly-action-add": FormPage(
        ReviewActionForm,
        "reports:monthly-action-add",
        lambda review: {
            "title": "Pilot same-day callbacks",
            "owner": review.created_by_id,
            "due_on": review.held_on.isoformat(),
        },
        given=draft_review,
        kwargs=lambda review: {"month": review.report.slug},
        models=(ReviewAction,),
    ),
}

# Form classes no page posts with text, with the reason.
NOT_POSTED = {
    "CycleFilterForm": "filters read from the query string; invalid values are ignored",
    "DoForm": "a date only; tested in tests/improvement/test_pages.py",
    "ChangeLiveForm": "a date only; tested in tests/improvement/test_pages.py",
    "AbandonForm": "one reason, as DecideForm's; an empty one is refused in "
    "tests/improvement/test_pages.py",
    "ActionDoneForm": "an optional note on an htmx tick button; the refusal shows in the action's "
    "row (tests/improvement/test_pages.py)",
    "ActionDeferForm": "an htmx row form; an over-long reason is refused in the action's row "
    "(tests/improvement/test_pages.py)",
    "RecogniseForm": "hidden fields the cycle page writes for its one-click Recognise; tested in "
    "tests/improvement/test_pages.py",
    "PartnerFilterForm": "filters read from the query string; invalid values are ignored",
    "QueueFilterForm": "filters read from the query string; invalid values are ignored",
    "IdeaFilterForm": "filters read from the query string; invalid values are ignored",
    "IdeaRoadmapForm": "a tick box only, posted as a button; a refusal next to it is tested in "
    "tests/feedback/test_idea_conversations.py",
    "InsightFilterForm": "filters read from the query string; invalid values are ignored",
    "SurveyAnswerFilterForm": "dates and choices read from the query string, no text; refusals "
    "next to their field are tested in tests/feedback/test_survey_export.py",
    "SurveyTrendForm": "a grain, dates and choices read from the query string, no text; refusals "
    "next to their field are tested in tests/feedback/test_survey_trends.py",
    "IndicatorFilterForm": "filters read from the query string; invalid values are ignored",
    "DateRangeFilterForm": "the base of the filter forms with a range of days (PeriodForm, "
    "SurveyAnswerFilterForm); never used alone",
    "PeriodForm": "two dates read from the query string; a range ending before it starts is "
    "refused next to its field (tests/reports/test_pareto.py)",
    "ParetoFilterForm": "choices and dates read from the query string, no text; refusals next to "
    "their field are tested in tests/reports/test_pareto.py",
    "JourneyHeatForm": "a choice and dates read from the query string, no text; tested in "
    "tests/reports/test_journey_heat.py",
    "DashboardFilterForm": "choices read from the query string, no text; an invalid one is "
    "refused next to its field in tests/reports/test_dashboard.py",
    "ScorecardRulesForm": "numbers only (weights, expectations, distances); a total other than "
    "100 is refused next to it in tests/reports/test_scorecards.py",
    "PartnerExpectationsForm": "numbers only; tested in tests/reports/test_scorecards.py",
    "ScorecardMonthForm": "a month read from the query string; one without a score is refused "
    "next to its field in tests/reports/test_scorecards.py",
    "PartnerNoteForm": "posted by a partner's contact, whom these pages' users are not; an "
    "over-long note is refused in tests/reports/test_portal.py",
    "UploadForm": "a choice and a file, no text; tested in tests/core/test_imports.py",
    "MappingForm": "choices only, no text; tested in tests/core/test_imports.py",
    "DriverForm": "a choice only, no text; tested in tests/metrics/test_pages.py",
    "RecomputeForm": "a tick box only; tested in tests/metrics/test_pages.py",
    "AlertSubscribeForm": "choices only, no text; refusals next to their field are tested in "
    "tests/metrics/test_alert_pages.py",
    "RoleSubscribeForm": "choices only, no text; tested in tests/metrics/test_alert_pages.py",
    "SubscriptionFrequencyForm": "a choice only; tested in tests/metrics/test_alert_pages.py",
    "SeverityPolicyForm": "numbers and a tick box only; tested in tests/feedback/test_pages.py",
    "FrontlineLimitForm": "a choice only; tested in tests/feedback/test_pages.py",
    "GenerateForm": "a month from a menu, no text; a month not ended is refused next to its "
    "field in tests/reports/test_monthly_pages.py",
    "SubscriptionForm": "a tick box only; tested in tests/reports/test_monthly_pages.py",
    "AuthenticatorCodeForm": "a one-time code checked by django-otp and kept nowhere; a wrong "
    "code's refusal is tested in tests/core/test_two_factor.py",
}


def model_limit(page: FormPage, name: str) -> int | None:
    """Return the maximum length of the model field a plain form's field fills, if any."""
    service_name = {v: k for k, v in getattr(page.form, "SERVICE_FIELDS", {}).items()}.get(
        name, name
    )
    for model in page.models:
        try:
            model_field = model._meta.get_field(service_name)
        except FieldDoesNotExist:
            continue
        max_length: int | None = getattr(model_field, "max_length", None)
        if max_length:
            return max_length
    return None


def limits(page: FormPage) -> dict[str, int]:
    """Return each text field of the page's form with its maximum length (form's or model's)."""
    found = dict(page.extra)
    for name, form_field in page.form.base_fields.items():
        if isinstance(form_field, forms.CharField) and not form_field.disabled:
            limit = form_field.max_length or model_limit(page, name)
            if limit:
                found[name] = limit
    return found


CASES = [
    pytest.param(key, name, limit, id=f"{key}-{name}")
    for key, page in PAGES.items()
    for name, limit in limits(page).items()
    if name not in page.absent
    and not (key == "indicator-edit" and name == "code")  # shown, but it cannot change
]


def too_long(form_field: Any, limit: int) -> str:
    """Return a value one character over the limit that is otherwise valid for the field."""
    if isinstance(form_field, forms.EmailField):
        domain = "@example.com"
        return "x" * (limit + 1 - len(domain)) + domain
    if isinstance(form_field, forms.URLField):  # with its scheme, which a URL field adds
        address = "https://example.com/"
        return address + "x" * (limit + 1 - len(address))
    return "x" * (limit + 1)


def rows(given: Any, page: FormPage) -> tuple[dict[str, int], dict[str, Any] | None]:
    """Return the row count of every model of the product, and the edited row's values."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in SAVED_APPS
        if apps.is_installed(app)
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    edited = None
    if page.edits is not None:
        instance = page.edits(given)
        instance.refresh_from_db()
        edited = model_to_dict(instance)
    return counts, edited


def summary_removed(html: str) -> str:
    """Return the page without the error summary at the top of its form."""
    return re.sub(r'<div[^>]*data-testid="form-errors".*?</ul>\s*</div>', "", html, flags=re.S)


def control(html: str, name: str) -> str:
    """Return the opening tag of the input, text area or menu of a field."""
    found = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert found, f"no control named {name} on the page"
    return found.group(0)


def test_every_form_of_the_product_is_posted_or_excused() -> None:
    """Each form class of the apps' form modules is posted below or excused with a reason."""
    posted = {page.form.__name__ for page in PAGES.values()}

    unlisted = {form.__name__ for form in product_forms()} - posted - set(NOT_POSTED)

    assert unlisted == set(), "add these forms to PAGES in tests/core/test_form_errors.py"


@pytest.mark.parametrize("key", sorted(PAGES))
def test_plain_forms_refuse_what_their_models_cannot_hold(key: str) -> None:
    """A plain form's text field is no longer than the model field it fills (so it says why)."""
    page = PAGES[key]

    too_loose = {
        name: (form_field.max_length, model_limit(page, name))
        for name, form_field in page.form.base_fields.items()
        if isinstance(form_field, forms.CharField)
        and model_limit(page, name)
        and (form_field.max_length or 10**9) > (model_limit(page, name) or 0)
    }

    assert too_loose == {}


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PAGES))
def test_each_page_saves_its_valid_data(client_for: Any, key: str) -> None:
    """The valid data of each page is saved, so the refusals below are the long value's doing."""
    page = PAGES[key]
    client = client_for(page.role)
    given = page.given()
    url = reverse(page.url, kwargs=page.kwargs(given) if page.kwargs else None)
    before = rows(given, page)

    response = client.post(url, page.data(given))

    assert response.status_code in (200, 302)
    assert rows(given, page) != before


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "name", "limit"), CASES)
def test_an_over_long_value_is_refused_next_to_its_field_and_nothing_is_saved(
    client_for: Any, key: str, name: str, limit: int
) -> None:
    """The form comes back with the error next to the field, in its summary, and the value."""
    page = PAGES[key]
    client = client_for(page.role)
    given = page.given()
    url = reverse(page.url, kwargs=page.kwargs(given) if page.kwargs else None)
    name = name.format(**page.names(given)) if page.names else name
    form_field = page.form.base_fields.get(name, forms.CharField())
    value = too_long(form_field, limit)
    before = rows(given, page)

    response = client.post(url, {**page.data(given), name: value})

    html = response.content.decode()
    message = f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    beside = summary_removed(html)
    assert response.status_code in (200, 400)
    assert "is-invalid" in control(beside, name)
    assert f'maxlength="{limit}"' in control(beside, name)
    assert message in beside
    assert re.search(rf'data-field-error="{name}">.*?{re.escape(message)}', html)
    assert value in html
    assert rows(given, page) == before


def test_the_complaint_log_form_refuses_a_100_character_customer_reference(
    client_for: Any,
) -> None:
    """The reported case: a 100-character customer reference is refused, not silently lost."""
    client = client_for("frontline")
    reference = "C" * 100
    before = Complaint.objects.count()

    response = client.post(
        reverse("feedback:complaint-log"),
        {"description": "Invoice sent twice", "severity": "2", "customer_reference": reference},
    )

    html = response.content.decode()
    assert "is-invalid" in control(summary_removed(html), "customer_reference")
    assert "at most 80 characters (it has 100)" in summary_removed(html)
    assert 'data-field-error="customer_reference"' in html
    assert reference in html
    assert Complaint.objects.count() == before


# Errors on fields a form does not show ----------------------------------------------------------


class NameOnlyForm(forms.Form):
    """A form showing one field of a model with more."""

    name = forms.CharField(label="Name")


def test_service_errors_on_fields_the_form_lacks_name_the_field_at_the_top() -> None:
    """A service's error on a model field the form lacks becomes a top error naming the field."""
    from django.core.exceptions import ValidationError

    form = NameOnlyForm({"name": "Billing"})
    form.is_valid()

    add_service_errors(
        form,
        ValidationError(
            {
                "name": "Taken.",
                "customer_reference": "Ensure this value has at most 80 characters.",
                "__all__": "Not today.",
            }
        ),
    )

    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == [
        "Customer reference: Ensure this value has at most 80 characters.",
        "Not today.",
    ]


def test_a_model_error_the_form_cannot_show_appears_at_the_top_of_the_page(
    client_for: Any, monkeypatch: Any
) -> None:
    """A rule on a field the log form lacks is shown at the top of the form, naming the field."""
    from django.core.exceptions import ValidationError

    def refuse(**fields: Any) -> Complaint:
        raise ValidationError({"received_at": "A complaint cannot be received in the future."})

    monkeypatch.setattr(feedback_services, "complaint_log", refuse)
    client = client_for("frontline")

    response = client.post(
        reverse("feedback:complaint-log"),
        {"description": "Invoice sent twice", "severity": "2", "channel": "phone"},
    )

    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert "Received at: A complaint cannot be received in the future." in html
    assert "Invoice sent twice" in html


def test_the_error_summary_covers_hidden_fields(client_for: Any, make_user: Any) -> None:
    """An error on a hidden field (the complaint a recognition links to) is shown at the top."""
    client = client_for("administrator")
    recipient = make_user("frontline")

    response = client.post(
        reverse("feedback:recognition-create"),
        {"recipient": recipient.pk, "behaviour": "Stayed late", "complaint": "999999"},
    )

    html = response.content.decode()
    assert 'data-field-error="complaint"' in html
    assert "Select a valid choice" in html
    assert Recognition.objects.count() == 0
